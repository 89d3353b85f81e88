"""Builders for coaching tests: consent links, histories, scores and flags via the ORM.

The scoring pipeline is not needed here: DailyScore and SafetyFlag rows are written
directly, shaped like SCORING.md's output.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone

from apps.coaching.models import CoachClientLink
from apps.fasting.models import FastingWindow
from apps.glucose.models import GlucoseReading
from apps.nutrition.models import Meal
from apps.scoring.models import DailyScore, SafetyFlag
from tests.factories import UserFactory

COMPONENTS = {
    "fasting": {"value": 60.0, "weight": 40, "quality": 1.0, "available": True},
    "amino_acids": {"value": 45.0, "weight": 25, "quality": 0.85, "available": True},
    "energy": {"value": 50.0, "weight": 15, "quality": 1.0, "available": True},
    "glycemia": {"value": 90.0, "weight": 10, "quality": 1.0, "available": True},
    "exercise": {"value": None, "weight": 10, "quality": 0.0, "available": False},
}


def link(coach, client, **extra) -> CoachClientLink:
    return CoachClientLink.objects.create(coach=coach, client=client, **extra)


def make_client(name: str, *, tz: str = "Europe/Berlin", email: str | None = None):
    slug = name.lower().replace(" ", ".")
    return UserFactory(
        email=email or f"{slug}@clients.example", display_name=name, profile__timezone=tz
    )


def today_in(user, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(ZoneInfo(user.profile.timezone)).date()


def make_score(user, day: date, score: float = 55.0, components=None) -> DailyScore:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return DailyScore.objects.create(
        user=user,
        local_date=day,
        algorithm_version="mtor-heuristic/1.0.0",
        params_sha256="0" * 64,
        score=score,
        confidence=0.8,
        components=components if components is not None else COMPONENTS,
        flags=[],
        window_start=start,
        window_end=start + timedelta(days=1),
        timezone=user.profile.timezone,
        inputs_digest=uuid.uuid4().hex,
        has_data=True,
        computed_at=timezone.now(),
    )


def make_flag(user, day: date, code: str = "PROLONGED_FAST", severity: str = "warning"):
    return SafetyFlag.objects.create(
        user=user, local_date=day, code=code, severity=severity, message=f"{code} on {day}"
    )


def seed_history(user, *, days: int, now: datetime | None = None, every_minutes: int = 5):
    """CGM every 5 minutes, two meals a day and a 16-hour overnight fast, for `days` days
    ending now."""
    now = now or timezone.now()
    start = now - timedelta(days=days)
    readings = []
    at = start
    i = 0
    while at < now:
        value = 95 + (i % 24) * 2 + (-40 if i % 500 == 3 else 0)
        readings.append(GlucoseReading(user=user, measured_at=at, value_mgdl=value, device="g7"))
        at += timedelta(minutes=every_minutes)
        i += 1
    GlucoseReading.objects.bulk_create(readings, batch_size=5000)
    meals, fasts = [], []
    for d in range(days):
        noon = start + timedelta(days=d, hours=12)
        if noon >= now:
            break
        meals.append(Meal(user=user, eaten_at=noon, name="Lentil soup", kcal=600, protein_g=30))
        meals.append(
            Meal(
                user=user, eaten_at=noon + timedelta(hours=6), name="Salmon", kcal=700, protein_g=40
            )
        )
        fast_end = noon + timedelta(days=1)
        if fast_end < now:
            fasts.append(
                FastingWindow(
                    user=user,
                    started_at=noon + timedelta(hours=8),
                    ended_at=fast_end,
                    protocol="16:8",
                    target_hours=16,
                )
            )
    Meal.objects.bulk_create(meals)
    FastingWindow.objects.bulk_create(fasts)
    return len(readings)


def web_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
