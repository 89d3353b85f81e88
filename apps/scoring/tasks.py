"""Scoring tasks. Messages carry ids only; bodies are idempotent (upserts on natural keys)."""

from __future__ import annotations

import logging
from datetime import timedelta
from uuid import UUID

from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone

from apps.common.tasks import durable_task_options
from apps.scoring import services
from apps.scoring.models import DailyScore, DirtyDay, ScoreStatus

logger = logging.getLogger(__name__)

SWEEP_AGE = timedelta(seconds=60)
SWEEP_LIMIT = 2000


RECOMPUTE_TASK_OPTIONS = durable_task_options(soft_time_limit=240, time_limit=300)


@shared_task(**RECOMPUTE_TASK_OPTIONS)
def recompute_user_scores(self, user_id: str) -> int:
    """Score every dirty day of one user (enqueued when their data changes). Safe to run
    twice or concurrently."""
    return _recompute([UUID(user_id)])


@shared_task(**RECOMPUTE_TASK_OPTIONS)
def recompute_users_scores(self, user_ids: list[str]) -> int:
    """The same for a batch of users (the sweeper's backlog): one transaction per round."""
    return _recompute([UUID(user_id) for user_id in user_ids])


def _recompute(user_ids: list[UUID]) -> int:
    # A user another worker is scoring is skipped: that worker loops until no marks are
    # left, and whatever it misses stays dirty for the sweeper.
    locked = _try_user_locks(user_ids)
    try:
        return services.score_users_dirty_days_recompute(user_ids=locked) if locked else 0
    finally:
        _unlock_users(locked)


def _lock_key(user_id: UUID) -> int:
    return int.from_bytes(user_id.bytes[:8], "big", signed=True)


def _try_user_locks(user_ids: list[UUID]) -> list[UUID]:
    """Session advisory locks on the users, in one statement; returns those taken."""
    if connection.vendor != "postgresql":
        return user_ids
    by_key = {_lock_key(user_id): user_id for user_id in user_ids}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT k FROM unnest(%s::bigint[]) AS k WHERE pg_try_advisory_lock(k)", [list(by_key)]
        )
        return [by_key[key] for (key,) in cursor.fetchall()]


def _unlock_users(user_ids: list[UUID]) -> None:
    if connection.vendor != "postgresql" or not user_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_unlock(k) FROM unnest(%s::bigint[]) AS k",
            [[_lock_key(user_id) for user_id in user_ids]],
        )


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
    for i in range(0, len(user_ids), services.USERS_PER_BATCH):
        services.score_recompute_enqueue_batch(user_ids=user_ids[i : i + services.USERS_PER_BATCH])
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
