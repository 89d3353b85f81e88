from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.fasting.models import FastingWindow
from apps.glucose.models import GlucoseReading
from apps.nutrition.models import Meal

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def local(tz, *args):
    return datetime(*args, tzinfo=ZoneInfo(tz) if isinstance(tz, str) else tz)


def test_a_fast_spanning_midnight_is_clipped_to_the_day(member, member_client):
    FastingWindow.objects.create(
        user=member,
        started_at=local(BERLIN, 2026, 11, 9, 20),
        ended_at=local(BERLIN, 2026, 11, 10, 12),
    )
    Meal.objects.create(
        user=member, eaten_at=local(BERLIN, 2026, 11, 10, 12, 30), kcal=700, protein_g=40
    )
    Meal.objects.create(
        user=member, eaten_at=local(BERLIN, 2026, 11, 10, 19), kcal=800, protein_g=35.5
    )
    day = member_client.get("/api/v1/days/2026-11-10/").json()
    assert day["hours"] == 24
    assert day["window"] == {"start": "2026-11-09T23:00:00Z", "end": "2026-11-10T23:00:00Z"}
    assert day["fasts"][0]["hours_in_day"] == 12.0
    assert day["fasted_hours"] == 12.0
    assert day["totals"]["kcal"] == 1500
    assert day["totals"]["protein_g"] == 75.5
    assert [m["kcal"] for m in day["meals"]] == [700, 800]
    assert day["score"] is None or isinstance(day["score"], dict)


def test_the_spring_forward_day_has_23_hours(member, member_client):
    start = local(BERLIN, 2026, 3, 29, 0)
    FastingWindow.objects.create(
        user=member, started_at=start - timedelta(hours=4), ended_at=start + timedelta(days=1)
    )
    day = member_client.get("/api/v1/days/2026-03-29/").json()
    assert day["hours"] == 23
    assert day["fasted_hours"] == 23


def test_the_fall_back_day_has_25_hours_and_full_cgm_coverage(member, member_client):
    start = local(BERLIN, 2026, 10, 25, 0).astimezone(ZoneInfo("UTC"))  # real minutes
    GlucoseReading.objects.bulk_create(
        GlucoseReading(
            user=member, measured_at=start + timedelta(minutes=5 * i), value_mgdl=95, device="g7"
        )
        for i in range(25 * 12)
    )
    day = member_client.get("/api/v1/days/2026-10-25/").json()
    assert day["hours"] == 25
    assert day["glucose"]["readings"] == 300
    assert day["glucose"]["active_percent"] == 100.0


def test_a_half_hour_zone_day(member, member_client):
    member.profile.timezone = "Asia/Kolkata"
    member.profile.save()
    Meal.objects.create(user=member, eaten_at=local("Asia/Kolkata", 2026, 11, 10, 0, 10), kcal=100)
    Meal.objects.create(user=member, eaten_at=local("Asia/Kolkata", 2026, 11, 9, 23, 50), kcal=200)
    day = member_client.get("/api/v1/days/2026-11-10/").json()
    assert day["window"]["start"] == "2026-11-09T18:30:00Z"
    assert day["totals"]["kcal"] == 100


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-13-01", "yesterday"])
def test_an_impossible_date_is_a_404_problem(member_client, bad):
    response = member_client.get(f"/api/v1/days/{bad}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_confirming_a_day_creates_then_updates_one_row(member_client):
    url = "/api/v1/days/2026-11-10/confirmation/"
    first = member_client.put(url, {"food_log_complete": True, "no_exercise": False}, format="json")
    assert first.status_code == 201
    second = member_client.put(url, {"food_log_complete": True, "no_exercise": True}, format="json")
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    timeline = member_client.get("/api/v1/days/2026-11-10/").json()
    assert timeline["confirmation"] == {"food_log_complete": True, "no_exercise": True}


def test_confirmation_needs_booleans(member_client):
    response = member_client.put(
        "/api/v1/days/2026-11-10/confirmation/", {"food_log_complete": "perhaps"}, format="json"
    )
    assert response.status_code == 400
