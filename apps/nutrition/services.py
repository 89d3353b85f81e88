"""Meal writes (REST and sync) through the shared record path."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from apps.common.records import RecordSpec
from apps.common.timeutils import iter_dates, local_date
from apps.nutrition.models import Meal

# LOW_PROTEIN_7D looks back seven days, so a meal can change the next six days' flags.
PROTEIN_LOOKBACK_DAYS = 6
# A meal anchors the fasted hours of the days after it until the next meal; stop somewhere.
MAX_ANCHOR_DAYS = 31


def _dirty_dates(meal: Meal, tz: str) -> list[date]:
    first = local_date(meal.eaten_at, tz)
    today = local_date(timezone.now(), tz)
    next_meal = (
        Meal.objects.filter(
            user_id=meal.user_id, deleted_at__isnull=True, kcal__gt=0, eaten_at__gt=meal.eaten_at
        )
        .order_by("eaten_at")
        .values_list("eaten_at", flat=True)
        .first()
    )
    last = local_date(next_meal, tz) if next_meal else today
    last = max(last, first + timedelta(days=PROTEIN_LOOKBACK_DAYS))
    last = min(last, today, first + timedelta(days=MAX_ANCHOR_DAYS))
    return list(iter_dates(first, max(first, last)))


MEAL = RecordSpec(
    model=Meal,
    fields=("eaten_at", "name", "kcal", "protein_g", "carbs_g", "fat_g", "fiber_g", "leucine_g"),
    dirty_dates=_dirty_dates,
)
