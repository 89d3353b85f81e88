"""Sync test helpers: pull/push through the real endpoints, records as a device sends them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from django.utils import timezone
from rest_framework.test import APIClient

PULL = "/api/v1/sync/pull/"
PUSH = "/api/v1/sync/push/"
TABLES = ("fasting_windows", "meals", "glucose_readings", "exercise_sessions", "day_confirmations")


def ms(moment: datetime) -> int:
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)


def now_ms(minus: timedelta = timedelta()) -> int:
    return ms(timezone.now().replace(microsecond=0) - minus)


def body(response) -> Any:
    if getattr(response, "streaming", False):
        return orjson.loads(b"".join(response.streaming_content))
    return orjson.loads(response.content)


def pull(client: APIClient, since: int | None = None, **params: Any) -> dict[str, Any]:
    query = {"last_pulled_at": "null" if since is None else since, **params}
    response = client.get(PULL, query)
    assert response.status_code == 200, response.content
    return body(response)


def push(client: APIClient, changes: dict[str, Any], since: int | None, expect: int = 200):
    url = PUSH if since is None else f"{PUSH}?last_pulled_at={since}"
    response = client.post(url, changes, format="json")
    assert response.status_code == expect, response.content
    return body(response)


def changes_of(**tables: dict[str, list]) -> dict[str, Any]:
    return {
        name: {
            "created": section.get("created", []),
            "updated": section.get("updated", []),
            "deleted": section.get("deleted", []),
        }
        for name, section in tables.items()
    }


def rid() -> str:
    return str(uuid.uuid4())


def device(record: dict[str, Any], status: str = "created") -> dict[str, Any]:
    """A raw record as WatermelonDB pushes it: whole, with _status and _changed."""
    return {**record, "_status": status, "_changed": ""}


def fast(**over: Any) -> dict[str, Any]:
    start = now_ms(timedelta(hours=20))
    return {
        "id": rid(),
        "started_at": start,
        "ended_at": start + 16 * 3600 * 1000,
        "target_hours": 16.0,
        "protocol": "16:8",
        "note": "",
        **over,
    }


def meal(**over: Any) -> dict[str, Any]:
    return {
        "id": rid(),
        "eaten_at": now_ms(timedelta(hours=2)),
        "name": "Lentil soup",
        "kcal": 520.0,
        "protein_g": 28.0,
        "carbs_g": 60.0,
        "fat_g": 12.0,
        "fiber_g": None,
        "leucine_g": None,
        **over,
    }


def reading(**over: Any) -> dict[str, Any]:
    return {
        "id": rid(),
        "measured_at": now_ms(timedelta(hours=1)),
        "value_mgdl": 92.0,
        "censored": "",
        "source": "cgm",
        "device": "dexcom-g7-1234",
        "trend": "flat",
        **over,
    }


def exercise(**over: Any) -> dict[str, Any]:
    return {
        "id": rid(),
        "started_at": now_ms(timedelta(hours=5)),
        "minutes": 45,
        "intensity": "moderate",
        "kind": "cycling",
        "note": "",
        **over,
    }


def confirmation(**over: Any) -> dict[str, Any]:
    return {
        "id": rid(),
        "date": (timezone.now() - timedelta(days=1)).date().isoformat(),
        "food_log_complete": True,
        "no_exercise": False,
        **over,
    }


def updated_rows(payload: dict[str, Any], table: str) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in payload["changes"][table]["updated"]}
