from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

from apps.common.models import UserOwnedRecord


class Protocol(models.TextChoices):
    P16_8 = "16:8", "16:8"
    P18_6 = "18:6", "18:6"
    P20_4 = "20:4", "20:4"
    OMAD = "omad", "One meal a day"
    P36H = "36h", "36 hours"
    EXTENDED = "extended", "Extended"
    CUSTOM = "custom", "Custom"


class FastingWindow(UserOwnedRecord):
    """A logged fast. `ended_at` null means it is ongoing.

    Overlap between a user's live windows is excluded by a PostgreSQL exclusion constraint
    (migration 0002) as well as by the service check.
    """

    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    target_hours = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    protocol = models.CharField(max_length=16, choices=Protocol.choices, default=Protocol.CUSTOM)
    note = models.TextField(blank=True, default="", validators=[MaxLengthValidator(1000)])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gt=models.F("started_at")),
                name="fast_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(target_hours__isnull=True)
                | models.Q(target_hours__gte=1, target_hours__lte=240),
                name="fast_target_hours_range",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(ended_at__isnull=True, deleted_at__isnull=True),
                name="fast_one_ongoing_per_user",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "started_at"], name="fast_user_started"),
            models.Index(fields=["user", "change_seq"], name="fast_user_seq"),
        ]
        ordering = ["started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} → {self.ended_at or 'ongoing'}"
