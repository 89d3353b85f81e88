"""A pull costs what changed, not the user's history (timings live in benchmarks/)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.common.records import record_create, record_delete, record_update
from apps.glucose.bulk import glucose_readings_ingest
from apps.glucose.models import GlucoseReading
from apps.glucose.services import GLUCOSE_READING
from apps.sync.models import ChangeCounter
from tests.conftest import client_for
from tests.sync.helpers import PULL, pull

pytestmark = pytest.mark.django_db

HISTORY = 6000


def _history(user) -> None:
    start = timezone.now() - timedelta(days=30)
    for offset in range(0, HISTORY, 3000):
        result = glucose_readings_ingest(
            user=user,
            readings=[
                {
                    "measured_at": (start + timedelta(minutes=5 * (offset + i))).isoformat(),
                    "value": 100,
                    "device": "g7",
                }
                for i in range(3000)
            ],
        )
        assert result.created == 3000


def _scan_rows(plan: dict) -> tuple[int, list[str]]:
    """Rows the scans produced or threw away, and the scan node types."""
    rows, kinds = 0, []
    stack = [plan]
    while stack:
        node = stack.pop()
        if "Scan" in node["Node Type"]:
            kinds.append(node["Node Type"])
            rows += node.get("Actual Rows", 0) * node.get("Actual Loops", 1)
            rows += node.get("Rows Removed by Filter", 0) + node.get(
                "Rows Removed by Index Recheck", 0
            )
        stack.extend(node.get("Plans", []))
    return rows, kinds


def test_an_incremental_pull_reads_about_the_changed_rows_only(member):
    _history(member)
    cursor = ChangeCounter.objects.get(user=member).value
    old = list(GlucoseReading.objects.filter(user=member).order_by("measured_at")[:5])
    for reading in old[:3]:
        record_update(GLUCOSE_READING, user=member, instance=reading, data={"value_mgdl": 120.0})
    for reading in old[3:5]:
        record_delete(GLUCOSE_READING, user=member, instance=reading)
    for minutes in range(5):
        record_create(
            GLUCOSE_READING,
            user=member,
            data={
                "measured_at": timezone.now() - timedelta(minutes=minutes + 1),
                "value_mgdl": 90.0,
                "device": "meter",
            },
        )
    with connection.cursor() as cursor_:
        cursor_.execute(f"ANALYZE {GlucoseReading._meta.db_table}")

    client = client_for(member)
    with CaptureQueriesContext(connection) as queries:
        payload = pull(client, cursor)
    changes = payload["changes"]["glucose_readings"]
    assert len(changes["updated"]) == 8
    assert len(changes["deleted"]) == 2
    # The user lookup of the JWT, the counter, one range scan per table.
    assert len(queries) <= 7

    [sql] = [q["sql"] for q in queries.captured_queries if "glucose_glucosereading" in q["sql"]]
    with connection.cursor() as cursor_:
        cursor_.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        raw = cursor_.fetchone()[0]
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    rows, kinds = _scan_rows(plan)
    assert rows <= 20, (rows, kinds)
    assert kinds and all("Index" in kind for kind in kinds), kinds


def test_a_full_sync_streams_every_row(member):
    _history(member)
    response = client_for(member).get(PULL, {"last_pulled_at": "null"})
    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) > HISTORY // 1000  # produced batch by batch, not as one buffer
    payload = json.loads(b"".join(chunks))
    assert len(payload["changes"]["glucose_readings"]["updated"]) == HISTORY
    assert pull(client_for(member), payload["timestamp"])["changes"]["glucose_readings"] == {
        "created": [],
        "updated": [],
        "deleted": [],
    }
