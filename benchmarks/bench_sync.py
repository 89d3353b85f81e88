"""Sync benchmarks: incremental pull cost, a first full sync, a CGM push. Prints figures.

Run by `make bench` (DJANGO_SETTINGS_MODULE=backend.settings.test). It works in its own
throw-away database (test_lowtide_bench_sync, created, migrated and dropped here) with its
own users, and takes a minute or two:

- pull with 10 new changes, p50/p95 server time, for a user with 105,000 readings and for
  one with 1,000 (targets: p50 <= 20 ms, and about the same for both);
- first full sync of a year (105,000 readings, meals, fasts) from a live gunicorn worker:
  time, body size and the worker's peak RSS (VmHWM, reset before the request);
- push of 2,000 new readings (target <= 1 s).
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.test")
os.environ["TEST_DATABASE_NAME"] = "test_lowtide_bench_sync"
warnings.filterwarnings("ignore", message="No directory at")  # whitenoise, no collectstatic

import django  # noqa: E402

django.setup()

import orjson  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from apps.common.records import record_create, record_update  # noqa: E402
from apps.fasting.models import FastingWindow  # noqa: E402
from apps.glucose.bulk import glucose_readings_ingest  # noqa: E402
from apps.glucose.models import GlucoseReading  # noqa: E402
from apps.glucose.services import GLUCOSE_READING  # noqa: E402
from apps.nutrition.models import Meal  # noqa: E402
from apps.nutrition.services import MEAL  # noqa: E402
from apps.sync.changes import change_seq_next  # noqa: E402
from tests.factories import UserFactory  # noqa: E402
from tests.support.processes import free_port  # noqa: E402

YEAR_READINGS = 105_000
SMALL_READINGS = 1_000
PULL_RUNS = 40
PUSH_READINGS = 2_000
PUSH_RUNS = 5
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def ms(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(milliseconds=1)


def seed(user, readings: int) -> None:
    """A year of 5-minute CGM readings, three meals and one fast a day."""
    end = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    start = end - timedelta(minutes=5 * readings)
    batch = []
    for i in range(readings):
        batch.append(
            {
                "measured_at": (start + timedelta(minutes=5 * i)).isoformat(),
                "value": 70 + (i * 7) % 110,
                "device": "g7-bench",
                "trend": "flat",
            }
        )
        if len(batch) == 5000:
            glucose_readings_ingest(user=user, readings=batch)
            batch = []
    if batch:
        glucose_readings_ingest(user=user, readings=batch)
    days = max(1, readings // 288)
    with transaction.atomic():
        seq = change_seq_next(user_id=user.pk)
        Meal.objects.bulk_create(
            Meal(
                user=user,
                eaten_at=start + timedelta(days=d, hours=h),
                name="meal",
                kcal=600.0,
                protein_g=30.0,
                change_seq=seq,
            )
            for d in range(days)
            for h in (8, 13, 19)
        )
        FastingWindow.objects.bulk_create(
            FastingWindow(
                user=user,
                started_at=start + timedelta(days=d, hours=20),
                ended_at=start + timedelta(days=d + 1, hours=8),
                target_hours=12.0,
                protocol="custom",
                change_seq=seq,
            )
            for d in range(days)
        )


def client_for(user) -> Client:
    token = RefreshToken.for_user(user).access_token
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def read(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def pull(client: Client, cursor: int | None) -> dict:
    response = client.get("/api/v1/sync/pull/", {"last_pulled_at": cursor or "null"})
    assert response.status_code == 200, response.content[:300]
    return orjson.loads(read(response))


def ten_changes(user) -> None:
    """Ten writes through the services: new readings, an edited meal, an edited reading."""
    # Chosen before the new readings exist, so the edit never lands on one of them.
    meal = Meal.objects.filter(user=user).order_by("?").first()
    reading = GlucoseReading.objects.filter(user=user).order_by("?").first()
    now = timezone.now()
    for i in range(8):
        record_create(
            GLUCOSE_READING,
            user=user,
            data={
                "measured_at": now - timedelta(seconds=random.randint(1, 3000), microseconds=i),
                "value_mgdl": 95.0,
                "device": f"meter-{uuid.uuid4().hex[:6]}",
            },
        )
    record_update(MEAL, user=user, instance=meal, data={"kcal": float(random.randint(1, 900))})
    record_update(GLUCOSE_READING, user=user, instance=reading, data={"value_mgdl": 101.0})


def bench_incremental(user, label: str) -> float:
    client = client_for(user)
    cursor = pull(client, None)["timestamp"] if label == "small" else current_cursor(user)
    times = []
    for _ in range(PULL_RUNS):
        ten_changes(user)
        started = time.perf_counter()
        payload = pull(client, cursor)
        times.append((time.perf_counter() - started) * 1000)
        changed = sum(len(s["updated"]) + len(s["deleted"]) for s in payload["changes"].values())
        assert changed == 10, changed
        cursor = payload["timestamp"]
    times.sort()
    p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    rows = GlucoseReading.objects.filter(user=user).count()
    print(
        f"pull with 10 new changes (in-process request: auth, throttle, queries, JSON), "
        f"user with {rows:>7,} readings: "
        f"p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  (target p50 <= 20 ms)"
    )
    return p50


def current_cursor(user) -> int:
    from apps.sync.changes import change_seq_current

    return change_seq_current(user_id=user.pk)


def bench_push(user) -> None:
    client = client_for(user)
    times = []
    for run in range(PUSH_RUNS):
        cursor = current_cursor(user)
        base = timezone.now() - timedelta(days=400 + 10 * run)
        created = [
            {
                "id": str(uuid.uuid4()),
                "measured_at": ms(base + timedelta(minutes=5 * i)),
                "value_mgdl": float(80 + i % 60),
                "censored": "",
                "source": "cgm",
                "device": "g7-push",
                "trend": "flat",
                "_status": "created",
                "_changed": "",
            }
            for i in range(PUSH_READINGS)
        ]
        body = orjson.dumps(
            {"glucose_readings": {"created": created, "updated": [], "deleted": []}}
        )
        started = time.perf_counter()
        response = client.post(
            f"/api/v1/sync/push/?last_pulled_at={cursor}", body, content_type="application/json"
        )
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        assert orjson.loads(response.content)["experimentalRejectedIds"] == {}
    print(
        f"push of {PUSH_READINGS:,} new readings ({len(body) / 1024:.0f} KiB body): "
        f"p50 {statistics.median(times):6.1f} ms  max {max(times):6.1f} ms  (target <= 1000 ms)"
    )


def bench_full_sync(user) -> None:
    """A first sync from a real gunicorn worker: wall time, size, the worker's peak RSS."""
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    url = f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "backend.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(port)
        worker = int(
            subprocess.check_output(["pgrep", "-P", str(server.pid)], text=True).split()[0]
        )
        token = RefreshToken.for_user(user).access_token
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/sync/pull/?last_pulled_at=null",
            headers={"Authorization": f"Bearer {token}"},
        )
        urllib.request.urlopen(  # warm the worker (imports, connection) on a small request
            urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/sync/pull/?last_pulled_at=1&tables=meals",
                headers={"Authorization": f"Bearer {token}"},
            ),
            timeout=60,
        ).read()
        before = rss_kib(worker, "VmRSS")
        Path(f"/proc/{worker}/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as response:
            payload = response.read()
        elapsed = time.perf_counter() - started
        peak = rss_kib(worker, "VmHWM")
        data = orjson.loads(payload)
        counts = {t: len(s["updated"]) for t, s in data["changes"].items() if s["updated"]}
        print(
            f"first full sync ({', '.join(f'{n:,} {t}' for t, n in counts.items())}): "
            f"{elapsed:.2f} s, {len(payload) / 2**20:.1f} MiB body; web worker RSS "
            f"{before / 1024:.0f} MiB before, peak {peak / 1024:.0f} MiB "
            f"(+{(peak - before) / 1024:.0f} MiB)"
        )
    finally:
        server.terminate()
        server.wait(20)


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not come up")


def rss_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def main() -> None:
    random.seed(7)
    creation = connection.creation
    print(f"==> sync benchmarks in database {settings.DATABASES['default']['TEST']['NAME']}")
    creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        year = UserFactory(email="bench-year@example.com", profile__timezone="Europe/Berlin")
        small = UserFactory(email="bench-small@example.com", profile__timezone="Europe/Berlin")
        seed(year, YEAR_READINGS)
        seed(small, SMALL_READINGS)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"seeded in {time.perf_counter() - started:.0f} s")
        bench_full_sync(year)
        bench_incremental(year, "year")
        bench_incremental(small, "small")
        bench_push(UserFactory(email="bench-push@example.com"))
    finally:
        creation.destroy_test_db(settings.DATABASES["default"]["NAME"], verbosity=0, keepdb=False)


if __name__ == "__main__":
    main()
