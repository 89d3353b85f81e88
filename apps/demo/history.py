"""Synthetic but realistic history for demo accounts.

Deterministic per (pattern, seed): 5-minute CGM traces with meal responses, an overnight
dip and sensor noise; meals with macros; logged fasting windows.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from apps.common.timeutils import local_date
from apps.fasting.models import FastingWindow
from apps.glucose.models import GlucoseReading
from apps.nutrition.models import Meal

UTC = ZoneInfo("UTC")


@dataclass
class Plan:
    meals: list[tuple[datetime, str, float, float]] = field(default_factory=list)
    fasts: list[tuple[datetime, datetime | None, float, str]] = field(default_factory=list)
    lows: list[tuple[datetime, int, float]] = field(default_factory=list)  # start, minutes, mg/dL
    gaps: list[tuple[datetime, datetime]] = field(default_factory=list)


MEAL_NAMES = [
    ("Greek yoghurt, berries and walnuts", 420, 28),
    ("Lentil soup with rye bread", 610, 31),
    ("Salmon, potatoes and green beans", 720, 42),
    ("Chickpea curry with rice", 680, 24),
    ("Omelette with spinach and feta", 450, 30),
    ("Chicken salad with quinoa", 590, 45),
    ("Tofu stir-fry with noodles", 650, 29),
    ("Bean chili with avocado", 700, 33),
]


def _at(day: date, hour: float, tz: ZoneInfo) -> datetime:
    minutes = round(hour * 60)
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC) + timedelta(minutes=minutes)


def plan_for(
    pattern: str, *, days: list[date], tz: ZoneInfo, rng: random.Random, now: datetime
) -> Plan:
    plan = Plan()
    skip: set[date] = set()
    if pattern == "extended":
        # One 36-hour fast across days 5-6, and an ongoing-then-ended 80-hour fast at the end.
        skip = {days[5], days[-4], days[-3], days[-2]}
    if pattern == "demo":
        skip = {days[7]}  # the 36-hour fast
    for index, day in enumerate(days):
        if day in skip:
            continue
        if pattern == "irregular":
            if rng.random() < 0.3:
                continue  # a day the log was not kept
            hours = sorted(rng.uniform(7, 23) for _ in range(rng.choice([2, 3, 3, 4])))
        else:
            hours = [12 + rng.uniform(-0.3, 0.3), 19.5 + rng.uniform(-0.4, 0.3)]
        for hour in hours:
            name, kcal, protein = MEAL_NAMES[rng.randrange(len(MEAL_NAMES))]
            plan.meals.append(
                (
                    _at(day, hour, tz),
                    name,
                    kcal * rng.uniform(0.85, 1.15),
                    protein * rng.uniform(0.85, 1.15),
                )
            )
        if pattern == "irregular" and index % 4 == 1:
            plan.lows.append((_at(day, 3.5, tz), 25, 52))
    plan.meals.sort()
    if pattern in ("demo", "steady", "extended"):
        eats = [m[0] for m in plan.meals]
        for previous, following in itertools.pairwise(eats):
            gap = (following - previous).total_seconds() / 3600
            if gap >= 13:
                start = previous + timedelta(minutes=30)
                protocol = "16:8" if gap < 20 else ("36h" if gap < 40 else "extended")
                plan.fasts.append(
                    (
                        start,
                        following - timedelta(minutes=5),
                        16.0 if gap < 20 else round(gap - 1),
                        protocol,
                    )
                )
        if eats:
            last = eats[-1] + timedelta(minutes=30)
            plan.fasts.append((last, None, 16.0, "16:8"))  # the fast under way now
    return plan


def _glucose_at(
    moment: datetime,
    meals: list[datetime],
    lows: list[tuple],
    tz: ZoneInfo,
    rng: random.Random,
    drift: float,
) -> float:
    local = moment.astimezone(tz)
    hour = local.hour + local.minute / 60
    value = 92 + drift + 6 * math.sin((hour - 16) / 24 * 2 * math.pi)
    if 2 <= hour < 5:
        value -= 7  # the overnight dip
    if 5 <= hour < 8:
        value += 6  # dawn phenomenon
    for eaten in meals:
        minutes = (moment - eaten).total_seconds() / 60
        if 0 <= minutes <= 180:
            value += 48 * math.exp(-(((minutes - 45) / 30) ** 2)) - 6 * math.exp(
                -(((minutes - 140) / 25) ** 2)
            )
    for start, length, level in lows:
        minutes = (moment - start).total_seconds() / 60
        if 0 <= minutes <= length:
            value = level + rng.uniform(-2, 2)
    return max(40.0, min(400.0, value + rng.gauss(0, 3)))


def demo_history_create(
    *, user, pattern: str, days: int = 14, seed: int = 7, now: datetime | None = None
) -> dict[str, int]:
    """Write `days` local days of history ending now. Returns counts; skips if data exists."""
    if Meal.objects.filter(user=user).exists():
        return {"meals": 0, "fasts": 0, "readings": 0}
    from apps.scoring.services import score_days_mark_dirty
    from apps.sync.changes import change_seq_next

    now = now or datetime.now(UTC)
    tz = ZoneInfo(user.profile.timezone)
    today = local_date(now, user.profile.timezone)
    day_list = [today - timedelta(days=n) for n in range(days, 0, -1)]
    rng = random.Random(f"{pattern}-{seed}")
    plan = plan_for(pattern, days=day_list, tz=tz, rng=rng, now=now)
    start = _at(day_list[0], 0, tz)
    meal_times = [m[0] for m in plan.meals]
    readings = []
    moment = start
    drift = {"demo": 0, "steady": -2, "extended": -6, "irregular": 8}.get(pattern, 0)
    while moment < now - timedelta(minutes=5):
        skip = (
            pattern == "irregular"
            and moment.astimezone(tz).day % 5 == 0
            and moment.astimezone(tz).hour < 6
        )
        if not skip:
            readings.append(
                GlucoseReading(
                    user=user,
                    measured_at=moment,
                    device="demo-cgm",
                    source="cgm",
                    value_mgdl=round(_glucose_at(moment, meal_times, plan.lows, tz, rng, drift), 1),
                )
            )
        moment += timedelta(minutes=5)
    with transaction.atomic():
        seq = change_seq_next(user_id=user.pk)
        profile = user.profile
        profile.tracking_start = start
        profile.save(update_fields=["tracking_start"])
        meals = [
            Meal(
                user=user,
                eaten_at=at,
                name=name,
                kcal=round(kcal),
                protein_g=round(protein, 1),
                carbs_g=round(kcal * 0.45 / 4, 1),
                fat_g=round(kcal * 0.3 / 9, 1),
                fiber_g=round(rng.uniform(4, 14), 1),
                leucine_g=round(protein * 0.08, 2),
                change_seq=seq,
            )
            for at, name, kcal, protein in plan.meals
        ]
        Meal.objects.bulk_create(meals)
        fasts = [
            FastingWindow(
                user=user, started_at=s, ended_at=e, target_hours=t, protocol=p, change_seq=seq
            )
            for s, e, t, p in plan.fasts
            if e is None or e > s
        ]
        FastingWindow.objects.bulk_create(fasts)
        for reading in readings:
            reading.change_seq = seq
        GlucoseReading.objects.bulk_create(readings, batch_size=2000)
        score_days_mark_dirty(user_id=user.pk, dates=[*day_list, today])
    return {"meals": len(meals), "fasts": len(fasts), "readings": len(readings)}
