"""Scoring-engine throughput: user-days per second on one core.

Each day has 288 CGM readings (5-min), 3 meals (16:8), a logged fasting window and, every
other day, an exercise session. Two figures:

* batch: `score_days` over a user's 56-day history (inputs prepared once);
* per-day: `score_day` once per day on the inputs R32 hands the engine for that day
  (meals D-6 ... D, glucose D-1 ... D+1, exercise D-1 ... D), input construction excluded;
  and the same including the construction of the input dataclasses from plain rows.

Run from the project root: python benchmarks/bench_engine.py
"""

from __future__ import annotations

import math
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.scoring.engine import (
    ExerciseSession,
    FastingWindow,
    GlucoseReading,
    Meal,
    Profile,
    UserInputs,
    local_day_window,
    score_day,
    score_days,
)

TZ = "Europe/Berlin"
ZONE = ZoneInfo(TZ)
FIRST = date(2025, 3, 1)  # spans the spring DST change
DAYS = 56
TARGET = 2000.0


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def build_history() -> dict[str, list]:
    meals, windows, glucose, exercise = [], [], [], []
    for i in range(-8, DAYS + 2):
        day = FIRST + timedelta(days=i)
        times = [local(day, 12), local(day, 16), local(day, 19, 30)]
        meals += [
            Meal(times[0], 750, protein_g=38, carbs_g=80, fat_g=25),
            Meal(times[1], 350, protein_g=18, carbs_g=40, fat_g=10),
            Meal(times[2], 850, protein_g=42, carbs_g=90, fat_g=30, leucine_g=3.1),
        ]
        windows.append(FastingWindow(times[2], local(day + timedelta(days=1), 12)))
        start, end = local_day_window(day, TZ)
        t = start
        k = 0
        while t < end:
            # Flat night, a post-meal bump peaking ~45 min after each meal.
            bump = sum(
                45 * math.exp(-(((t - m).total_seconds() / 60 - 45) ** 2) / (2 * 30**2))
                for m in times
                if timedelta(0) <= t - m < timedelta(hours=3)
            )
            glucose.append(GlucoseReading(t, 90 + 4 * math.sin(k / 7) + bump))
            t += timedelta(minutes=5)
            k += 1
        if i % 2 == 0:
            exercise.append(ExerciseSession(local(day, 7), 40, "moderate"))
    return {"meals": meals, "windows": windows, "glucose": glucose, "exercise": exercise}


Span = tuple[datetime, datetime]


def user_inputs(history: dict[str, list], meals: Span, glucose: Span, exercise: Span) -> UserInputs:
    """The user's inputs with each kind of item restricted to a half-open UTC span."""

    def inside(t: datetime, span: Span) -> bool:
        return span[0] <= t < span[1]

    return UserInputs(
        tz=TZ,
        tracking_start=datetime(2024, 12, 1, tzinfo=UTC),
        profile=Profile("female", 41, 168, 62, 1.55),
        meals=[m for m in history["meals"] if inside(m.eaten_at, meals)],
        fasting_windows=[w for w in history["windows"] if w.end > meals[0] and w.start < meals[1]],
        confirmed_days=frozenset(FIRST + timedelta(days=i) for i in range(0, DAYS, 3)),
        glucose=[g for g in history["glucose"] if inside(g.at, glucose)],
        exercise=[x for x in history["exercise"] if inside(x.start, exercise)],
    )


def day_span(first: date, last: date) -> Span:
    return local_day_window(first, TZ)[0], local_day_window(last, TZ)[1]


def best_of(runs: int, fn) -> float:
    best = math.inf
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    history = build_history()
    days = [FIRST + timedelta(days=i) for i in range(DAYS)]

    everything = day_span(FIRST - timedelta(days=8), FIRST + timedelta(days=DAYS + 1))
    whole = user_inputs(history, everything, everything, everything)
    batch_s = best_of(5, lambda: score_days(whole, days))

    per_day_inputs = []
    for d in days:
        # R32: meals of D-6 ... D plus the latest intake before (here: D-7's dinner),
        # glucose of D-1 ... D+1, exercise of D-1 ... D.
        meals = (local(d - timedelta(days=7), 19), day_span(d, d)[1])
        glucose = day_span(d - timedelta(days=1), d + timedelta(days=1))
        exercise = day_span(d - timedelta(days=1), d)
        per_day_inputs.append((d, user_inputs(history, meals, glucose, exercise)))

    def per_day() -> None:
        for d, inputs in per_day_inputs:
            score_day(inputs, d)

    single_s = best_of(5, per_day)

    # The same, but building the input dataclasses from plain rows as a service would
    # (validation, UTC normalisation, canonical sorting).
    rows = [
        (
            d,
            [(m.eaten_at, m.kcal, m.protein_g, m.leucine_g) for m in x.meals],
            [(w.start, w.end) for w in x.fasting_windows],
            [(g.at, g.mg_dl) for g in x.glucose],
            [(e.start, e.minutes, e.intensity) for e in x.exercise or ()],
            x,
        )
        for d, x in per_day_inputs
    ]

    def build_and_score() -> None:
        for d, meals, windows, glucose, exercise, x in rows:
            inputs = UserInputs(
                tz=x.tz,
                tracking_start=x.tracking_start,
                profile=x.profile,
                meals=[Meal(t, k, protein_g=p, leucine_g=lg) for t, k, p, lg in meals],
                fasting_windows=[FastingWindow(a, b) for a, b in windows],
                confirmed_days=x.confirmed_days,
                glucose=[GlucoseReading(t, v) for t, v in glucose],
                exercise=[ExerciseSession(t, m, i) for t, m, i in exercise],
            )
            score_day(inputs, d)

    built_s = best_of(5, build_and_score)
    readings = len(per_day_inputs[10][1].glucose)

    print(f"engine benchmark: {DAYS} days, 288 CGM readings/day, 3 meals/day, a fasting")
    print("  window per night, exercise every other day; one core")
    print(
        f"  batch   score_days, one call for all {DAYS} days:  {DAYS / batch_s:8,.0f} user-days/s"
    )
    print(f"  per-day score_day on R32-shaped inputs:          {DAYS / single_s:8,.0f} user-days/s")
    print(f"          ({readings} readings: D-1 ... D+1; meals D-7 ... D)")
    print(f"  per-day incl. building the inputs from rows:     {DAYS / built_s:8,.0f} user-days/s")
    print(f"  target: >= {TARGET:,.0f} user-days/s (engine)")


if __name__ == "__main__":
    main()
