"""The weekly summary, computed from rows already read (selectors.weekly_summary_inputs).

Definitions (all over the ISO week [local Monday 00:00, next local Monday 00:00)):

* fasting: `total_fasted_hours` is fasting time clipped to the week (an ongoing fast counts
  up to now); a fast *completed* in the week is one whose end falls in it, and only those
  count for `fasts_16h_plus`, `longest_fast_hours` and adherence (share of completed
  fasts that reached their own target, or the profile's target when they had none).
  Durations are real elapsed hours, so a fast across a DST change is 1 h longer or
  shorter than the wall clock suggests.
* nutrition: `days_logged` is the number of local days with at least one meal; the
  averages are per logged day (a meal without protein adds 0 g).
* glucose: the consensus metrics (GLUCOSE_METRICS.md) of the week's CGM readings.
* score: the current algorithm's daily scores; trend against the previous week.
* streaks: consecutive local days up to the week's last day (looking back at most
  `LOOKBACK_DAYS`) with something logged / with a fast that reached its target.

A section without data says so (`has_data: false`, measures null), never a made-up 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import fmean
from typing import Any

from apps.common.timeutils import local_date
from apps.common.units import from_mgdl
from apps.glucose.selectors import metrics_for_rows
from apps.notifications.highlights import highlights_for
from apps.notifications.weeks import IsoWeek

LOOKBACK_DAYS = 35
LONG_FAST_HOURS = 16.0
TREND_MIN_POINTS = 1.0


@dataclass(frozen=True, slots=True)
class FastRow:
    started_at: datetime
    ended_at: datetime | None
    target_hours: float | None


@dataclass(frozen=True, slots=True)
class MealRow:
    eaten_at: datetime
    kcal: float
    protein_g: float | None


@dataclass(frozen=True, slots=True)
class FlagRow:
    local_date: date
    code: str
    severity: str
    message: str
    open: bool


@dataclass(frozen=True)
class SummaryInputs:
    week: IsoWeek
    tz: str
    now: datetime
    glucose_unit: str
    fasting_target_hours: float
    fasts: list[FastRow]  # overlapping [week start - LOOKBACK_DAYS, week end)
    meals: list[MealRow]  # in the same span
    glucose_rows: list[tuple]  # (epoch seconds, mg/dL, censored) in the week
    scores: dict[date, float]  # this week and the previous one
    flags: list[FlagRow]  # this week's


def summary_compute(inputs: SummaryInputs) -> dict[str, Any]:
    week, tz, now = inputs.week, inputs.tz, inputs.now
    start, end = week.bounds(tz)
    prev_start, _ = week.previous().bounds(tz)
    fasting = _fasting(inputs, start, end)
    previous_fasting = _fasting(inputs, prev_start, start)
    fasting["previous_longest_fast_hours"] = previous_fasting["longest_fast_hours"]
    sections = {
        "fasting": fasting,
        "nutrition": _nutrition(inputs, start, end),
        "glucose": _glucose(inputs, start, end),
        "score": _score(inputs),
    }
    has_data = any(section["has_data"] for section in sections.values())
    summary: dict[str, Any] = {
        "week": week.label,
        "start_date": week.monday.isoformat(),
        "end_date": week.sunday.isoformat(),
        "timezone": tz,
        "hours": round((end - start).total_seconds() / 3600, 2),
        "complete": now >= end,
        "has_data": has_data,
        **sections,
        "flags": [
            {
                "date": f.local_date.isoformat(),
                "code": f.code,
                "severity": f.severity,
                "message": f.message,
                "open": f.open,
            }
            for f in sorted(inputs.flags, key=lambda f: (f.local_date, f.code))
        ],
        "streaks": _streaks(inputs, last_day=min(week.sunday, local_date(now, tz))),
    }
    summary["highlights"] = highlights_for(summary, unit=inputs.glucose_unit)
    return summary


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def _fasting(inputs: SummaryInputs, start: datetime, end: datetime) -> dict[str, Any]:
    horizon = min(end, inputs.now)
    fasted = timedelta(0)
    for fast in inputs.fasts:
        clip_start = max(fast.started_at, start)
        clip_end = min(fast.ended_at or inputs.now, horizon)
        if clip_end > clip_start:
            fasted += clip_end - clip_start
    completed = [f for f in inputs.fasts if f.ended_at is not None and start <= f.ended_at < end]
    durations = [_hours(f.ended_at - f.started_at) for f in completed]  # type: ignore[operator]
    reached = sum(
        1
        for fast, hours in zip(completed, durations, strict=True)
        if hours >= (fast.target_hours or inputs.fasting_target_hours)
    )
    has_data = bool(completed) or fasted > timedelta(0)
    return {
        "has_data": has_data,
        "total_fasted_hours": round(_hours(fasted), 1) if has_data else None,
        "fasts_completed": len(completed),
        "fasts_16h_plus": sum(1 for h in durations if h >= LONG_FAST_HOURS),
        "longest_fast_hours": round(max(durations), 1) if durations else None,
        "target_hours": inputs.fasting_target_hours,
        "fasts_reaching_target": reached,
        "adherence_percent": round(100 * reached / len(completed), 1) if completed else None,
    }


def _nutrition(inputs: SummaryInputs, start: datetime, end: datetime) -> dict[str, Any]:
    meals = [m for m in inputs.meals if start <= m.eaten_at < end]
    days = len({local_date(m.eaten_at, inputs.tz) for m in meals})
    return {
        "has_data": days > 0,
        "days_logged": days,
        "meals_logged": len(meals),
        "avg_kcal_per_day": round(sum(m.kcal for m in meals) / days) if days else None,
        "avg_protein_g_per_day": (
            round(sum(m.protein_g or 0 for m in meals) / days, 1) if days else None
        ),
    }


def _glucose(inputs: SummaryInputs, start: datetime, end: datetime) -> dict[str, Any]:
    metrics = metrics_for_rows(inputs.glucose_rows, start=start, end=end, days=7)
    mean = metrics["mean_mgdl"]
    return {
        "has_data": metrics["readings"] > 0,
        **metrics,
        "unit": inputs.glucose_unit,
        "mean": None if mean is None else round(from_mgdl(mean, inputs.glucose_unit), 1),
    }


def _score(inputs: SummaryInputs) -> dict[str, Any]:
    week = inputs.week
    this = {d: s for d, s in inputs.scores.items() if week.monday <= d <= week.sunday}
    previous_week = week.previous()
    prev = [
        s for d, s in inputs.scores.items() if previous_week.monday <= d <= previous_week.sunday
    ]
    average = round(fmean(this.values()), 1) if this else None
    previous = round(fmean(prev), 1) if prev else None
    change = None if average is None or previous is None else round(average - previous, 1)
    trend = None
    if change is not None:
        trend = "flat"
        if abs(change) >= TREND_MIN_POINTS:
            trend = "up" if change > 0 else "down"
    best = min(this.items(), key=lambda item: (-item[1], item[0])) if this else None
    return {
        "has_data": bool(this),
        "days_scored": len(this),
        "average": average,
        "best_day": None if best is None else {"date": best[0].isoformat(), "score": best[1]},
        "previous_average": previous,
        "change": change,
        "trend": trend,
    }


def _streaks(inputs: SummaryInputs, *, last_day: date) -> dict[str, int]:
    tz = inputs.tz
    logged = {local_date(m.eaten_at, tz) for m in inputs.meals}
    target_days = set()
    for fast in inputs.fasts:
        logged.add(local_date(fast.started_at, tz))
        if fast.ended_at is not None:
            logged.add(local_date(fast.ended_at, tz))
            target = fast.target_hours or inputs.fasting_target_hours
            if _hours(fast.ended_at - fast.started_at) >= target:
                target_days.add(local_date(fast.ended_at, tz))
    return {
        "logging_days": _run_length(logged, last_day),
        "fasting_target_days": _run_length(target_days, last_day),
    }


def _run_length(days: set[date], last_day: date) -> int:
    count = 0
    day = last_day
    while day in days and count < LOOKBACK_DAYS:
        count += 1
        day -= timedelta(days=1)
    return count
