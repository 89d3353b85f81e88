"""Builders for a user's week of data (rows written directly: the summary only reads)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from apps.fasting.models import FastingWindow
from apps.glucose.models import GlucoseReading
from apps.nutrition.models import Meal
from apps.scoring.engine import ALGORITHM_VERSION
from apps.scoring.models import DailyScore, SafetyFlag


def local(tz: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(tz))


def fast(user, started_at: datetime, ended_at: datetime | None, target_hours=None):
    return FastingWindow.objects.create(
        user=user, started_at=started_at, ended_at=ended_at, target_hours=target_hours
    )


def meal(user, eaten_at: datetime, kcal: float, protein_g: float | None = None):
    return Meal.objects.create(user=user, eaten_at=eaten_at, kcal=kcal, protein_g=protein_g)


def cgm(user, start: datetime, values: list[float], minutes: int = 5) -> None:
    GlucoseReading.objects.bulk_create(
        GlucoseReading(
            user=user, measured_at=start + timedelta(minutes=minutes * i), value_mgdl=v, device="g7"
        )
        for i, v in enumerate(values)
    )


def score(user, day: date, value: float | None, tz: str = "UTC") -> DailyScore:
    start = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz))
    return DailyScore.objects.create(
        user=user,
        local_date=day,
        algorithm_version=ALGORITHM_VERSION,
        params_sha256="0" * 64,
        score=value,
        confidence=0.8,
        window_start=start,
        window_end=start + timedelta(days=1),
        timezone=tz,
        inputs_digest="0" * 64,
        has_data=value is not None,
        computed_at=timezone.now(),
    )


def flag(user, day: date, code: str = "prolonged_fast", severity: str = "warning", **extra):
    return SafetyFlag.objects.create(
        user=user,
        local_date=day,
        code=code,
        severity=severity,
        message=extra.pop("message", "A fast longer than 36 h."),
        **extra,
    )


def ordinary_week(user, tz: str, monday: date, *, seed: int = 0) -> None:
    """A plain week: a 16.5 h fast ending and two meals every day, one flag."""
    for i in range(7):
        day = monday + timedelta(days=i)
        end = local(tz, day.year, day.month, day.day, 12)
        fast(user, end - timedelta(hours=16.5 + (seed % 3)), end)
        meal(user, end + timedelta(minutes=5), 700, 40)
        meal(user, end + timedelta(hours=6), 900, 45)
        score(user, day, 50 + (seed + i) % 40, tz)
