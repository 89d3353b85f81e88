from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

from apps.common.models import UserOwnedRecord


class Intensity(models.TextChoices):
    LIGHT = "light", "Light"
    MODERATE = "moderate", "Moderate"
    VIGOROUS = "vigorous", "Vigorous"


class ExerciseSession(UserOwnedRecord):
    started_at = models.DateTimeField()
    minutes = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(1440)]
    )
    intensity = models.CharField(max_length=10, choices=Intensity.choices)
    kind = models.CharField(max_length=60, blank=True, default="")
    note = models.TextField(blank=True, default="", validators=[MaxLengthValidator(1000)])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=1440), name="exercise_minutes_range"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "started_at"], name="exercise_user_started"),
            models.Index(fields=["user", "change_seq"], name="exercise_user_seq"),
        ]
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.kind or self.intensity} {self.minutes} min"
