"""In-app notifications (the inbox). Weekly summaries and channels build on this."""

import uuid

from django.conf import settings
from django.db import models


class NotificationKind(models.TextChoices):
    SAFETY_FLAG = "safety_flag", "Safety flag"
    WEEKLY_SUMMARY = "weekly_summary", "Weekly summary"
    NUDGE = "nudge", "Nudge"


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    severity = models.CharField(max_length=10, blank=True, default="")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    # Makes writers idempotent: one notification per user and key (e.g. flag + day).
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], name="notification_dedupe"),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_inbox")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
