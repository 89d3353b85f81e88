"""Day timeline and glucose metrics for a user with a year of CGM data (105,000 readings).

- Timeline: requests/s with 16 connections against 2 gunicorn workers (wrk), next to a bare
  baseline view that runs the same day's readings query and returns it with orjson.
  Target: >= 0.5 x the baseline's throughput, p99 <= 60 ms. Repeated reads of a day are
  served from the timeline cache (decisions 0014, 0016); the first read of each of 60 other
  days is printed too (every query runs).
- Metrics over 90 days: p50 of sequential requests. Target <= 100 ms.

    python benchmarks/bench_timeline.py
"""

from __future__ import annotations

import os
import random
import time
import urllib.request
import uuid
from datetime import UTC, date, datetime, timedelta

from support import access_token, gunicorn, percentile, setup_django, wrk

READINGS = 105_000


def seed(user) -> None:
    from apps.fasting.models import FastingWindow
    from apps.glucose.models import GlucoseReading
    from apps.nutrition.models import Meal

    rng = random.Random(1)
    end = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    start = end - timedelta(minutes=5 * READINGS)
    GlucoseReading.objects.bulk_create(
        (
            GlucoseReading(
                id=uuid.uuid4(),
                user=user,
                measured_at=start + timedelta(minutes=5 * i),
                value_mgdl=80 + rng.random() * 80,
                device="g7",
                change_seq=1,
            )
            for i in range(READINGS)
        ),
        batch_size=5000,
    )
    days = (end - start).days
    Meal.objects.bulk_create(
        Meal(
            user=user,
            eaten_at=start + timedelta(days=d, hours=h),
            kcal=650,
            protein_g=30,
            change_seq=1,
        )
        for d in range(days)
        for h in (12, 19)
    )
    FastingWindow.objects.bulk_create(
        FastingWindow(
            user=user,
            started_at=start + timedelta(days=d, hours=20),
            ended_at=start + timedelta(days=d + 1, hours=11),
            change_seq=1,
        )
        for d in range(days - 1)
    )


def get_ms(urls: list[str], token: str) -> list[float]:
    """Milliseconds of each GET, one after another (no queue: latency, not throughput)."""
    timings = []
    for url in urls:
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        started = time.perf_counter()
        urllib.request.urlopen(request, timeout=30).read()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    setup_django()
    from django.db import connection

    from apps.accounts.services import user_register
    from apps.scoring import services

    user = user_register(
        email="timeline@bench.local", password="bench-pass-12345", timezone_name="Europe/Berlin"
    )
    print(f"  seeding {READINGS:,} readings ...", flush=True)
    seed(user)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        # Write the seed (and earlier benchmarks' work) out now, not during the measurement.
        cursor.execute("CHECKPOINT")
    token = access_token(user)
    day = (datetime.now(UTC) - timedelta(days=40)).date().isoformat()
    # A past day with data has its score, as it would in service (one score query, no
    # "pending" lookup).
    services.score_days_mark_dirty(user_id=user.pk, dates=[date.fromisoformat(day)])
    services.score_user_dirty_days_recompute(user_id=user.pk)
    connection.close()
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    with gunicorn(workers=2, settings="benchmarks.settings") as base:
        wrk(f"{base}/api/v1/days/{day}/", token=token, seconds=3)  # warm up both workers
        timeline = wrk(f"{base}/api/v1/days/{day}/", token=token, seconds=15)
        baseline = wrk(f"{base}/bench/baseline/{day}/", token=token, seconds=15)
        # Latency without queueing: under 16 connections on 2 workers a request mostly waits
        # for the 7 ahead of it (Little's law), so the p99 there measures the queue.
        single = wrk(f"{base}/api/v1/days/{day}/", token=token, connections=1, threads=1)
        # First read of a day (a cache miss: every query runs), one day after another.
        days_back = [(datetime.now(UTC) - timedelta(days=b)).date() for b in range(41, 101)]
        misses = get_ms([f"{base}/api/v1/days/{d.isoformat()}/" for d in days_back], token)
        start_date = (datetime.now(UTC) - timedelta(days=100)).date().isoformat()
        end_date = (datetime.now(UTC) - timedelta(days=11)).date().isoformat()
        url = f"{base}/api/v1/glucose/metrics/?start_date={start_date}&end_date={end_date}"
        timings = get_ms([url] * 40, token)
    ratio = timeline["rps"] / baseline["rps"]
    print(
        f"day timeline: {timeline['rps']:.0f} req/s, p50 {timeline['p50']:.1f} ms, "
        f"p99 {timeline['p99']:.1f} ms (16 connections, 2 gunicorn workers)"
    )
    print(
        f"baseline:     {baseline['rps']:.0f} req/s, p50 {baseline['p50']:.1f} ms, "
        f"p99 {baseline['p99']:.1f} ms"
    )
    print(f"timeline / baseline throughput: {ratio:.2f}  (target >= 0.5)")
    print(
        f"day timeline, one connection: p50 {single['p50']:.1f} ms, p99 {single['p99']:.1f} ms, "
        f"{single['rps']:.0f} req/s  (target p99 <= 60 ms)"
    )
    print(
        f"day timeline, first read of a day (cache miss, one connection): "
        f"p50 {percentile(misses, 50):.1f} ms, p95 {percentile(misses, 95):.1f} ms "
        f"over {len(misses)} days"
    )
    print(
        f"metrics over 90 days: p50 {percentile(timings, 50):.1f} ms, "
        f"p95 {percentile(timings, 95):.1f} ms over {len(timings)} requests (target p50 <= 100 ms)"
    )
    if timeline.get("non_2xx") or baseline.get("non_2xx"):
        print(f"WARNING: non-2xx responses: {timeline.get('non_2xx')} / {baseline.get('non_2xx')}")


if __name__ == "__main__":
    main()
