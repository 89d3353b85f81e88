"""Fasting window writes. Every path goes through apps.common.records (REST and sync)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.utils import timezone

from apps.common.errors import Conflict, DomainError
from apps.common.records import (
    RecordSpec,
    WriteResult,
    record_create,
    record_update,
)
from apps.common.timeutils import local_dates_between
from apps.fasting.models import FastingWindow

OVERLAP = "This fast overlaps another logged fast."
ONGOING_EXISTS = "A fast is already ongoing; end it first."
START_IN_FUTURE = "A fast cannot start more than 5 minutes in the future."
END_IN_FUTURE = "A fast cannot end more than 5 minutes in the future."
END_BEFORE_START = "ended_at must be after started_at."
TOO_LONG = "A fast can last at most 30 days."
ALREADY_ENDED = "This fast has already ended."

FUTURE_SLACK = timedelta(minutes=5)
MAX_DURATION = timedelta(days=30)
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


def _validate(window: FastingWindow) -> None:
    now = timezone.now()
    if window.started_at > now + FUTURE_SLACK:
        raise DomainError(START_IN_FUTURE, field="started_at", code="in_future")
    if window.ended_at is not None:
        if window.ended_at <= window.started_at:
            raise DomainError(END_BEFORE_START, field="ended_at", code="before_start")
        if window.ended_at > now + FUTURE_SLACK:
            raise DomainError(END_IN_FUTURE, field="ended_at", code="in_future")
        if window.ended_at - window.started_at > MAX_DURATION:
            raise DomainError(TOO_LONG, field="ended_at", code="too_long")
    elif now - window.started_at > MAX_DURATION:
        raise DomainError(TOO_LONG, field="started_at", code="too_long")
    others = FastingWindow.objects.filter(user_id=window.user_id, deleted_at__isnull=True).exclude(
        pk=window.pk
    )
    if window.ended_at is None and others.filter(ended_at__isnull=True).exists():
        raise DomainError(ONGOING_EXISTS, field="ended_at", code="ongoing_exists")
    overlapping = others.filter(started_at__lt=window.ended_at or FAR_FUTURE).exclude(
        ended_at__isnull=False, ended_at__lte=window.started_at
    )
    if overlapping.exists():
        raise DomainError(OVERLAP, field="started_at", code="overlap")


def _dirty_dates(window: FastingWindow, tz: str) -> list[date]:
    end = window.ended_at or timezone.now()
    return local_dates_between(window.started_at, max(end, window.started_at), tz)


FASTING_WINDOW = RecordSpec(
    model=FastingWindow,
    fields=("started_at", "ended_at", "target_hours", "protocol", "note"),
    validate=_validate,
    dirty_dates=_dirty_dates,
    integrity_errors={
        "fast_no_overlap": DomainError(OVERLAP, field="started_at", code="overlap"),
        "fast_one_ongoing_per_user": DomainError(
            ONGOING_EXISTS, field="ended_at", code="ongoing_exists"
        ),
    },
)


def fasting_window_start(
    *,
    user,
    started_at: datetime | None = None,
    target_hours: float | None = None,
    protocol: str | None = None,
    note: str = "",
    record_id=None,
) -> FastingWindow:
    if FastingWindow.objects.filter(
        user=user, ended_at__isnull=True, deleted_at__isnull=True
    ).exists():
        raise Conflict(ONGOING_EXISTS, code="ongoing_exists")
    data: dict[str, Any] = {
        "started_at": started_at or timezone.now(),
        "ended_at": None,
        "target_hours": target_hours if target_hours is not None else _default_target(user),
        "protocol": protocol or "custom",
        "note": note,
    }
    try:
        return record_create(FASTING_WINDOW, user=user, data=data, record_id=record_id).instance
    except DomainError as exc:
        if exc.code == "ongoing_exists":
            raise Conflict(ONGOING_EXISTS, code="ongoing_exists") from None
        raise


def fasting_window_end(
    *, user, window: FastingWindow, ended_at: datetime | None = None
) -> FastingWindow:
    def still_ongoing(current: FastingWindow) -> None:
        if current.ended_at is not None:
            raise Conflict(ALREADY_ENDED, code="already_ended")

    return record_update(
        FASTING_WINDOW,
        user=user,
        instance=window,
        data={"ended_at": ended_at or timezone.now()},
        precondition=still_ongoing,
    )


def _default_target(user) -> float | None:
    profile = getattr(user, "profile", None)
    return profile.fasting_target_hours if profile is not None else None


__all__ = ["FASTING_WINDOW", "WriteResult", "fasting_window_end", "fasting_window_start"]
