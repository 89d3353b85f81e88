from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.glucose.models import GlucoseReading

pytestmark = pytest.mark.django_db


def test_metrics_over_local_days_with_agp(member, member_client):
    start = datetime(2026, 11, 2, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(ZoneInfo("UTC"))
    values = [60, 60, 60, 60] + [120] * (288 * 2 - 4)
    GlucoseReading.objects.bulk_create(
        GlucoseReading(
            user=member, measured_at=start + timedelta(minutes=5 * i), value_mgdl=v, device="g7"
        )
        for i, v in enumerate(values)
    )
    response = member_client.get(
        "/api/v1/glucose/metrics/",
        {"start_date": "2026-11-02", "end_date": "2026-11-03", "agp": "true"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    period = body["period"]
    assert period["readings"] == 576
    assert period["active_percent"] == 100.0
    assert period["hypo_events_l1"] == 1
    assert period["tbr_percent"] == round(100 * 4 / 576, 1)
    assert period["sufficient"] is False
    assert [d["date"] for d in body["days"]] == ["2026-11-02", "2026-11-03"]
    assert body["days"][1]["tbr_percent"] == 0.0
    assert len(body["agp"]) == 96


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "2026-11-05", "end_date": "2026-11-01"},
        {"start_date": "2020-01-01", "end_date": "2026-01-01"},
        {"start_date": "bad", "end_date": "2026-01-01"},
        {},
    ],
)
def test_bad_metric_ranges_are_400(member_client, query):
    assert member_client.get("/api/v1/glucose/metrics/", query).status_code == 400


def test_no_readings_means_no_numbers_rather_than_zeros(member_client):
    body = member_client.get(
        "/api/v1/glucose/metrics/", {"start_date": "2026-11-02", "end_date": "2026-11-02"}
    ).json()
    assert body["period"]["readings"] == 0
    assert body["period"]["mean_mgdl"] is None
