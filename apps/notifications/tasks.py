"""Notification tasks. Messages carry ids and ISO weeks only; every body is idempotent
(conditional claims on Delivery rows), hence acks_late + reject_on_worker_lost."""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from celery import Task, shared_task
from celery.exceptions import Retry

from apps.common.tasks import durable_task_options
from apps.notifications.delivery import ProcessResult, deliveries_process
from apps.notifications.dispatch import dispatch_run
from apps.notifications.models import DeliveryKind
from apps.notifications.weeks import IsoWeek

logger = logging.getLogger(__name__)

# Celery's own bound; the real one is NOTIFICATIONS_MAX_ATTEMPTS per Delivery row.
CELERY_MAX_RETRIES = 20


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=50, time_limit=60)
def dispatch_weekly_summaries(now: str | None = None) -> dict[str, int]:
    """Beat, every minute: claim due users, record deliveries, enqueue, sweep lost work.
    `now` (ISO datetime) overrides the schedule clock for operators and tests."""
    report = dispatch_run(now=datetime.fromisoformat(now) if now else None)
    if report.claimed or report.requeued:
        logger.info(
            "weekly dispatch: %d users claimed, %d jobs re-enqueued",
            report.claimed,
            report.requeued,
        )
    return {"claimed": report.claimed, "requeued": report.requeued}


def _run(task: Task, user_id: str, week: str, kind: str) -> dict[str, int]:
    result: ProcessResult = deliveries_process(
        user_id=UUID(user_id), kind=kind, week=IsoWeek.parse(week)
    )
    if result.retry_in is not None:
        try:
            raise task.retry(countdown=result.retry_in, max_retries=CELERY_MAX_RETRIES)
        except Retry:
            raise
        except Exception as exc:  # broker unavailable: the sweeper re-enqueues later
            logger.warning("retry not scheduled (%s); the sweeper will", type(exc).__name__)
    return {"sent": result.sent, "skipped": result.skipped, "failed": result.failed}


# Database blips only; provider errors are handled per channel in deliveries_process.
_SEND_OPTIONS = durable_task_options(soft_time_limit=120, time_limit=150)


@shared_task(**_SEND_OPTIONS)
def send_weekly_summary(self: Task, user_id: str, week: str) -> dict[str, int]:
    return _run(self, user_id, week, DeliveryKind.WEEKLY_SUMMARY)


@shared_task(**_SEND_OPTIONS)
def send_coach_digest(self: Task, user_id: str, week: str) -> dict[str, int]:
    return _run(self, user_id, week, DeliveryKind.COACH_DIGEST)


TASK_FOR_KIND = {
    DeliveryKind.WEEKLY_SUMMARY: send_weekly_summary,
    DeliveryKind.COACH_DIGEST: send_coach_digest,
}
