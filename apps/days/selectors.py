"""The day timeline: one local day of a user, everything clipped to it."""

from __future__ import annotations

import contextlib
from datetime import date, datetime
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
TIMELINE_CACHE_VERSION = 3
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
    0016-day-timeline-cache-includes-the-score.md). An ongoing fast's part of the day
    follows the clock: it is recomputed on every read. A cache outage only costs the
    queries.
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
        return _follow_the_clock(cached, now)
    timeline = {
        **_day_rows(user_id=user_id, tz=tz, day=day, now=now),
        "score": daily_score_get(user_id=user_id, tz=tz, day=day),
    }
    with contextlib.suppress(CACHE_ERRORS):
        cache.set(key, timeline, TIMELINE_CACHE_SECONDS)
    return timeline


def _follow_the_clock(timeline: dict[str, Any], now) -> dict[str, Any]:
    """Bring an ongoing fast's clipped end, hours in the day and the day's fasted hours to
    `now` (the same arithmetic as _day_rows; ended fasts keep their stored clip)."""
    if not any(fast["ongoing"] for fast in timeline["fasts"]):
        return timeline
    end = datetime.fromisoformat(timeline["window"]["end"])
    total = 0.0
    for fast in timeline["fasts"]:
        clip_start = datetime.fromisoformat(fast["day_start"])
        if fast["ongoing"]:
            day_end, seconds = _clip(clip_start, now, end)
            fast["day_end"] = _iso(day_end)
            fast["hours_in_day"] = round(seconds / 3600, 2)
        else:
            seconds = (datetime.fromisoformat(fast["day_end"]) - clip_start).total_seconds()
        total += seconds
    timeline["fasted_hours"] = round(total / 3600, 2)
    return timeline


def _clip(clip_start: datetime, until: datetime, day_end: datetime) -> tuple[datetime, float]:
    """A fast's end inside the day (never before its start there) and its seconds in it."""
    clip_end = min(until, day_end)
    return max(clip_start, clip_end), max(0.0, (clip_end - clip_start).total_seconds())


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
        day_end, seconds = _clip(clip_start, ended_at or now, end)
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
                "day_end": _iso(day_end),
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
