from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from apps.common.models import UserOwnedRecord

MIN_MGDL = 20
MAX_MGDL = 600
# Sensor sentinels are stored as censored values just outside the sensor's range.
LOW_MGDL = 39.0
HIGH_MGDL = 401.0


class Source(models.TextChoices):
    CGM = "cgm", "Continuous glucose monitor"
    METER = "meter", "Fingerstick meter"
    LAB = "lab", "Laboratory"


class Censored(models.TextChoices):
    NONE = "", "Measured"
    LOW = "low", "Below sensor range (LOW)"
    HIGH = "high", "Above sensor range (HIGH)"


class Trend(models.TextChoices):
    RISING_FAST = "rising_fast", "Rising fast"
    RISING = "rising", "Rising"
    FLAT = "flat", "Flat"
    FALLING = "falling", "Falling"
    FALLING_FAST = "falling_fast", "Falling fast"


class GlucoseReading(UserOwnedRecord):
    # No index of its own: both indexes below lead with the user, and every index costs
    # each row of a bulk upload (the hottest write; a fourth index was ~1/5 of it).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    measured_at = models.DateTimeField()
    value_mgdl = models.FloatField(
        validators=[MinValueValidator(MIN_MGDL), MaxValueValidator(MAX_MGDL)]
    )
    censored = models.CharField(max_length=4, choices=Censored.choices, blank=True, default="")
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.CGM)
    device = models.CharField(max_length=100, blank=True, default="")
    trend = models.CharField(max_length=16, choices=Trend.choices, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value_mgdl__gte=MIN_MGDL, value_mgdl__lte=MAX_MGDL),
                name="glucose_value_plausible",
            ),
            # One index serves three purposes: uniqueness by (device, time), a user's time
            # range queries (its prefix), and index-only reads of a day's trace (INCLUDE).
            models.UniqueConstraint(
                fields=["user", "measured_at", "device"],
                include=["value_mgdl", "censored", "source"],
                condition=models.Q(deleted_at__isnull=True),
                name="glucose_unique_device_time",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "change_seq"], name="glucose_user_seq"),
        ]
        ordering = ["measured_at"]

    def __str__(self) -> str:
        return f"{self.measured_at:%Y-%m-%d %H:%M} {self.value_mgdl:.0f} mg/dL"
