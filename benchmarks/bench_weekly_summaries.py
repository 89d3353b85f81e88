"""Weekly summaries at scale: N users (default 10,000) with one week of data each, built and
emailed by 2 Celery worker processes to a local SMTP server. Prints figures; asserts nothing.

    DJANGO_SETTINGS_MODULE=backend.settings.test .venv/bin/python \\
        benchmarks/bench_weekly_summaries.py [--users N]

It creates its own database (dropped at the end), its own redis-server on a free port and
an aiosmtpd server in this process. Workers run the base settings (persistent database
connections, Django's SMTP backend), as production does.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.processes import RedisServer, free_port  # noqa: E402

ZONES = ("Pacific/Auckland", "Asia/Kolkata", "America/Los_Angeles", "Europe/Berlin")
SAMPLE = 50  # users kept out of the worker run to count queries in-process


class QueryCounter:
    """Counts statements through Django's execute wrapper (no 9,000-query log limit)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class CountingSmtp:
    """aiosmtpd handler that only counts (10,000 messages need not be kept)."""

    def __init__(self) -> None:
        self.count = 0
        self.sample = b""
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            if not self.sample:
                self.sample = envelope.content
        return "250 OK"


def seed(n: int, now: datetime) -> list:
    """n users, each with the last complete local week of data; returns the users."""
    from django.db import connection

    from apps.accounts.models import Profile, User
    from apps.fasting.models import FastingWindow
    from apps.glucose.models import GlucoseReading
    from apps.notifications.models import NotificationPreference
    from apps.notifications.weeks import week_to_send
    from apps.nutrition.models import Meal
    from apps.scoring.engine import ALGORITHM_VERSION
    from apps.scoring.models import DailyScore

    rng = random.Random(7)
    users = [
        User(email=f"bench{i:05d}@example.com", password="!", display_name=f"User {i}")
        for i in range(n)
    ]
    User.objects.bulk_create(users, batch_size=5000)
    profiles, prefs, fasts, meals, scores = [], [], [], [], []
    glucose_rows = []
    for i, user in enumerate(users):
        tz = ZONES[i % len(ZONES)]
        zone = ZoneInfo(tz)
        profiles.append(Profile(user=user, timezone=tz, glucose_unit=("mg/dL", "mmol/L")[i % 2]))
        prefs.append(
            NotificationPreference(
                user=user, schedule_timezone=tz, next_send_at=now - timedelta(minutes=1)
            )
        )
        week = week_to_send(due_at=now, tz=tz)
        start, _ = week.bounds(tz)
        for day in week.dates():
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=zone)
            hours = rng.choice((14, 16, 16.5, 18, 20))
            fasts.append(
                FastingWindow(user=user, started_at=noon - timedelta(hours=hours), ended_at=noon)
            )
            meals.append(
                Meal(
                    user=user,
                    eaten_at=noon + timedelta(minutes=10),
                    kcal=700,
                    protein_g=rng.randint(20, 50),
                )
            )
            meals.append(
                Meal(
                    user=user,
                    eaten_at=noon + timedelta(hours=6),
                    kcal=900,
                    protein_g=rng.randint(20, 50),
                )
            )
            scores.append(
                DailyScore(
                    user=user,
                    local_date=day,
                    algorithm_version=ALGORITHM_VERSION,
                    params_sha256="0" * 64,
                    score=rng.uniform(30, 90),
                    confidence=0.8,
                    window_start=noon,
                    window_end=noon,
                    timezone=tz,
                    inputs_digest="0" * 64,
                    has_data=True,
                    computed_at=now,
                )
            )
        if i % 2 == 0:  # half of them wear a CGM (15-minute history: 672 readings a week)
            for k in range(7 * 96):
                glucose_rows.append(
                    (user.pk, start + timedelta(minutes=15 * k), rng.gauss(105, 20))
                )
    Profile.objects.bulk_create(profiles, batch_size=5000)
    NotificationPreference.objects.bulk_create(prefs, batch_size=5000)
    FastingWindow.objects.bulk_create(fasts, batch_size=5000)
    Meal.objects.bulk_create(meals, batch_size=5000)
    DailyScore.objects.bulk_create(scores, batch_size=5000)
    columns = [f.column for f in GlucoseReading._meta.concrete_fields]
    with connection.cursor() as cursor:
        raw = cursor.connection
        with (
            raw.cursor() as cur,
            cur.copy(
                f"COPY {GlucoseReading._meta.db_table} ({', '.join(columns)}) FROM STDIN"
            ) as copy,
        ):
            for user_id, at, value in glucose_rows:
                row = {
                    "id": uuid.uuid4(),
                    "user_id": user_id,
                    "deleted_at": None,
                    "change_seq": 0,
                    "created_at": now,
                    "updated_at": now,
                    "measured_at": at,
                    "value_mgdl": min(400.0, max(40.0, value)),
                    "censored": "",
                    "source": "cgm",
                    "device": "libre",
                    "trend": "",
                }
                copy.write_row([row[c] for c in columns])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return users


def start_workers(env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = open(log, "wb")  # noqa: SIM115  (lives as long as the worker)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "backend",
            "worker",
            "-Q",
            "notifications",
            "-c",
            "2",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while b"ready" not in log.read_bytes():
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(log.read_text(errors="replace")[-2000:])
        time.sleep(0.2)
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    args = parser.parse_args()
    n = args.users

    smtp_port = free_port()
    redis = RedisServer()
    redis.start()
    broker = redis.url
    os.environ["CELERY_BROKER_URL"] = broker  # read when Django settings load, below
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.test")

    import django

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    from aiosmtpd.controller import Controller
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from apps.notifications.delivery import deliveries_process
    from apps.notifications.dispatch import deliveries_force, dispatch_run
    from apps.notifications.models import OPEN_STATUSES, Delivery, NotificationPreference
    from apps.notifications.weeks import IsoWeek

    handler = CountingSmtp()
    smtp = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    db_name = f"bench_weekly_{os.getpid()}"
    connection.settings_dict["TEST"]["NAME"] = db_name
    original_name = connection.settings_dict["NAME"]
    workers = None
    created = False
    log = ROOT / f".bench-weekly-{os.getpid()}.log"
    try:
        t0 = time.perf_counter()
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        created = True
        t_db = time.perf_counter() - t0
        now = timezone.now()
        t0 = time.perf_counter()
        users = seed(n + SAMPLE, now)
        t_seed = time.perf_counter() - t0
        sample = users[n:]
        NotificationPreference.objects.filter(user__in=sample).update(
            next_send_at=now + timedelta(days=30)
        )
        db = connection.settings_dict
        workers = start_workers(
            {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "backend.settings.base",
                "DATABASE_URL": (
                    f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
                    f"{db['PORT'] or 5432}/{db_name}"
                ),
                "CELERY_BROKER_URL": broker,
                "REDIS_URL": broker,
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp_port),
                "LOG_LEVEL": "WARNING",
            },
            log,
        )

        t0 = time.perf_counter()
        dispatch_queries = QueryCounter()
        with connection.execute_wrapper(dispatch_queries):
            report = dispatch_run(now=now)
        t_dispatch = time.perf_counter() - t0
        while Delivery.objects.filter(status__in=OPEN_STATUSES).exists():
            time.sleep(0.5)
        t_total = time.perf_counter() - t0
        statuses = dict(Delivery.objects.values_list("status").annotate(n=Count("id")).order_by())

        # Queries per user on the send path, counted in-process on users the workers skipped.
        jobs = deliveries_force(users=sample, week=None, now=now)
        send_queries = QueryCounter()
        with connection.execute_wrapper(send_queries):
            for job in jobs:
                deliveries_process(user_id=job.user_id, kind=job.kind, week=IsoWeek.parse(job.week))

        print(f"users                      {n:>10,}")
        print(f"create database + migrate  {t_db:>10.1f} s")
        print(f"seed one week each         {t_seed:>10.1f} s")
        print(
            f"dispatch (claim + enqueue) {t_dispatch:>10.1f} s   "
            f"{dispatch_queries.count / n:.2f} queries/user, {report.claimed:,} claimed"
        )
        print(f"dispatch → all delivered   {t_total:>10.1f} s   (target ≤ 300 s for 10,000)")
        print(f"throughput                 {n / t_total:>10.1f} users/s with 2 worker processes")
        print(f"per-user cost              {2 * t_total / n * 1000:>10.1f} ms of worker time")
        print(f"queries per user (send)    {send_queries.count / len(sample):>10.1f}")
        print(f"emails received by SMTP    {handler.count:>10,}")
        print(f"delivery rows by status    {statuses}")
    finally:
        if workers is not None and workers.poll() is None:
            os.killpg(workers.pid, 15)
            try:
                workers.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(workers.pid, 9)
        log.unlink(missing_ok=True)
        smtp.stop()
        redis.kill()
        if created:
            connection.creation.destroy_test_db(original_name, verbosity=0)


if __name__ == "__main__":
    main()
