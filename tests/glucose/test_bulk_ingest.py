import threading
import uuid
from datetime import UTC, datetime, timedelta
from unittest.mock import ANY

import pytest
from django.db import connection

from apps.glucose.models import GlucoseReading
from apps.glucose.services import glucose_value_to_mgdl
from tests.conftest import client_for

BULK = "/api/v1/glucose/readings/bulk/"
START = (datetime.now(UTC) - timedelta(days=20)).replace(second=0, microsecond=0)


def batch(n: int, *, device: str = "g7", offset: int = 0) -> list[dict]:
    return [
        {
            "id": str(uuid.uuid4()),
            "measured_at": (START + timedelta(minutes=5 * (i + offset))).isoformat(),
            "value": 80 + i % 60,
            "unit": "mg/dL",
            "device": device,
        }
        for i in range(n)
    ]


@pytest.mark.django_db
def test_valid_rows_land_and_invalid_ones_are_reported_by_index(member_client):
    readings = batch(5)
    readings[1]["value"] = 900
    readings[3]["measured_at"] = "2026-01-01T00:00:00"
    readings.append("not an object")
    response = member_client.post(BULK, {"readings": readings}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == 3
    assert [r["index"] for r in body["rejected"]] == [1, 3, 5]
    assert body["rejected"][0]["errors"][0]["field"] == "value"
    assert body["rejected"][1]["errors"][0]["code"] == "naive_datetime"
    assert GlucoseReading.objects.count() == 3


@pytest.mark.django_db
def test_duplicates_by_id_or_device_time_are_counted_not_stored(member_client):
    readings = batch(10)
    assert member_client.post(BULK, {"readings": readings}, format="json").json()["created"] == 10
    resend = readings[:5] + [dict(r, id=str(uuid.uuid4())) for r in readings[5:]]
    body = member_client.post(
        BULK, {"readings": resend + batch(2, offset=100)}, format="json"
    ).json()
    assert body == {"created": 2, "duplicates": 10, "rejected": []}
    assert GlucoseReading.objects.count() == 12


@pytest.mark.django_db
def test_duplicates_inside_one_batch_are_stored_once(member_client):
    readings = batch(3)
    body = member_client.post(BULK, {"readings": readings + readings}, format="json").json()
    assert body["created"] == 3
    assert body["duplicates"] == 3


@pytest.mark.django_db
def test_5001_readings_is_a_413_problem_and_writes_nothing(member_client):
    response = member_client.post(BULK, {"readings": batch(5001)}, format="json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert GlucoseReading.objects.count() == 0


@pytest.mark.django_db
def test_5000_readings_in_one_request_are_accepted(member_client):
    body = member_client.post(BULK, {"readings": batch(5000)}, format="json").json()
    assert body["created"] == 5000


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [[], {"readings": "nope"}, {"rows": []}, "text"])
def test_a_malformed_envelope_is_400(member_client, payload):
    assert member_client.post(BULK, payload, format="json").status_code == 400


@pytest.mark.django_db
def test_another_users_id_is_rejected_not_overwritten(member_client, other_client):
    readings = batch(2)
    member_client.post(BULK, {"readings": readings}, format="json")
    body = other_client.post(
        BULK, {"readings": [dict(readings[0], device="other")]}, format="json"
    ).json()
    assert body["created"] == 0
    assert body["rejected"][0]["errors"][0]["code"] == "id_in_use"


@pytest.mark.django_db(transaction=True)
def test_the_same_batch_sent_five_times_in_parallel_stores_one_copy(member):
    readings = batch(500)
    results, errors = [], []

    def send():
        try:
            client = client_for(member)
            results.append(client.post(BULK, {"readings": readings}, format="json").json())
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(r["created"] for r in results) == 500
    assert sum(r["duplicates"] for r in results) == 4 * 500
    assert GlucoseReading.objects.filter(user=member).count() == 500


AWKWARD_DEVICES = [
    "a,b",
    "{braces}",
    "NULL",
    'say "hi"',
    "back\\slash\\",
    " spaced ",
    "",
    "Dexcom G7 – ünïcode ✓",
    "'single'",
]


@pytest.mark.django_db
def test_every_value_and_odd_device_names_are_stored_exactly(member_client):
    """Columns travel as array literals: quoting must keep any device name and every float
    and microsecond exactly."""
    readings = []
    for i, device in enumerate(AWKWARD_DEVICES):
        at = START + timedelta(minutes=7 * i, microseconds=123457 + i)
        readings.append(
            {
                "id": str(uuid.uuid4()),
                "measured_at": at.isoformat(),
                "value": 5.5 + i / 3,
                "unit": "mmol/L",
                "device": device,
                "trend": "flat",
            }
        )
    readings.append({"measured_at": START.isoformat(), "value": "LOW", "device": "sentinel"})
    response = member_client.post(BULK, {"readings": readings}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["created"] == len(readings)
    stored = {r.device: r for r in GlucoseReading.objects.all()}
    for i, device in enumerate(AWKWARD_DEVICES):
        row = stored[device]
        assert str(row.id) == readings[i]["id"]
        assert row.measured_at == START + timedelta(minutes=7 * i, microseconds=123457 + i)
        expected, _ = glucose_value_to_mgdl(value=5.5 + i / 3, unit="mmol/L")
        assert row.value_mgdl == expected  # the exact float, not a near one
        assert (row.trend, row.censored, row.source) == ("flat", "", "cgm")
    assert (stored["sentinel"].value_mgdl, stored["sentinel"].censored) == (39.0, "low")


@pytest.mark.django_db
def test_a_nul_character_in_a_device_name_is_a_field_error_not_a_500(member_client):
    readings = batch(2)
    readings[0]["device"] = "g7\x00"
    response = member_client.post(BULK, {"readings": readings}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["created"] == 1
    assert body["rejected"] == [
        {"index": 0, "errors": [{"field": "device", "code": "invalid", "message": ANY}]}
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("moment", ["0001-01-01T00:10:00+00:00", "1969-12-31T23:59:59+00:00"])
def test_a_reading_before_1970_is_a_field_error_everywhere(member_client, moment):
    """A reset device clock; year 1 also overflowed the local-day arithmetic (a 500)."""
    readings = batch(2)
    readings[0]["measured_at"] = moment
    response = member_client.post(BULK, {"readings": readings}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["rejected"][0]["errors"][0]["code"] == "too_early"
    assert response.json()["created"] == 1
    single = member_client.post(
        "/api/v1/glucose/readings/",
        {"measured_at": moment, "value": 100, "unit": "mg/dL"},
        format="json",
    )
    assert single.status_code == 400, single.content
    meal = member_client.post("/api/v1/meals/", {"eaten_at": moment, "kcal": 100}, format="json")
    assert meal.status_code == 400, meal.content
    assert meal.json()["errors"][0]["code"] == "too_early"
