"""The day timeline: one local day of a user, everything clipped to it."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from django.core.cache import cache

from apps.activity.models import ExerciseSession
from apps.common.cache import CACHE_ERRORS
from apps.common.timeutils import local_day_bounds
from apps.days.models import DayConfirmation
from apps.fasting.models import FastingWindow
from apps.glucose.selectors import glucose_epoch_rows, metrics_for_rows
from apps.nutrition.models import Meal
from apps.scoring.engine import ALGORITHM_VERSION
from apps.scoring.selectors import daily_score_get
from apps.sync.changes import Versions, versions_current

MACROS = ("kcal", "protein_g", "carbs_g", "fat_g", "fiber_g", "leucine_g")
# Bump when the timeline's shape or arithmetic changes; entries also expire after an hour.
TIMELINE_CACHE_VERSION = 2
TIMELINE_CACHE_SECONDS = 3600


def _iso(moment) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def day_timeline(
    *, user_id, tz: str, day: date, now, versions: Versions | None = None
) -> dict[str, Any]:
    """The day's rows, metrics and score, cached under the user's data versions.

    `versions`: the user's (change counter, score version) if the caller has them; they
    must be read before any row (the API's authentication loads them with the user).

    Every write of a tracked row takes the next change counter value in its transaction,
    and every commit that changes a score or a pending mark is followed by a score version
    bump; both are read before the rows, so an entry is never older than its key and the
    timeline is exactly as fresh as a sync pull (docs/decisions/0014-day-timeline-cache.md,
    0016-day-timeline-cache-includes-the-score.md). A day with an ongoing fast depends on
    the clock and is not cached; a cache outage only costs the queries.
    """
    if versions is None:
        versions = versions_current(user_id=user_id)
    key = (
        f"timeline:{TIMELINE_CACHE_VERSION}:{ALGORITHM_VERSION}:{user_id}:{day.isoformat()}:"
        f"{tz}:{versions.changes}:{versions.scores}"
    )
    try:
        cached = cache.get(key)
    except CACHE_ERRORS:
        cached = None
    if cached is not None:
        return cached
    timeline = {
        **_day_rows(user_id=user_id, tz=tz, day=day, now=now),
        "score": daily_score_get(user_id=user_id, tz=tz, day=day),
    }
    if not any(fast["ongoing"] for fast in timeline["fasts"]):
        with contextlib.suppress(CACHE_ERRORS):
            cache.set(key, timeline, TIMELINE_CACHE_SECONDS)
    return timeline


def _day_rows(*, user_id, tz: str, day: date, now) -> dict[str, Any]:
    start, end = local_day_bounds(day, tz)
    fasts = []
    fasted_seconds = 0.0
    for window_id, started_at, ended_at, target_hours, protocol in (
        FastingWindow.objects.filter(user_id=user_id, deleted_at__isnull=True, started_at__lt=end)
        .exclude(ended_at__isnull=False, ended_at__lte=start)
        .order_by("started_at")
        .values_list("id", "started_at", "ended_at", "target_hours", "protocol")
    ):
        clip_start = max(started_at, start)
        clip_end = min(ended_at or now, end)
        seconds = max(0.0, (clip_end - clip_start).total_seconds())
        fasted_seconds += seconds
        fasts.append(
            {
                "id": str(window_id),
                "started_at": _iso(started_at),
                "ended_at": _iso(ended_at),
                "target_hours": target_hours,
                "protocol": protocol,
                "ongoing": ended_at is None,
                "day_start": _iso(clip_start),
                "day_end": _iso(max(clip_start, clip_end)),
                "hours_in_day": round(seconds / 3600, 2),
            }
        )
    meals = list(
        Meal.objects.filter(
            user_id=user_id, deleted_at__isnull=True, eaten_at__gte=start, eaten_at__lt=end
        )
        .order_by("eaten_at")
        .values("id", "eaten_at", "name", *MACROS)
    )
    totals = {name: round(sum(m[name] or 0 for m in meals), 1) for name in MACROS}
    for meal in meals:
        meal["id"] = str(meal["id"])
        meal["eaten_at"] = _iso(meal["eaten_at"])
    exercise = [
        {
            "id": str(s["id"]),
            "started_at": _iso(s["started_at"]),
            "minutes": s["minutes"],
            "intensity": s["intensity"],
            "kind": s["kind"],
        }
        for s in ExerciseSession.objects.filter(
            user_id=user_id, deleted_at__isnull=True, started_at__gte=start, started_at__lt=end
        )
        .order_by("started_at")
        .values("id", "started_at", "minutes", "intensity", "kind")
    ]
    confirmation = (
        DayConfirmation.objects.filter(user_id=user_id, date=day, deleted_at__isnull=True)
        .values("food_log_complete", "no_exercise")
        .first()
    )
    rows = glucose_epoch_rows(user_id=user_id, start=start, end=end)
    return {
        "date": day.isoformat(),
        "timezone": tz,
        "window": {"start": _iso(start), "end": _iso(end)},
        "hours": round((end - start).total_seconds() / 3600, 2),
        "fasts": fasts,
        "fasted_hours": round(fasted_seconds / 3600, 2),
        "meals": meals,
        "totals": totals,
        "exercise": exercise,
        "confirmation": confirmation,
        "glucose": metrics_for_rows(rows, start=start, end=end, days=1),
    }
