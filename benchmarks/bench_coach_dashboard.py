"""Coach dashboard of a client with 90 days of CGM (25,920 readings): server time per
request and the number of queries, measured in-process through the full middleware stack
(Django's test client, no network). Target: p50 <= 150 ms for the dashboard page and for
each chart data request, with a bounded number of queries.

Uses its own PostgreSQL database (BENCH_COACH_DATABASE_NAME, default lowtide_bench_coach),
created fresh and dropped at the end. Prints figures, asserts nothing.

    DJANGO_SETTINGS_MODULE=backend.settings.test python benchmarks/bench_coach_dashboard.py
"""

from __future__ import annotations

import os
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from statistics import median

from support import PG, percentile, setup_django

DATABASE = os.environ.get("BENCH_COACH_DATABASE_NAME", "lowtide_bench_coach")
DAYS = 90
RUNS = 30
OTHER_CLIENTS = 19  # the coach's clients list holds 20 clients


def seed(coach, client, now: datetime) -> None:
    from apps.coaching.models import CoachClientLink
    from apps.fasting.models import FastingWindow
    from apps.glucose.models import GlucoseReading
    from apps.nutrition.models import Meal
    from apps.scoring.engine import ALGORITHM_VERSION
    from apps.scoring.models import DailyScore, SafetyFlag

    rng = random.Random(7)
    start = now - timedelta(days=DAYS)
    GlucoseReading.objects.bulk_create(
        (
            GlucoseReading(
                id=uuid.uuid4(),
                user=client,
                measured_at=start + timedelta(minutes=5 * i),
                value_mgdl=75 + rng.random() * 90,
                device="g7",
                change_seq=1,
            )
            for i in range(DAYS * 288)
        ),
        batch_size=5000,
    )
    Meal.objects.bulk_create(
        Meal(
            user=client,
            eaten_at=start + timedelta(days=d, hours=h),
            name="Lentil soup",
            kcal=650,
            protein_g=30,
            change_seq=1,
        )
        for d in range(DAYS)
        for h in (12, 19)
    )
    FastingWindow.objects.bulk_create(
        FastingWindow(
            user=client,
            started_at=start + timedelta(days=d, hours=20),
            ended_at=start + timedelta(days=d + 1, hours=12),
            protocol="16:8",
            change_seq=1,
        )
        for d in range(DAYS - 1)
    )
    components = {
        "fasting": {"value": 60.0, "weight": 40, "quality": 1.0, "available": True},
        "amino_acids": {"value": 45.0, "weight": 25, "quality": 0.85, "available": True},
        "energy": {"value": 50.0, "weight": 15, "quality": 1.0, "available": True},
        "glycemia": {"value": 90.0, "weight": 10, "quality": 1.0, "available": True},
    }
    first = now.date() - timedelta(days=DAYS)
    DailyScore.objects.bulk_create(
        DailyScore(
            user=client,
            local_date=first + timedelta(days=d),
            algorithm_version=ALGORITHM_VERSION,
            params_sha256="0" * 64,
            score=57.5,
            confidence=0.9,
            components=components,
            window_start=start + timedelta(days=d),
            window_end=start + timedelta(days=d + 1),
            timezone="UTC",
            inputs_digest="0" * 64,
            has_data=True,
            computed_at=now,
        )
        for d in range(DAYS + 1)
    )
    SafetyFlag.objects.bulk_create(
        SafetyFlag(
            user=client,
            local_date=first + timedelta(days=d),
            code="LOW_PROTEIN_7D",
            severity="warning",
            message="Protein below 0.8 g/kg",
        )
        for d in range(0, DAYS, 7)
    )
    CoachClientLink.objects.create(coach=coach, client=client)


def measure(browser, url: str) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser.get(url)  # warm-up
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        response = browser.get(url)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        browser.get(url)
    return times, len(ctx.captured_queries)


def main() -> None:
    setup_django(DATABASE)
    from django.test import Client

    from apps.accounts.services import user_register
    from apps.coaching.models import CoachClientLink

    now = datetime.now(UTC)
    coach = user_register(
        email="bench-coach@example.com", password="bench-pass-2026-x", role="coach"
    )
    client = user_register(
        email="bench-client@example.com", password="bench-pass-2026-x", timezone_name="UTC"
    )
    print(f"  seeding {DAYS} days of CGM ({DAYS * 288:,} readings) ...", flush=True)
    seed(coach, client, now)
    for i in range(OTHER_CLIENTS):
        other = user_register(email=f"bench-other-{i}@example.com", password="bench-pass-2026-x")
        CoachClientLink.objects.create(coach=coach, client=other)

    browser = Client()
    browser.force_login(coach)
    base = f"/coach/clients/{client.pk}/"
    today = now.date().isoformat()
    urls = {
        "dashboard page": base,
        "glucose trace, day": base + "data/glucose.json",
        "glucose trace, 14 days": base + "data/glucose.json?range=14d",
        "AGP, 14 days": base + "data/agp.json",
        "daily series, 30 days": base + "data/daily.json",
        "daily series, 90 days": base + "data/daily.json?days=90",
        "day timeline": base + f"data/days/{today}.json",
        "export CSV, 90 days": base + "export/",
        "clients list (20 clients)": "/coach/",
    }
    print(f"\n  {'request':<28}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}")
    p50s = {}
    for name, url in urls.items():
        times, queries = measure(browser, url)
        p50s[name] = median(times)
        print(f"  {name:<28}{median(times):>9.1f}{percentile(times, 95):>9.1f}{queries:>9}")
    opening = ["dashboard page", "glucose trace, day", "AGP, 14 days", "daily series, 30 days"]
    print(
        f"\n  opening a dashboard (page + its 3 chart requests): "
        f"{sum(p50s[n] for n in opening):.1f} ms of server time (sum of p50s); "
        f"target p50 <= 150 ms per request"
    )

    from django.db import connections

    connections.close_all()
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    main()
