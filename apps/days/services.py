"""Day confirmations: one live row per user and local date."""

from __future__ import annotations

from datetime import date, timedelta

from apps.common.errors import DomainError
from apps.common.records import RecordSpec, WriteResult, record_create, record_update
from apps.common.timeutils import iter_dates
from apps.days.models import DayConfirmation

DUPLICATE_DAY = "This day already has a confirmation."


def _dirty_dates(confirmation: DayConfirmation, tz: str) -> list[date]:
    # A complete day also enters the 7-day protein window of the following days.
    return list(iter_dates(confirmation.date, confirmation.date + timedelta(days=6)))


DAY_CONFIRMATION = RecordSpec(
    model=DayConfirmation,
    fields=("date", "food_log_complete", "no_exercise"),
    dirty_dates=_dirty_dates,
    integrity_errors={
        "day_confirmation_one_per_day": DomainError(DUPLICATE_DAY, field="date", code="unique"),
    },
)


def day_confirmation_set(
    *, user, day: date, food_log_complete: bool, no_exercise: bool
) -> WriteResult[DayConfirmation]:
    """PUT /days/{date}/confirmation/: create the day's row or overwrite it."""
    existing = DayConfirmation.objects.filter(user=user, date=day, deleted_at__isnull=True).first()
    data = {"date": day, "food_log_complete": food_log_complete, "no_exercise": no_exercise}
    if existing is None:
        return record_create(DAY_CONFIRMATION, user=user, data=data)
    return WriteResult(
        record_update(DAY_CONFIRMATION, user=user, instance=existing, data=data), created=False
    )
