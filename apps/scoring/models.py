"""Stored daily scores and the durable queue of days that need recomputing."""

import uuid

from django.conf import settings
from django.db import models


class ScoreStatus(models.TextChoices):
    FINAL = "final", "Final"
    PROVISIONAL = "provisional", "Provisional (the user's current day)"
    PENDING = "pending", "Pending (a recompute is due)"


class DailyScore(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="daily_scores"
    )
    local_date = models.DateField()
    algorithm_version = models.CharField(max_length=40)
    params_sha256 = models.CharField(max_length=64)
    score = models.FloatField(null=True, blank=True)
    confidence = models.FloatField(default=0)
    components = models.JSONField(default=dict)
    flags = models.JSONField(default=list)
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    timezone = models.CharField(max_length=64)
    inputs_digest = models.CharField(max_length=64)
    status = models.CharField(max_length=12, choices=ScoreStatus.choices, default=ScoreStatus.FINAL)
    has_data = models.BooleanField(default=False)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "local_date", "algorithm_version"],
                name="daily_score_unique_day_version",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=100),
                name="daily_score_in_range",
            ),
        ]
        indexes = [models.Index(fields=["user", "local_date"], name="daily_score_user_date")]
        ordering = ["local_date"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.local_date} {self.score}"


class DirtyDay(models.Model):
    """A local day whose score must be recomputed. Written in the same transaction as the
    data change (DESIGN.md rule 6); a recompute deletes only the marks it consumed, matched
    by `token`, so a day dirtied again meanwhile stays dirty."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    local_date = models.DateField()
    token = models.UUIDField(default=uuid.uuid4)
    dirtied_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "local_date"], name="dirty_day_unique"),
        ]
        indexes = [models.Index(fields=["dirtied_at"], name="dirty_day_dirtied_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.local_date}"


class FlagSeverity(models.TextChoices):
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    HIGH = "high", "High"


class SafetyFlag(models.Model):
    """A safety flag raised by the scoring engine for one local day, kept as a row so that
    coaches can acknowledge it and summaries can list it. Written by the recompute task."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_flags"
    )
    local_date = models.DateField()
    code = models.CharField(max_length=40)
    severity = models.CharField(max_length=10, choices=FlagSeverity.choices)
    message = models.CharField(max_length=300, blank=True, default="")
    evidence = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "local_date", "code"], name="safety_flag_unique_day_code"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-local_date"], name="safety_flag_user_date"),
            models.Index(fields=["acknowledged_at", "-created_at"], name="safety_flag_open"),
        ]
        ordering = ["-local_date", "code"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.local_date} {self.code}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
