"""Sending one user's deliveries for a week, each channel at most once.

For every open Delivery row of (user, kind, week): claim it (pending → sending,
attempts + 1) in one conditional statement, talk to the provider, record the outcome.
A transient failure puts the row back to pending with exponential backoff until
NOTIFICATIONS_MAX_ATTEMPTS; any failure of one channel leaves the others untouched.
A claim older than the lease is presumed dead (worker killed) and may be taken again:
that, and only that, can repeat a send (docs/decisions/0010-weekly-summary-delivery.md).
"""

from __future__ import annotations

import logging
import random
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.accounts.models import User
from apps.notifications.channels import (
    Channel,
    PermanentError,
    Progress,
    TransientError,
    default_channels,
)
from apps.notifications.digest import coach_digest_build
from apps.notifications.models import (
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    NotificationPreference,
    WeeklySummary,
)
from apps.notifications.rendering import Envelope
from apps.notifications.selectors import user_for_notifications
from apps.notifications.services import preference_ensure, weekly_summary_refresh
from apps.notifications.weeks import IsoWeek

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 900.0


@dataclass(frozen=True)
class ProcessResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    retry_in: float | None = None  # seconds until the soonest scheduled retry


def _lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS_DELIVERY_LEASE_SECONDS)


def claimable_q(now: datetime) -> Q:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    expired_claim = Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - _lease())
    return (Q(status=DeliveryStatus.PENDING) & due) | expired_claim


def _claim(*, user_id: UUID, kind: str, week: str, now: datetime) -> list[Delivery]:
    """Claim every claimable row at once; a concurrent twin skips locked rows and then
    sees them as `sending`, so it claims nothing."""
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(claimable_q(now), user_id=user_id, kind=kind, week=week)
            .order_by("channel")
        )
        if rows:
            Delivery.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=DeliveryStatus.SENDING,
                claimed_at=now,
                attempts=F("attempts") + 1,
                updated_at=now,
            )
    for row in rows:
        row.status, row.claimed_at, row.attempts = DeliveryStatus.SENDING, now, row.attempts + 1
    return rows


def _finish(row: Delivery, **fields) -> None:
    # Only the holder of this claim may record its outcome.
    Delivery.objects.filter(pk=row.pk, status=DeliveryStatus.SENDING, attempts=row.attempts).update(
        updated_at=timezone.now(), **fields
    )


def backoff_seconds(attempt: int, hint: float | None = None) -> float:
    base = settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS * 2 ** (attempt - 1)
    delay = min(base, MAX_BACKOFF_SECONDS) * random.uniform(0.8, 1.2)
    return max(delay, hint or 0.0)


def _opted_out(row: Delivery, pref: NotificationPreference, envelope: Envelope) -> str | None:
    if row.kind == DeliveryKind.COACH_DIGEST:
        if not pref.coach_digest_enabled:
            return "opted_out"
        return None if envelope.content["clients"] else "no_clients"
    enabled = {
        "email": pref.email_enabled,
        "push": pref.push_enabled,
        "in_app": pref.in_app_enabled,
    }.get(row.channel, False)
    if not enabled:
        return "opted_out"
    if not envelope.content["has_data"] and not pref.empty_week_nudge:
        return "empty_week_opted_out"
    return None


def _content(user: User, rows: list[Delivery], week: IsoWeek, now: datetime) -> dict:
    if rows[0].kind == DeliveryKind.COACH_DIGEST:
        return coach_digest_build(coach=user, week=week, now=now)
    if any(row.attempts > 1 for row in rows):
        # A retry tells the same story as the channels already sent: reuse what was
        # stored, unless it was built before the week ended.
        stored = (
            WeeklySummary.objects.filter(user=user, week=week.label)
            .values_list("data", flat=True)
            .first()
        )
        if stored is not None and stored.get("complete"):
            return stored
    return weekly_summary_refresh(user=user, week=week, now=now)


def deliveries_process(
    *,
    user_id: UUID,
    kind: str,
    week: IsoWeek,
    channels: Mapping[str, Channel] | None = None,
) -> ProcessResult:
    """Send the open deliveries of (user, kind, week). Safe to run twice or concurrently."""
    now = timezone.now()
    rows = _claim(user_id=user_id, kind=kind, week=week.label, now=now)
    if not rows:
        return ProcessResult()
    user = user_for_notifications(user_id=user_id)
    if user is None:  # erased meanwhile: its rows went with it
        return ProcessResult()
    pref = getattr(user, "notification_preference", None) or preference_ensure(user_id=user.pk)
    try:
        content = _content(user, rows, week, now)
    except Exception as exc:  # give the claims back rather than hold them for a lease
        logger.error("weekly content for %s failed: %s", user.pk, _where(exc))
        delays = [_retry_or_fail(row, _code(exc), None)[1] for row in rows]
        return ProcessResult(retry_in=min((d for d in delays if d is not None), default=None))
    envelope = Envelope(user=user, kind=kind, week=week, content=content)
    channels = channels or default_channels()
    sent = skipped = failed = 0
    retry_in: float | None = None
    for row in rows:
        status, delay = _send_one(row, envelope, pref, channels)
        sent += status == DeliveryStatus.SENT
        skipped += status == DeliveryStatus.SKIPPED
        failed += status == DeliveryStatus.FAILED
        if delay is not None:
            retry_in = delay if retry_in is None else min(retry_in, delay)
    return ProcessResult(sent, skipped, failed, retry_in)


def _send_one(
    row: Delivery,
    envelope: Envelope,
    pref: NotificationPreference,
    channels: Mapping[str, Channel],
) -> tuple[str, float | None]:
    """Returns the row's new status and, when it will be retried, the delay in seconds."""
    reason = _opted_out(row, pref, envelope)
    if reason:
        _finish(row, status=DeliveryStatus.SKIPPED, error=reason)
        return DeliveryStatus.SKIPPED, None
    progress = Progress(
        data=dict(row.progress),
        save=lambda data: Delivery.objects.filter(pk=row.pk).update(progress=data),
    )
    try:
        outcome = channels[row.channel].send(envelope, progress)
    except TransientError as exc:
        return _retry_or_fail(row, exc.code, exc.retry_after)
    except PermanentError as exc:
        _finish(row, status=DeliveryStatus.FAILED, error=exc.code)
        logger.warning("delivery %s failed permanently: %s", row.pk, exc.code)
        return DeliveryStatus.FAILED, None
    except Exception as exc:  # a bug in one channel must not block the others
        logger.error("delivery %s (%s) failed: %s", row.pk, row.channel, _where(exc))
        return _retry_or_fail(row, _code(exc), None)
    if outcome.sent:
        _finish(row, status=DeliveryStatus.SENT, sent_at=timezone.now(), error="")
        return DeliveryStatus.SENT, None
    _finish(row, status=DeliveryStatus.SKIPPED, error=outcome.detail)
    return DeliveryStatus.SKIPPED, None


def _retry_or_fail(row: Delivery, code: str, hint: float | None) -> tuple[str, float | None]:
    if row.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        _finish(row, status=DeliveryStatus.FAILED, error=code)
        logger.warning("delivery %s failed after %d attempts: %s", row.pk, row.attempts, code)
        return DeliveryStatus.FAILED, None
    delay = backoff_seconds(row.attempts, hint)
    at = timezone.now() + timedelta(seconds=delay)
    # enqueued_at = the retry's due time: the sweeper waits past it before assuming it lost.
    _finish(row, status=DeliveryStatus.PENDING, error=code, next_attempt_at=at, enqueued_at=at)
    logger.info("delivery %s attempt %d: %s; retry in %.1fs", row.pk, row.attempts, code, delay)
    return DeliveryStatus.PENDING, delay


def _code(exc: Exception) -> str:
    return f"error_{type(exc).__name__}"[:120]


def _where(exc: Exception) -> str:
    """Exception type and innermost frame only: messages may hold addresses or values."""
    frames = traceback.extract_tb(exc.__traceback__)
    place = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return f"{type(exc).__name__}{place}"
