import uuid
from datetime import UTC, datetime, timedelta

import pytest

from apps.glucose.models import GlucoseReading

pytestmark = pytest.mark.django_db
READINGS = "/api/v1/glucose/readings/"
WHEN = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)


def post(client, **overrides):
    body = {
        "measured_at": WHEN.isoformat(),
        "value": 100,
        "unit": "mg/dL",
        "device": "g7",
    } | overrides
    return client.post(READINGS, body, format="json")


def test_mmol_is_stored_as_mgdl_and_shown_in_the_users_unit(member_client):
    member_client.patch("/api/v1/me/", {"glucose_unit": "mmol/L"}, format="json")
    response = post(member_client, value=5.5, unit="mmol/L")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["value_mgdl"] == pytest.approx(5.5 * 18.01559, abs=1e-3)
    assert body["unit"] == "mmol/L"
    assert body["value"] == 5.5


@pytest.mark.parametrize(
    ("sentinel", "stored", "flag"), [("LOW", 39.0, "low"), ("HIGH", 401.0, "high")]
)
def test_sensor_sentinels_are_stored_censored(member_client, sentinel, stored, flag):
    body = post(member_client, value=sentinel).json()
    assert body["value_mgdl"] == stored
    assert body["censored"] == flag


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"value": 120, "unit": "mmol/L"}, "value"),  # an mg/dL number labelled mmol/L
        ({"value": 5.5, "unit": "mg/dL"}, "value"),  # an mmol/L number labelled mg/dL
        ({"value": 601}, "value"),
        ({"value": 19}, "value"),
        ({"unit": "mg/dl/kg"}, "unit"),
        ({"value": "Infinity"}, "value"),
        ({"value": "abc"}, "value"),
        ({"value": None}, "value"),
        ({"measured_at": "2026-11-26T08:00:00"}, "measured_at"),
        ({"measured_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()}, "measured_at"),
        ({"source": "tea-leaves"}, "source"),
    ],
)
def test_bad_readings_are_400_with_the_field(member_client, overrides, field):
    response = post(member_client, **overrides)
    assert response.status_code == 400, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert GlucoseReading.objects.count() == 0


def test_mmol_hint_in_the_message(member_client):
    response = post(member_client, value=120, unit="mmol/L")
    assert "mg/dL" in response.json()["errors"][0]["message"]


def test_same_device_and_time_under_a_new_id_is_409(member_client):
    assert post(member_client).status_code == 201
    again = post(member_client, id=str(uuid.uuid4()))
    assert again.status_code == 409
    assert GlucoseReading.objects.count() == 1


def test_same_id_same_content_is_200(member_client):
    rid = str(uuid.uuid4())
    assert post(member_client, id=rid).status_code == 201
    assert post(member_client, id=rid).status_code == 200
    assert post(member_client, id=rid, value=101).status_code == 409
