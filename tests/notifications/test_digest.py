"""The coach digest: consenting clients only; improved, open flags, stopped logging."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from apps.notifications import digest as digest_module
from apps.notifications.delivery import deliveries_process
from apps.notifications.digest import coach_digest_build
from apps.notifications.dispatch import deliveries_force
from apps.notifications.models import Delivery
from apps.notifications.services import unsubscribe_apply
from apps.notifications.weeks import IsoWeek
from tests.factories import UserFactory
from tests.notifications.conftest import text_part
from tests.notifications.weekdata import flag, local, meal, score

pytestmark = pytest.mark.django_db

W44 = IsoWeek.parse("2026-W44")
NOW = datetime(2026, 11, 26, tzinfo=UTC)


@pytest.fixture
def clients(db):
    improver = UserFactory(email="improver@example.com", display_name="Iris")
    flagged = UserFactory(email="flagged@example.com", display_name="Finn")
    lapsed = UserFactory(email="lapsed@example.com", display_name="Lea")
    for day, value in ((19, 50), (20, 50), (26, 60), (27, 62)):
        score(improver, date(2026, 10, day), value)
    for user in (improver, flagged):
        meal(user, local("UTC", 2026, 10, 28, 12), 600, 30)
    flag(flagged, date(2026, 10, 29), severity="high")
    flag(flagged, date(2026, 10, 30), code="acked", acknowledged_at=timezone.now())
    meal(lapsed, local("UTC", 2026, 10, 21, 12), 600, 30)  # last week only
    return improver, flagged, lapsed


@pytest.fixture
def consenting(monkeypatch, clients):
    monkeypatch.setattr(digest_module, "coach_clients", lambda *, coach: list(clients))
    return clients


def test_who_improved_who_has_open_flags_who_stopped_logging(coach, consenting):
    digest = coach_digest_build(coach=coach, week=W44, now=NOW)
    assert digest["client_count"] == 3
    assert [(c["name"], c["change"]) for c in digest["improved"]] == [("Iris", 11.0)]
    assert [(c["name"], c["open_flags"]) for c in digest["open_flags"]] == [("Finn", 1)]
    assert [(c["name"], c["last_logged"]) for c in digest["stopped_logging"]] == [
        ("Lea", "2026-10-21")
    ]


def test_logging_is_judged_in_each_clients_own_week(coach, monkeypatch):
    kiwi = UserFactory(display_name="Kiri", profile__timezone="Pacific/Auckland")
    # Monday 2 Nov 09:00 in Auckland is Sunday 1 Nov in UTC: it belongs to kiwi's W45.
    meal(kiwi, local("Pacific/Auckland", 2026, 11, 2, 9), 500, 20)
    monkeypatch.setattr(digest_module, "coach_clients", lambda *, coach: [kiwi])
    digest = coach_digest_build(coach=coach, week=W44, now=NOW)
    assert [c["name"] for c in digest["stopped_logging"]] == ["Kiri"]


def test_only_clients_the_consent_selector_returns_are_listed(coach, clients):
    from apps.coaching.models import CoachClientLink

    improver, flagged, _ = clients
    CoachClientLink.objects.create(coach=coach, client=improver)
    CoachClientLink.objects.create(
        coach=coach, client=flagged, revoked_at=timezone.now() + timedelta(seconds=1)
    )
    digest = coach_digest_build(coach=coach, week=W44, now=NOW)
    assert [c["name"] for c in digest["clients"]] == ["Iris"]


def test_the_digest_email_reaches_the_coach_once(coach, consenting, smtp_server):
    deliveries_force(users=[coach], week=W44, now=timezone.now())
    deliveries_process(user_id=coach.pk, kind="coach_digest", week=W44)
    deliveries_process(user_id=coach.pk, kind="coach_digest", week=W44)
    (message,) = smtp_server.to("coach@example.com")
    text = text_part(message)
    assert "Iris: average score 61 (11 from last week)" in text
    assert "Finn: 1 open flag" in text
    assert "Lea: nothing logged this week (last log 2026-10-21)" in text
    token = message["List-Unsubscribe"].strip().strip("<>").split("token=", 1)[1]
    assert unsubscribe_apply(token=token) == (coach.pk, "coach_digest")


def test_a_coach_without_consenting_clients_gets_no_digest_email(coach, monkeypatch, smtp_server):
    monkeypatch.setattr(digest_module, "coach_clients", lambda *, coach: [])
    assert coach_digest_build(coach=coach, week=W44, now=NOW)["client_count"] == 0
    deliveries_force(users=[coach], week=W44, now=timezone.now())
    deliveries_process(user_id=coach.pk, kind="coach_digest", week=W44)
    assert smtp_server.to("coach@example.com") == []
    row = Delivery.objects.get(user=coach, kind="coach_digest")
    assert (row.status, row.error) == ("skipped", "no_clients")
