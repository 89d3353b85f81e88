"""Coach ↔ client consent, private coach notes and the append-only audit trail."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone

INVITE_TTL_DAYS = 7
INVITES_PER_DAY = 20
NOTE_MAX_CHARS = 5000


class CoachInvite(models.Model):
    """A single-use code a coach hands to a prospective client.

    Only a SHA-256 digest of the code is stored: the plain code is shown once, at creation,
    so a database read cannot be turned into access to someone's health data.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_invites"
    )
    code_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="coach_invite_expires_after_creation",
            ),
        ]
        indexes = [models.Index(fields=["coach", "created_at"], name="coach_invite_coach_created")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"invite {self.id} by {self.coach_id}"


class CoachClientLink(models.Model):
    """Consent: while `revoked_at` is null the coach may read the client's data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_links"
    )
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_links"
    )
    invite = models.ForeignKey(
        CoachInvite, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coach", "client"],
                condition=models.Q(revoked_at__isnull=True),
                name="coach_link_one_active_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(coach=models.F("client")), name="coach_link_not_self"
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True)
                | models.Q(revoked_at__gte=models.F("granted_at")),
                name="coach_link_revoked_after_granted",
            ),
        ]
        indexes = [
            models.Index(fields=["coach", "revoked_at"], name="coach_link_coach_active"),
            models.Index(fields=["client", "revoked_at"], name="coach_link_client_active"),
        ]
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        state = "active" if self.revoked_at is None else "revoked"
        return f"{self.coach_id} → {self.client_id} ({state})"


class CoachNote(models.Model):
    """A coach's private note about a client: never shown to the client or other coaches."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(validators=[MaxLengthValidator(NOTE_MAX_CHARS)])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="coach_note_not_empty"),
        ]
        indexes = [
            models.Index(fields=["coach", "client", "-created_at"], name="coach_note_pair_created")
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"note {self.id}"


class AuditAction(models.TextChoices):
    CLIENT_LIST = "client_list", "Clients list"
    CLIENT_SEARCH = "client_search", "Client search / autocomplete"
    DASHBOARD = "dashboard", "Client dashboard"
    CHART_GLUCOSE = "chart_glucose", "Glucose trace data"
    CHART_AGP = "chart_agp", "AGP data"
    CHART_DAILY = "chart_daily", "Daily series data"
    DAY_TIMELINE = "day_timeline", "Day timeline"
    EXPORT = "export", "Export"
    FLAGS = "flags", "Open flags list"
    FLAG_ACKNOWLEDGE = "flag_acknowledge", "Flag acknowledged"
    API_CLIENTS = "api_clients", "API clients list"
    ADMIN_LIST = "admin_list", "Staff admin list"
    ADMIN_VIEW = "admin_view", "Staff admin object"


class AppendOnlyError(Exception):
    """Audit rows are written once and never changed or removed by the application."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Audit events cannot be updated.")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be updated.")


class AuditEvent(models.Model):
    """One coach or staff read of a client's data (RELIABILITY.md: Audit).

    Actor and subject are plain ids, not foreign keys: erasing an account must neither
    delete nor rewrite the record of who looked at what.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now)
    actor_id = models.UUIDField()
    actor_email = models.EmailField(max_length=254)
    actor_role = models.CharField(max_length=16)
    subject_id = models.UUIDField()
    action = models.CharField(max_length=24, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True, default="")
    path = models.CharField(max_length=300, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["subject_id", "-at"], name="audit_subject_at"),
            models.Index(fields=["actor_id", "-at"], name="audit_actor_at"),
            models.Index(fields=["-at"], name="audit_at"),
        ]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_email} {self.action} {self.subject_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")
