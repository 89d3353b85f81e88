"""Users log in with their email; the Profile holds what the scoring engine needs."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone as dj_timezone

from apps.common.units import GLUCOSE_UNITS, MGDL


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    COACH = "coach", "Coach"
    STAFF = "staff", "Staff"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True, role=Role.STAFF)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True, max_length=254)
    display_name = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=dj_timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def is_coach(self) -> bool:
        return self.role == Role.COACH


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"


class ActivityLevel(models.TextChoices):
    SEDENTARY = "sedentary", "Sedentary (1.2)"
    LIGHT = "light", "Light (1.375)"
    MODERATE = "moderate", "Moderate (1.55)"
    VERY = "very", "Very active (1.725)"
    EXTRA = "extra", "Extra active (1.9)"


# Mifflin–St Jeor activity factors (API.md).
ACTIVITY_FACTORS = {
    ActivityLevel.SEDENTARY: 1.2,
    ActivityLevel.LIGHT: 1.375,
    ActivityLevel.MODERATE: 1.55,
    ActivityLevel.VERY: 1.725,
    ActivityLevel.EXTRA: 1.9,
}

MEDICAL_CONTEXT_CHOICES = (
    "insulin",
    "sulfonylurea",
    "type1_diabetes",
    "pregnancy",
    "eating_disorder",
    "mtor_inhibitor",
)


class Profile(models.Model):
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    timezone = models.CharField(max_length=64, default="UTC")
    glucose_unit = models.CharField(
        max_length=8, choices=[(u, u) for u in GLUCOSE_UNITS], default=MGDL
    )
    sex = models.CharField(max_length=8, choices=Sex.choices, null=True, blank=True)  # noqa: DJ001  (null = not told)
    birth_date = models.DateField(null=True, blank=True)
    height_cm = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(50), MaxValueValidator(272)]
    )
    weight_kg = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(20), MaxValueValidator(400)]
    )
    activity_level = models.CharField(
        max_length=16, choices=ActivityLevel.choices, default=ActivityLevel.SEDENTARY
    )
    maintenance_kcal = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(800), MaxValueValidator(8000)]
    )
    fasting_target_hours = models.FloatField(
        default=16, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    tracking_start = models.DateTimeField(default=dj_timezone.now)
    medical_context = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(height_cm__isnull=True)
                | models.Q(height_cm__gte=50, height_cm__lte=272),
                name="profile_height_plausible",
            ),
            models.CheckConstraint(
                condition=models.Q(weight_kg__isnull=True)
                | models.Q(weight_kg__gte=20, weight_kg__lte=400),
                name="profile_weight_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user_id}"

    @property
    def activity_factor(self) -> float:
        return ACTIVITY_FACTORS[ActivityLevel(self.activity_level)]
