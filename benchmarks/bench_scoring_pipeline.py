"""Scoring pipeline end to end: 1,000 users x 7 dirty days recomputed by 2 Celery worker
processes (queries included). Target >= 500 user-days/s.

Two ways the marks reach the workers, both measured on the same data:
- per user: one recompute_user_scores task per user, as a write enqueues it on commit;
- sweeper: sweep_dirty_days enqueues recompute_users_scores batches of 50 users, as it does
  for any backlog (an outage, a deploy, a midnight finalisation wave).

    python benchmarks/bench_scoring_pipeline.py [--users N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

from support import ROOT, setup_django

from tests.support.processes import RedisServer

DAYS = 7


def seed(users: int) -> list[uuid.UUID]:
    from django.db import connection

    from apps.accounts.models import Profile, User

    now = datetime.now(UTC)
    today = now.date()
    first_day = today - timedelta(days=DAYS)
    ids = [uuid.uuid4() for _ in range(users)]
    User.objects.bulk_create(
        User(id=i, email=f"pipe{n}@bench.local", password="!") for n, i in enumerate(ids)
    )
    Profile.objects.bulk_create(
        Profile(
            user_id=i,
            timezone="Europe/Berlin",
            weight_kg=70,
            height_cm=175,
            sex="female",
            tracking_start=now - timedelta(days=30),
        )
        for i in ids
    )
    raw = connection.connection
    print(
        f"  seeding {users} users x {DAYS} days (288 readings, 3 meals, 1 fast a day) ...",
        flush=True,
    )
    with raw.cursor() as cur:
        with cur.copy(
            "COPY glucose_glucosereading (id, user_id, measured_at, value_mgdl, "
            "censored, source, device, trend, created_at, updated_at, change_seq) "
            "FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(
                [
                    "uuid",
                    "uuid",
                    "timestamptz",
                    "float8",
                    "text",
                    "text",
                    "text",
                    "text",
                    "timestamptz",
                    "timestamptz",
                    "int8",
                ]
            )
            for user_id in ids:
                start = datetime.combine(first_day, dtime(0), tzinfo=UTC)
                for k in range(DAYS * 288):
                    copy.write_row(
                        (
                            uuid.uuid4(),
                            user_id,
                            start + timedelta(minutes=5 * k),
                            90.0 + (k % 50),
                            "",
                            "cgm",
                            "g7",
                            "",
                            now,
                            now,
                            1,
                        )
                    )
        with cur.copy(
            "COPY nutrition_meal (id, user_id, eaten_at, name, kcal, protein_g, "
            "leucine_g, created_at, updated_at, change_seq) FROM STDIN "
            "(FORMAT BINARY)"
        ) as copy:
            copy.set_types(
                [
                    "uuid",
                    "uuid",
                    "timestamptz",
                    "text",
                    "float8",
                    "float8",
                    "float8",
                    "timestamptz",
                    "timestamptz",
                    "int8",
                ]
            )
            for user_id in ids:
                for d in range(DAYS):
                    day = datetime.combine(first_day + timedelta(days=d), dtime(0), tzinfo=UTC)
                    for hour in (11, 15, 19):
                        copy.write_row(
                            (
                                uuid.uuid4(),
                                user_id,
                                day + timedelta(hours=hour),
                                "meal",
                                600.0,
                                30.0,
                                2.4,
                                now,
                                now,
                                1,
                            )
                        )
        with cur.copy(
            "COPY fasting_fastingwindow (id, user_id, started_at, ended_at, protocol, "
            "note, created_at, updated_at, change_seq) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(
                [
                    "uuid",
                    "uuid",
                    "timestamptz",
                    "timestamptz",
                    "text",
                    "text",
                    "timestamptz",
                    "timestamptz",
                    "int8",
                ]
            )
            for user_id in ids:
                for d in range(DAYS):
                    day = datetime.combine(first_day + timedelta(days=d), dtime(0), tzinfo=UTC)
                    copy.write_row(
                        (
                            uuid.uuid4(),
                            user_id,
                            day - timedelta(hours=4),
                            day + timedelta(hours=11),
                            "16:8",
                            "",
                            now,
                            now,
                            1,
                        )
                    )
    raw.commit()
    mark_dirty(ids)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        # Write the seed (and earlier benchmarks' work) out now, not during the measurement.
        cursor.execute("CHECKPOINT")
    return ids


def mark_dirty(ids: list[uuid.UUID]) -> None:
    from apps.scoring.models import DirtyDay

    first_day = datetime.now(UTC).date() - timedelta(days=DAYS)
    aged = datetime.now(UTC) - timedelta(minutes=5)  # old enough for the sweeper
    DirtyDay.objects.bulk_create(
        DirtyDay(user_id=i, local_date=first_day + timedelta(days=d), dirtied_at=aged)
        for i in ids
        for d in range(DAYS)
    )


def drain(label: str, ids: list[uuid.UUID], enqueue) -> None:
    from apps.scoring.models import DailyScore, DirtyDay

    started = time.perf_counter()
    enqueue()
    while DirtyDay.objects.exists():
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    user_days = len(ids) * DAYS
    print(
        f"pipeline ({label}): {user_days} user-days ({len(ids)} users x {DAYS} dirty days) "
        f"recomputed in {elapsed:.2f} s by 2 worker processes = "
        f"{user_days / elapsed:,.0f} user-days/s ({DailyScore.objects.count()} DailyScore rows; "
        "target >= 500 user-days/s)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=1000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    ids = seed(args.users)
    connection.close()
    redis = RedisServer()
    redis.start()
    broker = redis.url
    env = {**os.environ, "CELERY_BROKER_URL": broker, "REDIS_URL": broker}
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "backend",
                "worker",
                "-Q",
                "scoring",
                "-c",
                "1",
                "-n",
                f"bench{n}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
        )
        for n in range(2)
    ]
    try:
        time.sleep(4)  # let both workers connect
        os.environ["CELERY_BROKER_URL"] = broker
        from backend.celery import app

        app.conf.broker_url = broker
        from apps.scoring.tasks import recompute_user_scores, sweep_dirty_days

        drain(
            "per-user tasks",
            ids,
            lambda: [
                recompute_user_scores.apply_async(args=[str(user_id)], queue="scoring")
                for user_id in ids
            ],
        )
        mark_dirty(ids)
        drain("sweeper batches", ids, sweep_dirty_days)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)
        redis.stop()


if __name__ == "__main__":
    main()
