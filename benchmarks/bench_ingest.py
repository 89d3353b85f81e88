"""Glucose ingest: 100,000 readings through POST /glucose/readings/bulk/ (20 x 5,000,
gunicorn, PostgreSQL), against a binary COPY of the same rows into the same table.

    python benchmarks/bench_ingest.py
"""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from support import access_token, gunicorn, setup_django

REQUESTS = 20
PER_REQUEST = 5000
CLIENTS = 2  # one per gunicorn worker; one user each (a user's writes are serialised)


def batches(user_index: int, count: int) -> list[bytes]:
    start = datetime.now(UTC) - timedelta(days=400)
    out = []
    for b in range(count):
        rows = [
            {
                "id": str(uuid.uuid4()),
                "measured_at": (start + timedelta(minutes=5 * (b * PER_REQUEST + i))).isoformat(),
                "value": 70 + (i * 7) % 120,
                "unit": "mg/dL",
                "device": f"g7-{user_index}",
                "source": "cgm",
                "trend": "flat",
            }
            for i in range(PER_REQUEST)
        ]
        out.append(json.dumps({"readings": rows}).encode())
    return out


def post(base: str, token: str, body: bytes) -> dict:
    request = urllib.request.Request(
        f"{base}/api/v1/glucose/readings/bulk/",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def main() -> None:
    setup_django()
    from django.db import connection

    from apps.accounts.services import user_register
    from apps.glucose.models import GlucoseReading

    users = [
        user_register(email=f"ingest{i}@bench.local", password="bench-pass-12345")
        for i in range(CLIENTS)
    ]
    tokens = [access_token(u) for u in users]
    per_client = REQUESTS // CLIENTS
    bodies = [batches(i, per_client) for i in range(CLIENTS)]
    connection.close()

    with gunicorn(workers=2) as base:
        post(base, tokens[0], json.dumps({"readings": []}).encode())  # warm up
        started = time.perf_counter()

        def client(i: int) -> int:
            return sum(post(base, tokens[i], body)["created"] for body in bodies[i])

        with ThreadPoolExecutor(CLIENTS) as pool:
            created = sum(pool.map(client, range(CLIENTS)))
        api_seconds = time.perf_counter() - started
    api_rate = created / api_seconds

    # The same rows, binary COPY into the same table (with its indexes), as a ceiling.
    rows = list(
        GlucoseReading.objects.values_list(
            "measured_at", "value_mgdl", "censored", "source", "device", "trend", "user_id"
        )
    )
    GlucoseReading.objects.all().delete()
    now = datetime.now(UTC)
    with connection.cursor() as cursor:
        raw = cursor.connection
        started = time.perf_counter()
        with (
            raw.cursor() as cur,
            cur.copy(
                "COPY glucose_glucosereading (id, user_id, measured_at, value_mgdl, censored, "
                "source, device, trend, created_at, updated_at, change_seq) FROM STDIN "
                "(FORMAT BINARY)"
            ) as copy,
        ):
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
            for at, value, censored, source, device, trend, user_id in rows:
                copy.write_row(
                    (uuid.uuid4(), user_id, at, value, censored, source, device, trend, now, now, 1)
                )
        raw.commit()
        copy_seconds = time.perf_counter() - started
    copy_rate = len(rows) / copy_seconds

    print(
        f"ingest via API: {created} readings in {api_seconds:.2f} s = {api_rate:,.0f} readings/s "
        f"({REQUESTS} requests of {PER_REQUEST}, {CLIENTS} clients, 2 gunicorn workers)"
    )
    print(f"binary COPY:    {len(rows)} readings in {copy_seconds:.2f} s = {copy_rate:,.0f} rows/s")
    print(f"API / COPY:     {api_rate / copy_rate:.2f}  (target: API >= 30,000 readings/s)")


if __name__ == "__main__":
    main()
