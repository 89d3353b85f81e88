"""Notification writes: inbox, preferences and schedule, devices, stored summaries."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import Profile, User
from apps.common.errors import Conflict, NotFound
from apps.notifications.models import (
    Device,
    Notification,
    NotificationPreference,
    WeeklySummary,
)
from apps.notifications.selectors import weekly_summary_live
from apps.notifications.weeks import IsoWeek, next_send_at

UNSUBSCRIBE_SALT = "lowtide.notifications.unsubscribe"
UNSUBSCRIBE_INVALID = "This unsubscribe link is not valid."
# Unsubscribe topics and the preference each one turns off.
UNSUBSCRIBE_TOPICS = {"email": "email_enabled", "coach_digest": "coach_digest_enabled"}
DEVICE_ID_IN_USE = "This id is already used by another device registration."
PREFERENCE_FIELDS = (
    "email_enabled",
    "push_enabled",
    "in_app_enabled",
    "coach_digest_enabled",
    "empty_week_nudge",
    "send_weekday",
    "send_hour",
)


def notification_create(
    *,
    user_id: UUID,
    kind: str,
    title: str,
    body: str = "",
    severity: str = "",
    data: dict[str, Any] | None = None,
    dedupe_key: str,
) -> bool:
    """Create an in-app notification once per (user, dedupe_key); True if it was new."""
    _, created = Notification.objects.get_or_create(
        user_id=user_id,
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            "title": title,
            "body": body,
            "severity": severity,
            "data": data or {},
        },
    )
    return created


def notifications_create_once(notices: list[dict[str, Any]]) -> None:
    """Many notifications (each with its `user_id`) in one INSERT; those whose
    (user, dedupe_key) already exists are skipped, as with notification_create."""
    if notices:
        Notification.objects.bulk_create(
            [Notification(**notice) for notice in notices], ignore_conflicts=True
        )


def notification_mark_read(*, user: User, notification_id: UUID) -> Notification:
    """Idempotent: reading twice keeps the first read time."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().filter(pk=notification_id, user=user).first()
        )
        if notification is None:
            raise NotFound("Not found.")
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
    return notification


# --- preferences and the schedule ----------------------------------------------------------


def _timezone_of(user_id: UUID) -> str:
    return (
        Profile.objects.filter(user_id=user_id).values_list("timezone", flat=True).first() or "UTC"
    )


def _reschedule(pref: NotificationPreference, *, tz: str, now: datetime) -> None:
    pref.schedule_timezone = tz
    if pref.next_send_at is not None and pref.next_send_at <= now:
        return  # due and not yet claimed: this week's send stays; the claim reschedules
    pref.next_send_at = next_send_at(
        tz=tz, weekday=pref.send_weekday, hour=pref.send_hour, after=now
    )


def preference_ensure(*, user_id: UUID, tz: str | None = None) -> NotificationPreference:
    """The user's preferences, created with the default schedule (Monday 08:00 local)."""
    pref = NotificationPreference.objects.filter(user_id=user_id).first()
    if pref is not None:
        return pref
    pref = NotificationPreference(user_id=user_id)
    _reschedule(pref, tz=tz or _timezone_of(user_id), now=timezone.now())
    try:
        with transaction.atomic():
            pref.save(force_insert=True)
    except IntegrityError:  # created concurrently
        return NotificationPreference.objects.get(user_id=user_id)
    return pref


def preference_schedule_sync(*, user_id: UUID, tz: str) -> None:
    """Called when the profile is saved: recompute the schedule if the zone changed."""
    pref = NotificationPreference.objects.filter(user_id=user_id).first()
    if pref is None:
        preference_ensure(user_id=user_id, tz=tz)
        return
    if pref.schedule_timezone != tz:
        _reschedule(pref, tz=tz, now=timezone.now())
        pref.save(update_fields=["schedule_timezone", "next_send_at", "updated_at"])


def preference_update(*, user: User, data: dict[str, Any]) -> NotificationPreference:
    with transaction.atomic():
        preference_ensure(user_id=user.pk)
        pref = NotificationPreference.objects.select_for_update().get(user_id=user.pk)
        for name in PREFERENCE_FIELDS:
            if name in data:
                setattr(pref, name, data[name])
        pref.full_clean(exclude=["user"])
        # Day, hour or zone may have changed: the next send follows the new choice.
        _reschedule(pref, tz=_timezone_of(user.pk), now=timezone.now())
        pref.save()
    return pref


def unsubscribe_token(*, user_id: UUID, topic: str) -> str:
    """A signed, login-free token; forging one needs SECRET_KEY."""
    return signing.dumps({"u": str(user_id), "t": topic}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_apply(*, token: str) -> tuple[UUID, str]:
    """Turn off the topic the token names; idempotent. Raises NotFound if the token is bad."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id, topic = UUID(payload["u"]), payload["t"]
        field = UNSUBSCRIBE_TOPICS[topic]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound(UNSUBSCRIBE_INVALID) from None
    if not User.objects.filter(pk=user_id).exists():
        raise NotFound(UNSUBSCRIBE_INVALID)
    preference_ensure(user_id=user_id)
    NotificationPreference.objects.filter(user_id=user_id).update(
        **{field: False, "updated_at": timezone.now()}
    )
    return user_id, topic


# --- devices -------------------------------------------------------------------------------


def device_register(
    *, user: User, token: str, platform: str, device_id: UUID | None = None
) -> tuple[Device, bool]:
    """Register (or re-activate) a push token for `user`; a token moves to its latest owner.

    Returns (device, created)."""
    with transaction.atomic():
        device = Device.objects.select_for_update().filter(token=token).first()
        if device is None:
            if device_id is not None and Device.objects.filter(pk=device_id).exists():
                raise Conflict(DEVICE_ID_IN_USE, field="id", code="id_in_use")
            device = Device(user=user, token=token, platform=platform)
            if device_id is not None:
                device.id = device_id
            device.save(force_insert=True)
            return device, True
        created = device.user_id != user.pk
        device.user = user
        device.platform = platform
        device.active = True
        device.deactivated_at = None
        device.deactivation_reason = ""
        device.save()
    return device, created


def device_delete(*, user: User, device_id: UUID) -> None:
    deleted, _ = Device.objects.filter(pk=device_id, user=user).delete()
    if not deleted:
        raise NotFound("Not found.")


def device_deactivate(*, device_id: UUID, reason: str) -> None:
    Device.objects.filter(pk=device_id, active=True).update(
        active=False, deactivated_at=timezone.now(), deactivation_reason=reason[:40]
    )


# --- stored summaries ----------------------------------------------------------------------


def weekly_summary_refresh(*, user: User, week: IsoWeek, now: datetime) -> dict[str, Any]:
    """Compute the week and store it (upsert on (user, week)); returns the summary."""
    data = weekly_summary_live(user=user, week=week, now=now)
    row = WeeklySummary(
        user=user,
        week=week.label,
        week_start=week.monday,
        timezone=data["timezone"],
        has_data=data["has_data"],
        data=data,
        built_at=now,
    )
    WeeklySummary.objects.bulk_create(
        [row],
        update_conflicts=True,
        unique_fields=["user", "week"],
        update_fields=["week_start", "timezone", "has_data", "data", "built_at"],
    )
    return data
