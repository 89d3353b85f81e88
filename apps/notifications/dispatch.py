"""The weekly dispatcher (beat, every minute) and the sweeper of lost work.

1. Users without preferences get the default schedule (covers rows bulk-created without
   signals).
2. Due users are claimed in batches: rows read with FOR UPDATE SKIP LOCKED and moved to
   their next send time with a conditional UPDATE (`WHERE next_send_at = <value read>`),
   so two dispatchers never claim the same user; the same transaction records one
   Delivery row per channel (unique per user, kind, week, channel).
3. After commit, one task per (user, kind, week) is published on the notifications queue,
   best effort: the Delivery rows are the durable record (DESIGN.md rule 6), and the
   sweeper re-publishes rows nobody picked up (Redis restarted, worker killed).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.notifications.models import (
    Channel,
    Delivery,
    DeliveryKind,
    DeliveryStatus,
    Device,
    NotificationPreference,
)
from apps.notifications.services import preference_ensure
from apps.notifications.weeks import IsoWeek, next_send_at, week_to_send

logger = logging.getLogger(__name__)

MAX_BATCHES_PER_RUN = 40
SCHEDULE_MISSING_LIMIT = 5000
SWEEP_LIMIT = 5000


@dataclass(frozen=True)
class Job:
    kind: str
    user_id: UUID
    week: str


@dataclass
class DispatchReport:
    scheduled: int = 0
    claimed: int = 0
    requeued: int = 0
    jobs: list[Job] = field(default_factory=list)


def preferences_schedule_missing(*, now: datetime, limit: int = SCHEDULE_MISSING_LIMIT) -> int:
    rows = list(
        User.objects.filter(notification_preference__isnull=True, is_active=True).values_list(
            "pk", "profile__timezone"
        )[:limit]
    )
    prefs = []
    for user_id, tz in rows:
        pref = NotificationPreference(user_id=user_id, schedule_timezone=tz or "UTC")
        pref.next_send_at = next_send_at(
            tz=pref.schedule_timezone, weekday=pref.send_weekday, hour=pref.send_hour, after=now
        )
        prefs.append(pref)
    NotificationPreference.objects.bulk_create(prefs, ignore_conflicts=True)
    return len(prefs)


def _channels(row: dict, has_device: bool) -> list[str]:
    wanted = [
        (Channel.EMAIL, row["email_enabled"]),
        (Channel.PUSH, row["push_enabled"] and has_device),
        (Channel.IN_APP, row["in_app_enabled"]),
    ]
    return [channel for channel, on in wanted if on]


def due_claim(
    *, now: datetime, batch_size: int, user_ids: Iterable[UUID] | None = None
) -> tuple[int, list[Job]]:
    """Claim one batch of due users and record their deliveries.

    Returns (rows read, jobs): fewer rows than `batch_size` means nobody else is due."""
    with transaction.atomic():
        queryset = NotificationPreference.objects.select_for_update(
            skip_locked=True, of=("self",)
        ).filter(next_send_at__lte=now)
        if user_ids is not None:
            queryset = queryset.filter(user_id__in=list(user_ids))
        rows = list(
            queryset.order_by("next_send_at").values(
                "user_id",
                "next_send_at",
                "send_weekday",
                "send_hour",
                "email_enabled",
                "push_enabled",
                "in_app_enabled",
                "coach_digest_enabled",
                "user__profile__timezone",
                "user__role",
                "user__is_active",
            )[:batch_size]
        )
        if not rows:
            return 0, []
        with_devices = set(
            Device.objects.filter(user_id__in=[r["user_id"] for r in rows], active=True)
            .values_list("user_id", flat=True)
            .distinct()
        )
        enqueued_at = timezone.now()
        jobs: list[Job] = []
        deliveries: list[Delivery] = []
        for row in rows:
            tz = row["user__profile__timezone"] or "UTC"
            due = row["next_send_at"]
            following = next_send_at(
                tz=tz, weekday=row["send_weekday"], hour=row["send_hour"], after=max(now, due)
            )
            won = NotificationPreference.objects.filter(
                user_id=row["user_id"], next_send_at=due
            ).update(next_send_at=following, schedule_timezone=tz, updated_at=enqueued_at)
            if not won or not row["user__is_active"]:
                continue
            week = week_to_send(due_at=due, tz=tz).label
            planned = [
                (DeliveryKind.WEEKLY_SUMMARY, channel)
                for channel in _channels(row, row["user_id"] in with_devices)
            ]
            if row["user__role"] == Role.COACH and row["coach_digest_enabled"]:
                planned.append((DeliveryKind.COACH_DIGEST, Channel.EMAIL))
            for kind, channel in planned:
                deliveries.append(
                    Delivery(
                        user_id=row["user_id"],
                        kind=kind,
                        week=week,
                        channel=channel,
                        due_at=due,
                        enqueued_at=enqueued_at,
                    )
                )
            jobs.extend({Job(kind, row["user_id"], week) for kind, _ in planned})
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=1000)
    return len(rows), jobs


def deliveries_force(*, users: Iterable[User], week: IsoWeek | None, now: datetime) -> list[Job]:
    """Record deliveries for these users now, outside their schedule (the operator's
    `--now`). Exactly-once still holds: a (user, week, channel) already recorded is kept."""
    jobs: list[Job] = []
    deliveries: list[Delivery] = []
    for user in users:
        pref = preference_ensure(user_id=user.pk)
        tz = user.profile.timezone
        label = (week or week_to_send(due_at=now, tz=tz)).label
        has_device = Device.objects.filter(user=user, active=True).exists()
        row = {
            "email_enabled": pref.email_enabled,
            "push_enabled": pref.push_enabled,
            "in_app_enabled": pref.in_app_enabled,
        }
        planned = [(DeliveryKind.WEEKLY_SUMMARY, c) for c in _channels(row, has_device)]
        if user.role == Role.COACH and pref.coach_digest_enabled:
            planned.append((DeliveryKind.COACH_DIGEST, Channel.EMAIL))
        deliveries += [
            Delivery(user=user, kind=kind, week=label, channel=channel, due_at=now, enqueued_at=now)
            for kind, channel in planned
        ]
        jobs.extend({Job(kind, user.pk, label) for kind, _ in planned})
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    return jobs


def stale_claim(*, limit: int = SWEEP_LIMIT) -> list[Job]:
    """Jobs whose message was lost: pending past the re-enqueue grace, or claimed by a
    worker whose lease ran out. Their `enqueued_at` is bumped so one sweep sends one."""
    now = timezone.now()
    grace = timedelta(seconds=settings.NOTIFICATIONS_REENQUEUE_AFTER_SECONDS)
    lease = timedelta(seconds=settings.NOTIFICATIONS_DELIVERY_LEASE_SECONDS)
    lost = Q(status=DeliveryStatus.PENDING, enqueued_at__lt=now - grace) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - lease, enqueued_at__lt=now - grace
    )
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(lost)
            .values_list("pk", "kind", "user_id", "week")[:limit]
        )
        Delivery.objects.filter(pk__in=[r[0] for r in rows]).update(enqueued_at=now)
    return list(dict.fromkeys(Job(kind, user_id, week) for _, kind, user_id, week in rows))


def jobs_enqueue(jobs: list[Job]) -> int:
    """Publish one task per job through one broker connection; never raises."""
    if not jobs:
        return 0
    from apps.notifications.tasks import TASK_FOR_KIND

    published = 0
    try:
        from celery import current_app

        with current_app.producer_or_acquire() as producer:
            for job in jobs:
                TASK_FOR_KIND[job.kind].apply_async(
                    args=[str(job.user_id), job.week], producer=producer, retry=False
                )
                published += 1
    except Exception as exc:  # broker down or hung: the sweeper re-publishes
        logger.warning(
            "published %d of %d weekly jobs (%s); the sweeper will retry",
            published,
            len(jobs),
            type(exc).__name__,
        )
    return published


def dispatch_run(*, now: datetime | None = None, enqueue: bool = True) -> DispatchReport:
    """One dispatcher tick. `now` is the schedule clock (tests and operators may set it);
    leases and sweeping always use the real clock."""
    now = now or timezone.now()
    report = DispatchReport(scheduled=preferences_schedule_missing(now=now))
    batch_size = settings.NOTIFICATIONS_DISPATCH_BATCH_SIZE
    for _ in range(MAX_BATCHES_PER_RUN):
        read, jobs = due_claim(now=now, batch_size=batch_size)
        report.claimed += len({job.user_id for job in jobs})
        report.jobs.extend(jobs)
        if enqueue:
            jobs_enqueue(jobs)
        if read < batch_size:
            break
    swept = stale_claim()
    report.requeued = len(swept)
    report.jobs.extend(swept)
    if enqueue:
        jobs_enqueue(swept)
    return report
