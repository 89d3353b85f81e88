"""The /coach/ web admin: sign-in, roles, pages, notes, flags, chart data, exports."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.coaching.models import CoachNote
from apps.coaching.web.auth import BAD_LOGIN, NOT_A_COACH
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
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_user(coach):
    user = make_client("Sam Steady", tz="Europe/London")
    link(coach, user)
    return user


@pytest.fixture
def browser(coach) -> Client:
    return web_client(coach)


def dashboard_urls(user) -> list[str]:
    base = f"/coach/clients/{user.pk}/"
    day = today_in(user).isoformat()
    return [
        base,
        base + "data/glucose.json",
        base + "data/agp.json",
        base + "data/daily.json",
        base + f"data/days/{day}.json",
        base + "export/",
        base + "export/?format=json",
    ]


def test_a_coach_signs_in_with_email_and_password_and_out_again(coach):
    browser = Client()
    response = browser.post("/coach/login/", {"email": coach.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/coach/"
    assert browser.get("/coach/").status_code == 200
    assert browser.post("/coach/logout/").status_code == 302
    assert browser.get("/coach/").status_code == 302


def test_a_wrong_password_is_refused(coach):
    response = Client().post("/coach/login/", {"email": coach.email, "password": "nope-nope-1"})
    assert response.status_code == 400
    assert BAD_LOGIN in response.content.decode()


def test_sign_in_attempts_are_throttled_per_ip(coach):
    browser = Client()
    statuses = [
        browser.post(
            "/coach/login/", {"email": f"x{i}@example.com", "password": "wrong-1234"}
        ).status_code
        for i in range(21)
    ]
    assert statuses[:20] == [400] * 20
    assert statuses[20] == 429
    refused = browser.post("/coach/login/", {"email": coach.email, "password": PASSWORD})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


def test_members_and_staff_cannot_sign_in_to_the_coach_area(member, staff):
    for user in (member, staff):
        browser = Client()
        response = browser.post("/coach/login/", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 403
        assert NOT_A_COACH in response.content.decode()
        assert "_auth_user_id" not in browser.session


def test_anonymous_visitors_are_sent_to_sign_in(client_user):
    for url in ["/coach/", "/coach/flags/", *dashboard_urls(client_user)]:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/coach/login/?next=")


def test_signed_in_members_are_refused_everywhere(member, client_user):
    browser = web_client(member)
    for url in ["/coach/", "/coach/flags/", *dashboard_urls(client_user)]:
        assert browser.get(url).status_code == 403, url
    assert browser.post("/coach/invites/").status_code == 403


def test_the_login_redirect_only_goes_to_coach_pages(coach):
    response = Client().post(
        "/coach/login/?next=https://evil.example/", {"email": coach.email, "password": PASSWORD}
    )
    assert response["Location"] == "/coach/"


def test_the_clients_page_lists_sorts_searches_and_filters(browser, coach, client_user):
    other = make_client("Ann Archer")
    link(coach, other)
    today = today_in(client_user)
    make_score(client_user, today, score=80)
    make_score(other, today_in(other), score=30)
    make_flag(other, today_in(other))
    page = browser.get("/coach/").content.decode()
    assert page.index("Ann Archer") < page.index("Sam Steady")  # by name
    page = browser.get("/coach/?sort=-score").content.decode()
    assert page.index("Sam Steady") < page.index("Ann Archer")
    page = browser.get("/coach/?q=steady").content.decode()
    assert "Sam Steady" in page and "Ann Archer" not in page
    page = browser.get("/coach/?only=flagged").content.decode()
    assert "Ann Archer" in page and "Sam Steady" not in page
    # Unknown sort and filter values fall back instead of failing.
    assert browser.get("/coach/?sort=__class__&only=nope").status_code == 200


def test_the_autocomplete_suggests_own_clients(browser, client_user):
    results = browser.get("/coach/clients/search.json", {"q": "sam"}).json()["results"]
    assert results == [
        {"id": str(client_user.pk), "name": "Sam Steady", "email": client_user.email}
    ]
    assert browser.get("/coach/clients/search.json", {"q": ""}).json()["results"] == []


def test_the_dashboard_and_its_chart_data(browser, client_user):
    seed_history(client_user, days=3)
    make_score(client_user, today_in(client_user), score=57.5)
    page = browser.get(f"/coach/clients/{client_user.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sam Steady" in html and 'id="metrics-table"' in html
    assert "Time in range 70–180" in html
    config = json.loads(
        html.split('id="dashboard-config" type="application/json">')[1].split("</script>")[0]
    )
    assert config["timezone"] == "Europe/London"

    trace = browser.get(config["urls"]["glucose"], {"range": "7d"}).json()
    assert trace["points"] and trace["meals"] and trace["fasts"]
    assert trace["bucket_minutes"] == 0  # < 1,500 readings are drawn raw
    agp = browser.get(config["urls"]["agp"]).json()
    assert len(agp["bins"]) == 96 and agp["metrics"]["readings"] > 0
    daily = browser.get(config["urls"]["daily"], {"days": "90"}).json()
    assert len(daily["dates"]) == 90
    assert daily["score"][-1] == 57.5
    # Stacked components add up to the score (weight-normalised over available ones).
    assert sum(v[-1] for v in daily["components"].values()) == pytest.approx(57.5, abs=0.3)
    assert 1300 in daily["kcal"][-4:]  # two meals on the full days, null where none
    day = browser.get(config["urls"]["day"]).json()
    assert day["date"] == today_in(client_user).isoformat()


@pytest.mark.parametrize(
    "suffix",
    [
        "data/glucose.json?range=year",
        "data/glucose.json?end=2026-02-30",
        "data/glucose.json?end=9999-01-01",
        "data/glucose.json?end=0001-01-01",
        "data/agp.json?days=1000",
        "data/daily.json?days=-1",
        "export/?format=xml",
        "export/?days=7",
    ],
)
def test_bad_chart_parameters_are_400_never_500(browser, client_user, suffix):
    response = browser.get(f"/coach/clients/{client_user.pk}/{suffix}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_impossible_dates_and_ids_in_paths_are_404(browser, client_user):
    assert (
        browser.get(f"/coach/clients/{client_user.pk}/data/days/2026-02-30.json").status_code == 404
    )
    assert browser.get("/coach/clients/not-a-uuid/").status_code == 404
    assert browser.post("/coach/flags/99999999999999999999/acknowledge/").status_code == 404


def test_the_export_has_one_row_per_day(browser, client_user):
    seed_history(client_user, days=2)
    response = browser.get(f"/coach/clients/{client_user.pk}/export/", {"days": "30"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 30
    assert rows[-1]["date"] == today_in(client_user).isoformat()
    assert int(rows[-2]["glucose_readings"]) > 0
    as_json = browser.get(f"/coach/clients/{client_user.pk}/export/?format=json").json()
    assert len(as_json["days"]) == 90 and as_json["client_id"] == str(client_user.pk)


def test_the_flags_page_lists_open_flags_newest_first_and_acknowledges(browser, coach, client_user):
    today = today_in(client_user)
    old = make_flag(client_user, today - timedelta(days=3), code="LOW_PROTEIN_7D")
    new = make_flag(client_user, today, code="PROLONGED_FAST", severity="high")
    page = browser.get("/coach/flags/").content.decode()
    assert page.index("PROLONGED_FAST") < page.index("LOW_PROTEIN_7D")
    response = browser.post(f"/coach/flags/{new.pk}/acknowledge/", {"next": "/coach/flags/"})
    assert response.status_code == 302 and response["Location"] == "/coach/flags/"
    new.refresh_from_db()
    assert new.acknowledged_at is not None and new.acknowledged_by == coach
    page = browser.get("/coach/flags/").content.decode()
    assert "PROLONGED_FAST" not in page and "LOW_PROTEIN_7D" in page
    # Acknowledging again keeps the first acknowledgement.
    first = new.acknowledged_at
    browser.post(f"/coach/flags/{new.pk}/acknowledge/")
    new.refresh_from_db()
    assert new.acknowledged_at == first
    assert SafetyFlag.objects.get(pk=old.pk).acknowledged_at is None


def test_notes_are_private_to_their_coach(browser, coach, other_coach, client_user):
    response = browser.post(f"/coach/clients/{client_user.pk}/notes/", {"body": "Ask about sleep"})
    assert response.status_code == 302
    note = CoachNote.objects.get()
    assert note.coach == coach and note.client == client_user
    assert "Ask about sleep" in browser.get(f"/coach/clients/{client_user.pk}/").content.decode()
    # A second coach of the same client sees none of it and cannot delete it.
    link(other_coach, client_user)
    second = web_client(other_coach)
    assert "Ask about sleep" not in second.get(f"/coach/clients/{client_user.pk}/").content.decode()
    url = f"/coach/clients/{client_user.pk}/notes/{note.pk}/delete/"
    assert second.post(url).status_code == 404
    assert browser.post(url).status_code == 302
    assert not CoachNote.objects.exists()


def test_an_empty_note_is_400(browser, client_user):
    response = browser.post(f"/coach/clients/{client_user.pk}/notes/", {"body": "   "})
    assert response.status_code == 400
    assert not CoachNote.objects.exists()


def test_the_web_invite_shows_the_code_once(browser, coach):
    response = browser.post("/coach/invites/")
    assert response.status_code == 201
    assert 'data-testid="invite-code"' in response.content.decode()


def test_chart_data_is_not_cached(browser, client_user):
    response = browser.get(f"/coach/clients/{client_user.pk}/data/agp.json")
    assert "no-store" in response["Cache-Control"]


def test_a_score_dated_after_today_does_not_break_the_list(browser, client_user):
    # Clock skew between the scoring worker and the web process must not matter.
    make_score(client_user, (timezone.now() + timedelta(days=2)).date())
    assert browser.get("/coach/").status_code == 200


def test_nul_characters_in_search_and_notes_are_handled_not_500(browser, client_user):
    assert browser.get("/coach/", {"q": "sa\x00m"}).status_code == 200
    assert browser.get("/coach/clients/search.json", {"q": "\x00"}).status_code == 200
    response = browser.post(f"/coach/clients/{client_user.pk}/notes/", {"body": "a\x00b"})
    assert response.status_code == 302
    assert CoachNote.objects.get().body == "ab"


def test_coach_pages_are_never_cached(browser, client_user):
    for url in ["/coach/", f"/coach/clients/{client_user.pk}/", "/coach/flags/"]:
        assert "no-store" in browser.get(url)["Cache-Control"], url
