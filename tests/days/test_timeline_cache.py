"""The day timeline's cache is exactly as fresh as a sync pull (decision 0014)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from apps.days.selectors import day_timeline
from apps.fasting.models import FastingWindow
from tests.api.test_throttling import dead_redis_caches
from tests.sync.helpers import changes_of, device, meal, ms, pull, push

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
DAY = "2026-11-10"
NOON = datetime(2026, 11, 10, 12, tzinfo=BERLIN)


def kcal(client) -> float:
    return client.get(f"/api/v1/days/{DAY}/").json()["totals"]["kcal"]


def test_a_rest_write_after_a_cached_read_shows_at_once(member_client):
    assert kcal(member_client) == 0  # cached now
    created = member_client.post(
        "/api/v1/meals/", {"eaten_at": NOON.isoformat(), "kcal": 640}, format="json"
    )
    assert created.status_code == 201
    assert kcal(member_client) == 640
    meal_id = created.json()["id"]
    patched = member_client.patch(f"/api/v1/meals/{meal_id}/", {"kcal": 700}, format="json")
    assert patched.status_code == 200
    assert kcal(member_client) == 700
    assert member_client.delete(f"/api/v1/meals/{meal_id}/").status_code == 204
    assert kcal(member_client) == 0


def test_a_sync_push_after_a_cached_read_shows_at_once(member_client):
    cursor = pull(member_client)["timestamp"]
    assert kcal(member_client) == 0
    push(
        member_client,
        changes_of(meals={"created": [device(meal(eaten_at=ms(NOON), kcal=410.0))]}),
        cursor,
    )
    assert kcal(member_client) == 410


def test_a_time_zone_change_reads_the_day_in_the_new_zone(member, member_client):
    member_client.post(
        "/api/v1/meals/",
        {"eaten_at": datetime(2026, 11, 10, 23, 30, tzinfo=UTC).isoformat(), "kcal": 300},
        format="json",
    )
    assert kcal(member_client) == 0  # 00:30 on the 11th in Berlin
    member_client.patch("/api/v1/me/", {"timezone": "America/New_York"}, format="json")
    assert kcal(member_client) == 300  # 18:30 on the 10th in New York


def test_a_cached_day_with_an_ongoing_fast_follows_the_clock(member, django_assert_num_queries):
    FastingWindow.objects.create(
        user=member, started_at=NOON - timedelta(hours=20), ended_at=NOON - timedelta(hours=9)
    )  # 3 h of it on this day (from midnight)
    FastingWindow.objects.create(user=member, started_at=NOON - timedelta(hours=2))

    def read(now):
        return day_timeline(
            user_id=member.pk, tz="Europe/Berlin", day=NOON.date(), now=now.astimezone(UTC)
        )

    first = read(NOON)
    with django_assert_num_queries(2):  # the versions of each read; no row is read
        later = read(NOON + timedelta(hours=3, minutes=30))
        after_midnight = read(NOON + timedelta(hours=30))
    assert [f["hours_in_day"] for f in first["fasts"]] == [3.0, 2.0]
    assert first["fasted_hours"] == 5.0
    assert [f["hours_in_day"] for f in later["fasts"]] == [3.0, 5.5]
    assert later["fasted_hours"] == 8.5
    assert later["fasts"][1]["day_end"] == "2026-11-10T14:30:00Z"
    assert after_midnight["fasts"][1]["day_end"] == "2026-11-10T23:00:00Z"  # the day's end
    assert after_midnight["fasted_hours"] == 17.0  # 3 h + 10:00 to midnight
    # The same arithmetic as a fresh read at that time.
    from django.core.cache import cache

    cache.clear()
    assert read(NOON + timedelta(hours=3, minutes=30)) == later


def test_a_cache_outage_costs_only_the_queries(member_client):
    member_client.post("/api/v1/meals/", {"eaten_at": NOON.isoformat(), "kcal": 520}, format="json")
    with override_settings(CACHES=dead_redis_caches()):
        response = member_client.get(f"/api/v1/days/{DAY}/")
    assert response.status_code == 200
    assert response.json()["totals"]["kcal"] == 520


def test_a_repeated_read_skips_the_day_queries(member_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member_client.post("/api/v1/meals/", {"eaten_at": NOON.isoformat(), "kcal": 520}, format="json")
    with CaptureQueriesContext(connection) as first:
        one = member_client.get(f"/api/v1/days/{DAY}/").json()
    with CaptureQueriesContext(connection) as second:
        two = member_client.get(f"/api/v1/days/{DAY}/").json()
    assert one == two
    assert len(first) >= 7  # authentication, fasts, meals, exercise, confirmation, glucose, score
    assert len(second) == 1  # authentication only (it loads the versions with the user)
    assert "accounts_user" in second.captured_queries[0]["sql"]


def score_of(client) -> dict:
    return client.get(f"/api/v1/days/{DAY}/").json()["score"]


def test_a_recompute_after_a_cached_read_shows_its_score_at_once(
    member, member_client, django_capture_on_commit_callbacks
):
    from apps.scoring.services import score_user_dirty_days_recompute

    member_client.post("/api/v1/meals/", {"eaten_at": NOON.isoformat(), "kcal": 640}, format="json")
    assert score_of(member_client)["status"] == "pending"  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        assert score_user_dirty_days_recompute(user_id=member.pk) >= 1
    score = score_of(member_client)
    assert score["status"] in ("final", "provisional")
    assert score["has_data"] is True
    assert score["score"] is not None


def test_days_dirtied_without_a_write_show_pending_at_once(
    member, member_client, django_capture_on_commit_callbacks
):
    """The finaliser and `recompute_scores` mark days dirty without touching a row."""
    from apps.scoring.services import score_days_mark_dirty, score_user_dirty_days_recompute

    member_client.post("/api/v1/meals/", {"eaten_at": NOON.isoformat(), "kcal": 640}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        score_user_dirty_days_recompute(user_id=member.pk)
    assert score_of(member_client)["status"] != "pending"  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        score_days_mark_dirty(user_id=member.pk, dates=[NOON.date()], enqueue=False)
    assert score_of(member_client)["status"] == "pending"


def test_a_score_version_bump_creates_the_counter_of_a_user_who_never_wrote(member):
    from apps.sync.changes import score_seq_bump, versions_current

    assert versions_current(user_id=member.pk) == (1, 0)
    score_seq_bump(user_ids=[member.pk, member.pk])
    first = versions_current(user_id=member.pk)
    assert first.changes == 1 and first.scores > 0
    score_seq_bump(user_ids=[member.pk])
    assert versions_current(user_id=member.pk).scores > first.scores


def test_a_bulk_glucose_upload_after_a_cached_read_shows_at_once(member_client):
    assert member_client.get(f"/api/v1/days/{DAY}/").json()["glucose"]["readings"] == 0
    readings = [
        {
            "measured_at": (NOON + timedelta(minutes=5 * i)).isoformat(),
            "value": 100,
            "unit": "mg/dL",
        }
        for i in range(12)
    ]
    response = member_client.post(
        "/api/v1/glucose/readings/bulk/", {"readings": readings}, format="json"
    )
    assert response.status_code in (200, 201, 207), response.content
    assert member_client.get(f"/api/v1/days/{DAY}/").json()["glucose"]["readings"] == 12
