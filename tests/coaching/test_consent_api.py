"""Consent through the API: invite codes, acceptance, listing and revocation."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apps.coaching import services
from apps.coaching.models import CoachClientLink, CoachInvite
from apps.glucose.models import GlucoseReading
from apps.scoring.models import SafetyFlag
from tests.coaching.helpers import link, make_client, make_flag, make_score, today_in, web_client
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

INVITES = "/api/v1/coaching/invites/"
ACCEPT = "/api/v1/coaching/invites/accept/"
COACHES = "/api/v1/coaching/coaches/"
CLIENTS = "/api/v1/coaching/clients/"


def new_code(coach) -> str:
    response = client_for(coach).post(INVITES)
    assert response.status_code == 201, response.content
    return response.json()["code"]


def test_a_coach_creates_a_code_valid_for_seven_days(coach):
    response = client_for(coach).post(INVITES)
    assert response.status_code == 201
    body = response.json()
    assert len(body["code"]) == 11 and body["code"][5] == "-"
    invite = CoachInvite.objects.get(pk=body["id"])
    assert invite.expires_at - invite.created_at == timedelta(days=7)
    # Only a digest is stored: the database never holds the code itself.
    assert body["code"].replace("-", "") not in invite.code_digest


def test_members_cannot_create_invites_and_anonymous_is_401(member_client, api_client):
    assert member_client.post(INVITES).status_code == 403
    assert api_client.post(INVITES).status_code == 401
    assert CoachInvite.objects.count() == 0


def test_a_coach_creates_at_most_twenty_codes_per_day(coach):
    api = client_for(coach)
    for _ in range(20):
        assert api.post(INVITES).status_code == 201
    refused = api.post(INVITES)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["detail"].startswith(services.INVITE_LIMIT)
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        assert client_for(coach).post(INVITES).status_code == 201


def test_a_member_accepts_a_code_and_the_coach_gains_access(coach, member, member_client):
    code = new_code(coach)
    response = member_client.post(ACCEPT, {"code": code.lower().replace("-", " ")})
    assert response.status_code == 201, response.content
    assert response.json()["coach"]["id"] == str(coach.pk)
    assert web_client(coach).get(f"/coach/clients/{member.pk}/").status_code == 200
    coaches = member_client.get(COACHES).json()["results"]
    assert [c["id"] for c in coaches] == [str(coach.pk)]


def test_a_code_works_once(coach, member, other_member):
    code = new_code(coach)
    assert client_for(member).post(ACCEPT, {"code": code}).status_code == 201
    again = client_for(other_member).post(ACCEPT, {"code": code})
    assert again.status_code == 400
    assert again.json()["errors"][0]["message"] == services.INVITE_INVALID
    assert not CoachClientLink.objects.filter(client=other_member).exists()


def test_an_expired_code_is_refused(coach, member):
    code = new_code(coach)
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        assert client_for(member).post(ACCEPT, {"code": code}).status_code == 400
    assert not CoachClientLink.objects.filter(client=member).exists()


@pytest.mark.parametrize("code", ["", "x" * 41, "NOPE-NOPE", "🙂🙂🙂"])
def test_bad_codes_are_400_never_500(member_client, code):
    assert member_client.post(ACCEPT, {"code": code}).status_code == 400


def test_only_members_accept_codes(coach, other_coach):
    code = new_code(coach)
    assert client_for(other_coach).post(ACCEPT, {"code": code}).status_code == 403


def test_accepting_a_second_code_of_the_same_coach_keeps_one_link(coach, member, member_client):
    assert member_client.post(ACCEPT, {"code": new_code(coach)}).status_code == 201
    assert member_client.post(ACCEPT, {"code": new_code(coach)}).status_code == 200
    assert CoachClientLink.objects.filter(client=member, revoked_at__isnull=True).count() == 1


def test_revoking_ends_access_at_once(coach, member, member_client):
    member_client.post(ACCEPT, {"code": new_code(coach)})
    browser = web_client(coach)
    assert browser.get(f"/coach/clients/{member.pk}/").status_code == 200
    assert member_client.delete(f"{COACHES}{coach.pk}/").status_code == 204
    assert browser.get(f"/coach/clients/{member.pk}/").status_code == 404
    assert browser.get(f"/coach/clients/{member.pk}/data/agp.json").status_code == 404
    assert member_client.get(COACHES).json()["results"] == []
    assert client_for(coach).get(CLIENTS).json()["results"] == []
    # Revoked twice, or a coach who never had access: 404.
    assert member_client.delete(f"{COACHES}{coach.pk}/").status_code == 404


def test_a_member_cannot_revoke_another_members_coach(coach, member, other_client):
    link(coach, member)
    assert other_client.delete(f"{COACHES}{coach.pk}/").status_code == 404
    assert CoachClientLink.objects.get(client=member).revoked_at is None


def test_a_new_code_after_revocation_grants_access_again(coach, member, member_client):
    member_client.post(ACCEPT, {"code": new_code(coach)})
    member_client.delete(f"{COACHES}{coach.pk}/")
    assert member_client.post(ACCEPT, {"code": new_code(coach)}).status_code == 201
    assert CoachClientLink.objects.filter(client=member).count() == 2
    assert web_client(coach).get(f"/coach/clients/{member.pk}/").status_code == 200


def test_the_clients_list_shows_latest_score_average_flags_and_last_data(coach, member):
    link(coach, member)
    today = today_in(member)
    for offset, score in enumerate([70.0, 60.0, 50.0]):
        make_score(member, today - timedelta(days=offset), score=score)
    make_flag(member, today)
    seen = make_flag(member, today - timedelta(days=1), code="VERY_LOW_CALORIE")
    SafetyFlag.objects.filter(pk=seen.pk).update(acknowledged_at=timezone.now())
    GlucoseReading.objects.create(user=member, measured_at=timezone.now(), value_mgdl=100)
    rows = client_for(coach).get(CLIENTS).json()["results"]
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == str(member.pk)
    assert row["latest_score"] == {"date": today.isoformat(), "score": 70.0}
    assert row["avg_score_7d"] == 60.0
    assert row["open_flags"] == 1
    assert row["last_data_at"] is not None


def test_the_clients_list_is_for_coaches_only(member_client, staff):
    assert member_client.get(CLIENTS).status_code == 403
    assert client_for(staff).get(CLIENTS).status_code == 403


def test_the_clients_list_paginates(coach):
    for i in range(3):
        link(coach, make_client(f"Client {i}"))
    page = client_for(coach).get(CLIENTS, {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]
    rest = client_for(coach).get(page["next"]).json()
    assert len(rest["results"]) == 1
