"""Notifications: the in-app inbox, weekly summaries, per-user schedule, devices and the
delivery ledger that makes every (user, week, channel) send happen once."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models


class NotificationKind(models.TextChoices):
    SAFETY_FLAG = "safety_flag", "Safety flag"
    WEEKLY_SUMMARY = "weekly_summary", "Weekly summary"
    NUDGE = "nudge", "Nudge"


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
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


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    PUSH = "push", "Push"
    IN_APP = "in_app", "In-app"


class NotificationPreference(models.Model):
    """A user's channels and weekly send time (local), plus the schedule derived from them.

    `next_send_at` is the next send instant in UTC, computed in `schedule_timezone`; the
    dispatcher claims a row by moving it forward with a conditional UPDATE.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_preference",
    )
    email_enabled = models.BooleanField(default=True)
    push_enabled = models.BooleanField(default=True)
    in_app_enabled = models.BooleanField(default=True)
    coach_digest_enabled = models.BooleanField(default=True)
    # A week with nothing logged still gets a short nudge unless this is off.
    empty_week_nudge = models.BooleanField(default=True)
    send_weekday = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(6)], help_text="0 = Monday … 6 = Sunday"
    )
    send_hour = models.PositiveSmallIntegerField(default=8, validators=[MaxValueValidator(23)])
    next_send_at = models.DateTimeField(null=True, blank=True)
    schedule_timezone = models.CharField(max_length=64, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(send_weekday__lte=6), name="notif_pref_weekday_range"
            ),
            models.CheckConstraint(
                condition=models.Q(send_hour__lte=23), name="notif_pref_hour_range"
            ),
        ]
        indexes = [models.Index(fields=["next_send_at"], name="notif_pref_due")]

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"


class Platform(models.TextChoices):
    IOS = "ios", "iOS"
    ANDROID = "android", "Android"
    WEB = "web", "Web"


class Device(models.Model):
    """A push registration token. A token belongs to one user at a time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_devices"
    )
    platform = models.CharField(max_length=8, choices=Platform.choices)
    token = models.CharField(max_length=1024)
    active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivation_reason = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token"], name="device_token_unique"),
        ]
        indexes = [models.Index(fields=["user", "active"], name="device_user_active")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.platform} device of {self.user_id}"


class WeeklySummary(models.Model):
    """What one ISO week (Monday–Sunday in the user's zone) looked like, as it was sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_summaries"
    )
    week = models.CharField(max_length=8, help_text="ISO week, e.g. 2026-W48")
    week_start = models.DateField()
    timezone = models.CharField(max_length=64)
    has_data = models.BooleanField(default=False)
    data = models.JSONField(default=dict)
    built_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="weekly_summary_once"),
        ]
        indexes = [
            models.Index(fields=["user", "-week_start"], name="weekly_summary_user_week"),
        ]
        ordering = ["-week_start"]
        verbose_name_plural = "weekly summaries"

    def __str__(self) -> str:
        return f"{self.user_id} {self.week}"


class DeliveryKind(models.TextChoices):
    WEEKLY_SUMMARY = "weekly_summary", "Weekly summary"
    COACH_DIGEST = "coach_digest", "Coach digest"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Claimed by a worker"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped (nothing to send)"
    FAILED = "failed", "Failed"


OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


class Delivery(models.Model):
    """The ledger row that makes a send happen once: unique per (user, kind, week, channel).

    A worker claims it (pending → sending, attempts + 1) with a conditional UPDATE before
    talking to the provider, and records the outcome after. A claim older than the lease
    is presumed dead and may be claimed again (docs/decisions/0010).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=DeliveryKind.choices)
    week = models.CharField(max_length=8)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(help_text="The scheduled send time that was claimed.")
    enqueued_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=120, blank=True, default="")
    # Per-channel progress that must survive a retry (e.g. push devices already reached).
    progress = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "week", "channel"], name="delivery_once"
            ),
            models.CheckConstraint(
                condition=models.Q(attempts__gte=0), name="delivery_attempts_non_negative"
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "enqueued_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="delivery_open",
            ),
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return f"{self.kind} {self.week} {self.channel} → {self.user_id}: {self.status}"
