"""The recompute pipeline with a real Celery worker process, a private Redis and PostgreSQL:
a Redis outage loses nothing, a killed worker's job completes, a task delivered twice leaves
the same state."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from apps.glucose.models import GlucoseReading
from apps.scoring import services
from apps.scoring.models import DailyScore, DirtyDay
from apps.scoring.tasks import _lock_key, recompute_user_scores, sweep_dirty_days
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.support.processes import app_broker, celery_worker, redis_server, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def readings(days: int, *, end: datetime, per_day: int = 24) -> list[dict]:
    step = timedelta(days=1) / per_day
    start = end - timedelta(days=days)
    return [
        {
            "measured_at": (start + i * step).isoformat(),
            "value": 90 + (i % 40),
            "unit": "mg/dL",
            "device": "g7",
        }
        for i in range(days * per_day)
    ]


def scored_days(user) -> int:
    return DailyScore.objects.filter(user=user).count()


def test_scores_follow_writes_and_survive_a_redis_outage():
    user = UserFactory(profile__timezone="Europe/Berlin")
    client = client_for(user)
    now = datetime.now(UTC).replace(microsecond=0)
    with redis_server() as redis, app_broker(redis.url), celery_worker(redis.url) as worker:
        response = client.post(
            "/api/v1/glucose/readings/bulk/",
            {"readings": readings(3, end=now - timedelta(hours=1))},
            format="json",
        )
        assert response.json()["created"] == 72
        wait_for(
            lambda: not DirtyDay.objects.filter(user=user).exists() and scored_days(user) >= 3,
            timeout=60,
            what="scores after the upload",
        )

        redis.kill()
        started = time.monotonic()
        response = client.post(
            "/api/v1/meals/",
            {"eaten_at": (now - timedelta(hours=2)).isoformat(), "kcal": 650},
            format="json",
        )
        assert response.status_code == 201  # durable write, broker down: never a 5xx
        assert time.monotonic() - started < 5
        assert DirtyDay.objects.filter(user=user).exists()  # the pending work is in PostgreSQL

        redis.start()  # same port, empty: the message was never published
        DirtyDay.objects.update(dirtied_at=datetime.now(UTC) - timedelta(minutes=2))
        assert sweep_dirty_days() == 1
        wait_for(
            lambda: not DirtyDay.objects.filter(user=user).exists(),
            timeout=90,
            what=f"the sweeper's recompute; worker log:\n{worker.output()[-2000:]}",
        )
        today = DailyScore.objects.filter(user=user).order_by("-local_date").first()
        assert today.components["energy"]["details"] or today.components["amino_acids"]


def advisory_lock_held(user) -> bool:
    with connection.cursor() as cursor:
        key = _lock_key(user.pk)
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND ((classid::bigint << 32) | objid::bigint) "
            "= (%s::bigint & x'ffffffffffffffff'::bigint)",
            [key],
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_recompute_finishes_the_job_without_duplicates():
    user = UserFactory(profile__timezone="Europe/Berlin")
    now = datetime.now(UTC).replace(microsecond=0)
    days = 150
    GlucoseReading.objects.bulk_create(
        GlucoseReading(
            user=user, measured_at=now - timedelta(minutes=15 * i), value_mgdl=95, device="g7"
        )
        for i in range(1, days * 96)
    )
    today = now.date()
    services.score_days_mark_dirty(
        user_id=user.pk, dates=[today - timedelta(days=i) for i in range(days)]
    )
    with redis_server() as redis, app_broker(redis.url):
        with celery_worker(redis.url) as worker:
            recompute_user_scores.apply_async(args=[str(user.pk)], queue="scoring")
            wait_for(
                lambda: advisory_lock_held(user),
                timeout=60,
                interval=0.05,
                what="the recompute to start",
            )
            children = worker.children()
            assert children, "the prefork pool has a child process"
            worker.kill()  # SIGKILL, mid-recompute: the transaction rolls back
            assert DirtyDay.objects.filter(user=user).count() == days
        # After restart the unacked task is redelivered (visibility timeout 5 s in tests).
        with celery_worker(redis.url) as worker:
            wait_for(
                lambda: not DirtyDay.objects.filter(user=user).exists(),
                timeout=120,
                what=f"the redelivered recompute; log:\n{worker.output()[-2000:]}",
            )
    assert scored_days(user) == days
    assert DailyScore.objects.filter(user=user).values("local_date").distinct().count() == days


def test_the_same_task_delivered_twice_leaves_identical_state():
    user = UserFactory(profile__timezone="Europe/Berlin")
    now = datetime.now(UTC).replace(microsecond=0)
    GlucoseReading.objects.bulk_create(
        GlucoseReading(
            user=user, measured_at=now - timedelta(minutes=30 * i), value_mgdl=100, device="g7"
        )
        for i in range(1, 48 * 3)
    )
    dates = [now.date() - timedelta(days=i) for i in range(1, 3)]
    services.score_days_mark_dirty(user_id=user.pk, dates=dates)
    with redis_server() as redis, app_broker(redis.url), celery_worker(redis.url, concurrency=2):
        for _ in range(2):
            recompute_user_scores.apply_async(args=[str(user.pk)], queue="scoring")
        wait_for(
            lambda: not DirtyDay.objects.filter(user=user).exists(),
            timeout=60,
            what="both deliveries",
        )
        first = list(
            DailyScore.objects.filter(user=user)
            .order_by("local_date")
            .values("local_date", "score", "confidence", "components", "inputs_digest")
        )
        recompute_user_scores.apply_async(args=[str(user.pk)], queue="scoring")
        time.sleep(2)
    second = list(
        DailyScore.objects.filter(user=user)
        .order_by("local_date")
        .values("local_date", "score", "confidence", "components", "inputs_digest")
    )
    assert first == second
    assert len(first) == 2
