"""Options shared by the tasks that must survive worker crashes and database blips."""

from __future__ import annotations

from typing import Any

from django.db import OperationalError
from django.db.utils import InterfaceError


def durable_task_options(*, soft_time_limit: int, time_limit: int) -> dict[str, Any]:
    """Acknowledged after the body runs (a killed worker's task is redelivered), retried
    with jittered backoff on database errors only; bodies must be idempotent."""
    return {
        "bind": True,
        "acks_late": True,
        "reject_on_worker_lost": True,
        "autoretry_for": (OperationalError, InterfaceError),
        "retry_backoff": 2,
        "retry_backoff_max": 120,
        "retry_jitter": True,
        "max_retries": 5,
        "soft_time_limit": soft_time_limit,
        "time_limit": time_limit,
    }
