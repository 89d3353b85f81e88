"""Scoring tasks. Messages carry ids only; bodies are idempotent (upserts on natural keys)."""

from __future__ import annotations

import logging
from datetime import timedelta
from uuid import UUID

from celery import shared_task
from django.db import OperationalError, connection, transaction
from django.db.utils import InterfaceError
from django.utils import timezone

from apps.scoring import services
from apps.scoring.models import DailyScore, DirtyDay, ScoreStatus

logger = logging.getLogger(__name__)

SWEEP_AGE = timedelta(seconds=60)
SWEEP_LIMIT = 2000


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=240,
    time_limit=300,
)
def recompute_user_scores(self, user_id: str) -> int:
    """Score every dirty day of one user. Safe to run twice or concurrently."""
    uid = UUID(user_id)
    if not _try_user_lock(uid):
        # Another worker is scoring this user and loops until no marks are left; whatever
        # it misses stays dirty and the sweeper re-enqueues it.
        return 0
    try:
        return services.score_user_dirty_days_recompute(user_id=uid)
    finally:
        _unlock_user(uid)


def _lock_key(user_id: UUID) -> int:
    return int.from_bytes(user_id.bytes[:8], "big", signed=True)


def _try_user_lock(user_id: UUID) -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_lock_key(user_id)])
        return bool(cursor.fetchone()[0])


def _unlock_user(user_id: UUID) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(user_id)])


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=60)
def sweep_dirty_days() -> int:
    """Re-enqueue users whose dirty days have waited longer than a minute (a lost message,
    a broker outage, a worker crash)."""
    cutoff = timezone.now() - SWEEP_AGE
    user_ids = list(
        DirtyDay.objects.filter(dirtied_at__lt=cutoff)
        .values_list("user_id", flat=True)
        .distinct()[:SWEEP_LIMIT]
    )
    for user_id in user_ids:
        services.score_recompute_enqueue(user_id=user_id)
    if user_ids:
        logger.info("sweeper re-enqueued %d users with pending scores", len(user_ids))
    return len(user_ids)


@shared_task(ignore_result=True, soft_time_limit=110, time_limit=120)
def finalise_previous_days() -> int:
    """After a user's local midnight their provisional day becomes final: rescore it."""
    from apps.common.timeutils import local_date

    now = timezone.now()
    count = 0
    rows = DailyScore.objects.filter(status=ScoreStatus.PROVISIONAL).values_list(
        "user_id", "local_date", "timezone"
    )
    for user_id, day, tz in rows.iterator(chunk_size=2000):
        if day < local_date(now, tz):
            with transaction.atomic():
                services.score_days_mark_dirty(user_id=user_id, dates=[day])
            count += 1
    return count
