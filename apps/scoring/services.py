"""Score writes: marking days dirty (in the caller's transaction) and recomputing them."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from apps.scoring.models import DirtyDay

logger = logging.getLogger(__name__)

# Never dirty an unbounded history in one go (a tz change on a 10-year account).
MAX_HISTORY_DAYS = 3 * 366


def score_days_mark_dirty(*, user_id: UUID, dates: Iterable[date]) -> None:
    """Record days to recompute; call inside the transaction that changed the data."""
    days = sorted(set(dates))
    if not days:
        return
    now = timezone.now()
    DirtyDay.objects.bulk_create(
        [DirtyDay(user_id=user_id, local_date=d, token=uuid.uuid4(), dirtied_at=now) for d in days],
        update_conflicts=True,
        unique_fields=["user", "local_date"],
        update_fields=["token", "dirtied_at"],
    )
    transaction.on_commit(lambda: score_recompute_enqueue(user_id=user_id))


def score_history_mark_dirty(*, user_id: UUID) -> None:
    """A profile change (time zone, body data...) can change every scored day."""
    from apps.scoring.selectors import user_data_date_range

    span = user_data_date_range(user_id=user_id)
    if span is None:
        return
    first, last = span
    first = max(first, last - timedelta(days=MAX_HISTORY_DAYS))
    score_days_mark_dirty(
        user_id=user_id, dates=(first + timedelta(days=i) for i in range((last - first).days + 1))
    )


def score_recompute_enqueue(*, user_id: UUID) -> None:
    """Best effort: the dirty marks are durable, a sweeper re-enqueues what this misses."""
    try:
        from apps.scoring.tasks import recompute_user_scores

        recompute_user_scores.apply_async(args=[str(user_id)], retry=False)
    except Exception as exc:  # broker down or hung: never the client's problem
        logger.warning(
            "score recompute not enqueued (%s); the sweeper will pick it up", type(exc).__name__
        )
