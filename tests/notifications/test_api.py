"""The API: weekly summaries, inbox, preferences, devices and the login-free unsubscribe."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import signing
from rest_framework.test import APIClient

from apps.notifications.models import Device, Notification, NotificationPreference
from apps.notifications.services import (
    UNSUBSCRIBE_SALT,
    notification_create,
    unsubscribe_token,
    weekly_summary_refresh,
)
from apps.notifications.weeks import IsoWeek
from tests.conftest import client_for
from tests.notifications.weekdata import ordinary_week

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
UNSUBSCRIBE = "/api/v1/notifications/unsubscribe/"


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


# --- weekly summaries ------------------------------------------------------------------------


def test_summaries_list_shows_stored_weeks_newest_first(member, member_client, other_member):
    ordinary_week(member, "Europe/Berlin", IsoWeek.parse("2026-W44").monday)
    for label in ("2026-W43", "2026-W44"):
        weekly_summary_refresh(user=member, week=IsoWeek.parse(label), now=NOW)
    weekly_summary_refresh(user=other_member, week=IsoWeek.parse("2026-W44"), now=NOW)
    body = member_client.get("/api/v1/summaries/weekly/").json()
    assert [s["week"] for s in body["results"]] == ["2026-W44", "2026-W43"]
    assert body["results"][0]["fasting"]["fasts_completed"] == 7
    assert set(body) == {"next", "previous", "results"}


def test_a_week_never_sent_is_computed_live(member):
    ordinary_week(member, "Europe/Berlin", IsoWeek.parse("2026-W44").monday)
    with time_machine.travel(NOW):
        response = client_for(member).get("/api/v1/summaries/weekly/2026-W44/")
    assert response.status_code == 200
    body = response.json()
    assert (body["week"], body["has_data"], body["nutrition"]["days_logged"]) == (
        "2026-W44",
        True,
        7,
    )
    assert len(body["highlights"]) == 3


@pytest.mark.parametrize("week", ["2026-48", "2026-W54", "2025-W53", "week", "2026-W4"])
def test_an_invalid_week_is_a_400_problem(member_client, week):
    body = problem(member_client.get(f"/api/v1/summaries/weekly/{week}/"), 400)
    assert body["errors"][0]["field"] == "week"


def test_a_future_week_is_a_404_problem(member):
    with time_machine.travel(NOW):
        problem(client_for(member).get("/api/v1/summaries/weekly/2026-W50/"), 404)


def test_summaries_need_a_login(api_client):
    problem(api_client.get("/api/v1/summaries/weekly/"), 401)
    problem(api_client.get("/api/v1/summaries/weekly/2026-W44/"), 401)


# --- inbox -----------------------------------------------------------------------------------


def test_inbox_lists_own_notifications_and_marks_them_read(member, member_client, other_member):
    notification_create(user_id=member.pk, kind="nudge", title="A", dedupe_key="a")
    notification_create(user_id=other_member.pk, kind="nudge", title="B", dedupe_key="b")
    body = member_client.get("/api/v1/notifications/").json()
    assert [n["title"] for n in body["results"]] == ["A"]
    pk = body["results"][0]["id"]
    first = member_client.post(f"/api/v1/notifications/{pk}/read/").json()
    again = member_client.post(f"/api/v1/notifications/{pk}/read/").json()
    assert first["read"] is True and again["read_at"] == first["read_at"]
    assert member_client.get("/api/v1/notifications/", {"unread": "true"}).json()["results"] == []


def test_reading_another_users_notification_is_404(other_member, member_client):
    notification_create(user_id=other_member.pk, kind="nudge", title="B", dedupe_key="b")
    pk = Notification.objects.get().pk
    problem(member_client.post(f"/api/v1/notifications/{pk}/read/"), 404)
    assert Notification.objects.get().read_at is None


def test_inbox_rejects_a_bad_filter(member_client):
    problem(member_client.get("/api/v1/notifications/", {"unread": "maybe"}), 400)


def test_inbox_is_cursor_paginated(member, member_client):
    for i in range(3):
        notification_create(user_id=member.pk, kind="nudge", title=str(i), dedupe_key=str(i))
    page = member_client.get("/api/v1/notifications/", {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]
    rest = member_client.get(page["next"]).json()
    assert len(rest["results"]) == 1


# --- preferences -----------------------------------------------------------------------------


def test_default_preferences_are_monday_eight_local(member):
    with time_machine.travel(NOW):
        body = client_for(member).get("/api/v1/notifications/preferences/").json()
    assert body["send_day"] == "monday" and body["send_hour"] == 8
    assert body["timezone"] == "Europe/Berlin"
    assert body["next_send_at"] == "2026-11-30T07:00:00Z"  # 08:00 CET
    assert all(body[f] for f in ("email_enabled", "push_enabled", "in_app_enabled"))


def test_changing_day_and_hour_reschedules_at_once(member):
    with time_machine.travel(NOW):
        response = client_for(member).put(
            "/api/v1/notifications/preferences/",
            {"send_day": "sunday", "send_hour": 18, "push_enabled": False},
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["send_day"], body["send_hour"], body["push_enabled"]) == ("sunday", 18, False)
    assert body["next_send_at"] == "2026-11-29T17:00:00Z"
    assert body["email_enabled"] is True  # left out, kept


@pytest.mark.parametrize(
    "payload",
    [{"send_hour": 24}, {"send_hour": -1}, {"send_day": "funday"}, {"email_enabled": "perhaps"}],
)
def test_bad_preferences_are_400(member_client, payload):
    problem(member_client.put("/api/v1/notifications/preferences/", payload), 400)


def test_changing_the_profile_zone_reschedules_to_the_new_local_hour(member):
    with time_machine.travel(NOW):
        response = client_for(member).patch("/api/v1/me/", {"timezone": "Asia/Kolkata"})
    assert response.status_code == 200, response.content
    pref = NotificationPreference.objects.get(user=member)
    assert pref.schedule_timezone == "Asia/Kolkata"
    assert pref.next_send_at == datetime(2026, 11, 30, 2, 30, tzinfo=UTC)


# --- devices ---------------------------------------------------------------------------------


def test_register_and_unregister_a_device(member, member_client):
    created = member_client.post("/api/v1/devices/", {"token": "tok-1", "platform": "ios"})
    assert created.status_code == 201, created.content
    again = member_client.post("/api/v1/devices/", {"token": "tok-1", "platform": "ios"})
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    assert member_client.delete(f"/api/v1/devices/{created.json()['id']}/").status_code == 204
    assert not Device.objects.exists()


def test_a_token_moves_to_the_user_who_registers_it_last(member, other_member, member_client):
    Device.objects.create(user=other_member, platform="android", token="shared", active=False)
    response = member_client.post("/api/v1/devices/", {"token": "shared", "platform": "android"})
    assert response.status_code == 201
    device = Device.objects.get(token="shared")
    assert (device.user_id, device.active) == (member.pk, True)


@pytest.mark.parametrize(
    "payload",
    [
        {"token": "t", "platform": "symbian"},
        {"platform": "ios"},
        {"token": "", "platform": "web"},
        {"token": "x" * 1025, "platform": "web"},
        {"token": "t", "platform": "ios", "id": "not-a-uuid"},
    ],
)
def test_bad_device_registrations_are_400(member_client, payload):
    problem(member_client.post("/api/v1/devices/", payload), 400)


def test_another_users_device_cannot_be_deleted(other_member, member_client):
    device = Device.objects.create(user=other_member, platform="ios", token="theirs")
    problem(member_client.delete(f"/api/v1/devices/{device.pk}/"), 404)
    assert Device.objects.filter(pk=device.pk).exists()


def test_a_device_id_in_use_by_another_registration_is_409(other_member, member_client):
    device = Device.objects.create(user=other_member, platform="ios", token="theirs")
    payload = {"id": str(device.pk), "token": "mine", "platform": "ios"}
    problem(member_client.post("/api/v1/devices/", payload), 409)


# --- unsubscribe -----------------------------------------------------------------------------


def test_the_unsubscribe_link_works_without_login(member):
    token = unsubscribe_token(user_id=member.pk, topic="email")
    response = APIClient().get(UNSUBSCRIBE, {"token": token})
    assert response.status_code == 200
    assert response.json() == {"status": "unsubscribed", "topic": "email"}
    pref = NotificationPreference.objects.get(user=member)
    assert pref.email_enabled is False and pref.push_enabled is True


def test_one_click_post_from_a_mail_client(member):
    token = unsubscribe_token(user_id=member.pk, topic="coach_digest")
    response = APIClient().post(
        f"{UNSUBSCRIBE}?token={token}",
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=member).coach_digest_enabled is False


def test_a_browser_gets_a_page(member):
    token = unsubscribe_token(user_id=member.pk, topic="email")
    response = APIClient().get(UNSUBSCRIBE, {"token": token}, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"You're unsubscribed" in response.content
    broken = APIClient().get(UNSUBSCRIBE, {"token": "nope"}, HTTP_ACCEPT="text/html")
    assert broken.status_code == 404 and b"does not work" in broken.content


def forged_tokens(user_id) -> list[str]:
    genuine = unsubscribe_token(user_id=user_id, topic="email")
    payload, _, _ = genuine.rpartition(":")
    return [
        genuine[:-1] + ("A" if genuine[-1] != "A" else "B"),  # tampered signature
        signing.dumps({"u": str(user_id), "t": "email"}, salt="another-salt"),
        signing.dumps({"u": str(user_id), "t": "email"}, salt=UNSUBSCRIBE_SALT, key="x" * 50),
        payload,  # signature dropped
        signing.dumps({"u": str(user_id), "t": "push"}, salt=UNSUBSCRIBE_SALT),  # no such topic
        "",
    ]


def test_an_unsubscribe_token_cannot_be_forged(member):
    for token in forged_tokens(member.pk):
        response = APIClient().get(UNSUBSCRIBE, {"token": token})
        assert response.status_code in (400, 404), token
        assert response["Content-Type"] == "application/problem+json"
    assert NotificationPreference.objects.get(user=member).email_enabled is True


def test_another_users_token_only_unsubscribes_that_user(member, other_member):
    token = unsubscribe_token(user_id=other_member.pk, topic="email")
    APIClient().get(UNSUBSCRIBE, {"token": token})
    assert NotificationPreference.objects.get(user=member).email_enabled is True
    assert NotificationPreference.objects.get(user=other_member).email_enabled is False


def test_saving_preferences_while_due_keeps_this_weeks_send(member):
    due = datetime(2026, 11, 30, 7, tzinfo=UTC)
    NotificationPreference.objects.filter(user=member).update(next_send_at=due)
    with time_machine.travel(due + timedelta(seconds=30)):
        client_for(member).put("/api/v1/notifications/preferences/", {"send_hour": 18})
    assert NotificationPreference.objects.get(user=member).next_send_at == due


# --- object-level authorization (RELIABILITY.md API1) ----------------------------------------


@pytest.mark.parametrize(
    ("verb", "route"),
    [
        ("get", "/api/v1/notifications/"),
        ("post", "/api/v1/notifications/{id}/read/"),
        ("get", "/api/v1/notifications/preferences/"),
        ("put", "/api/v1/notifications/preferences/"),
        ("post", "/api/v1/devices/"),
        ("delete", "/api/v1/devices/{id}/"),
    ],
)
def test_anonymous_is_401(api_client, verb, route):
    url = route.format(id="3f0e8a52-5f0b-4a57-8d0e-6c1f7e5b2a10")
    problem(getattr(api_client, verb)(url), 401)


def test_a_coach_cannot_read_or_delete_a_members_objects(member, coach):
    notification_create(user_id=member.pk, kind="nudge", title="A", dedupe_key="a")
    device = Device.objects.create(user=member, platform="ios", token="member-token")
    coach_client = client_for(coach)
    notification = Notification.objects.get(user=member)
    problem(coach_client.post(f"/api/v1/notifications/{notification.pk}/read/"), 404)
    problem(coach_client.delete(f"/api/v1/devices/{device.pk}/"), 404)
    assert coach_client.get("/api/v1/notifications/").json()["results"] == []
