"""A coach sees only consenting clients: 0 ids or names of anyone else in any response
(RELIABILITY.md, coach admin isolation), and someone else's client id is 404 everywhere."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.coaching.models import CoachNote
from apps.scoring.models import SafetyFlag
from tests.coaching.helpers import (
    link,
    make_client,
    make_flag,
    make_score,
    seed_history,
    today_in,
    web_client,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(coach, other_coach):
    """Two consenting clients of `coach`; 20 who are not: 10 of another coach, 5 who
    revoked `coach`, 5 with no coach at all. Everyone has data, scores and open flags."""
    mine = [make_client("Mia Mine"), make_client("Max Mine", tz="Asia/Kolkata")]
    for client in mine:
        link(coach, client)
    strangers = [make_client(f"Stranger{i:02d} Zed", tz="America/New_York") for i in range(20)]
    for client in strangers[:10]:
        link(other_coach, client)
        CoachNote.objects.create(coach=other_coach, client=client, body="other coach's note")
    for client in strangers[10:15]:
        link(
            coach,
            client,
            granted_at=timezone.now() - timedelta(days=3),
            revoked_at=timezone.now() - timedelta(days=1),
        )
    for client in mine + strangers:
        seed_history(client, days=2, every_minutes=30)
        make_score(client, today_in(client), score=42.0)
        make_flag(client, today_in(client))
    return {"mine": mine, "strangers": strangers}


def forbidden_strings(strangers) -> list[str]:
    out = []
    for s in strangers:
        out += [str(s.pk), s.pk.hex, s.email, s.display_name]
    return out


def client_urls(user) -> list[str]:
    base = f"/coach/clients/{user.pk}/"
    day = today_in(user).isoformat()
    return [
        base,
        base + "data/glucose.json",
        base + "data/glucose.json?range=14d",
        base + "data/agp.json",
        base + "data/daily.json?days=90",
        base + f"data/days/{day}.json",
        base + "export/",
        base + "export/?format=json",
    ]


def test_no_coach_response_mentions_an_unassigned_client(coach, world):
    browser = web_client(coach)
    responses = []
    # Lists with every sort, filter and a search for the strangers' names and emails.
    for sort in [
        "name",
        "-name",
        "score",
        "-score",
        "avg",
        "flags",
        "-flags",
        "adherence",
        "last_data",
        "-last_data",
    ]:
        responses.append(browser.get("/coach/", {"sort": sort}))
    for only in ["", "flagged", "inactive"]:
        for query in ["", "Stranger", "zed", "clients.example", "stranger01"]:
            responses.append(browser.get("/coach/", {"only": only, "q": query}))
    for query in ["Stranger", "zed", "Stranger01", "clients.example", "a"]:
        responses.append(browser.get("/coach/clients/search.json", {"q": query}))
    responses.append(browser.get("/coach/flags/"))
    for client in world["mine"]:
        responses += [browser.get(url) for url in client_urls(client)]
    api = client_for(coach)
    responses.append(api.get("/api/v1/coaching/clients/"))
    responses.append(api.get("/api/v1/coaching/clients/", {"page_size": 1000}))

    assert all(r.status_code == 200 for r in responses), [r.status_code for r in responses]
    bodies = [r.content.decode() for r in responses]
    leaks = [s for s in forbidden_strings(world["strangers"]) for b in bodies if s in b]
    assert leaks == []
    # The coach's own clients do appear (the check above is not vacuous).
    assert "Mia Mine" in bodies[0] and "Max Mine" in bodies[0]
    assert str(world["mine"][0].pk) in "".join(bodies)


def test_every_client_url_is_404_for_someone_elses_client(coach, world):
    browser = web_client(coach)
    for stranger in world["strangers"]:
        for url in client_urls(stranger):
            assert browser.get(url).status_code == 404, url
        note = CoachNote.objects.filter(client=stranger).first()
        note_id = note.pk if note else "6f0e8a52-5f0b-4a57-8d0e-6c1f7e5b2a10"
        assert (
            browser.post(f"/coach/clients/{stranger.pk}/notes/", {"body": "x"}).status_code == 404
        )
        assert (
            browser.post(f"/coach/clients/{stranger.pk}/notes/{note_id}/delete/").status_code == 404
        )
    assert CoachNote.objects.filter(coach=coach).count() == 0
    assert CoachNote.objects.count() == 10  # the other coach's notes are untouched


def test_a_coach_cannot_acknowledge_someone_elses_flag(coach, world):
    browser = web_client(coach)
    for flag in SafetyFlag.objects.filter(user__in=world["strangers"]):
        assert browser.post(f"/coach/flags/{flag.pk}/acknowledge/").status_code == 404
    assert SafetyFlag.objects.filter(acknowledged_at__isnull=False).count() == 0


def test_a_second_coach_gets_404_on_the_first_coachs_client(other_coach, world):
    browser = web_client(other_coach)
    for client in world["mine"]:
        for url in client_urls(client):
            assert browser.get(url).status_code == 404, url


def test_a_note_id_of_another_coach_on_a_shared_client_is_404(coach, other_coach, world):
    shared = world["mine"][0]
    link(other_coach, shared)
    note = CoachNote.objects.create(coach=other_coach, client=shared, body="mine only")
    browser = web_client(coach)
    assert browser.post(f"/coach/clients/{shared.pk}/notes/{note.pk}/delete/").status_code == 404
    assert "mine only" not in browser.get(f"/coach/clients/{shared.pk}/").content.decode()
    assert CoachNote.objects.filter(pk=note.pk).exists()


def test_after_revocation_the_client_disappears_from_every_coach_view(coach, world):
    client = world["mine"][0]
    browser = web_client(coach)
    assert browser.get(f"/coach/clients/{client.pk}/").status_code == 200
    client_for(client).delete(f"/api/v1/coaching/coaches/{coach.pk}/")
    assert client.display_name not in browser.get("/coach/").content.decode()
    assert browser.get(f"/coach/clients/{client.pk}/export/").status_code == 404
    assert browser.get("/coach/flags/").content.decode().count("data-flag-id=") == 1
