"""Every coach or staff read of a client's data appends one append-only audit row."""

import pytest
from django.contrib import admin

from apps.coaching.admin_audit import AuditedAdminMixin
from apps.coaching.models import AppendOnlyError, AuditAction, AuditEvent
from apps.glucose.models import GlucoseReading
from apps.scoring.models import DailyScore, SafetyFlag
from tests.coaching.helpers import link, make_client, make_flag, make_score, today_in, web_client
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(coach):
    client = make_client("Ada Audit")
    link(coach, client)
    return coach, client


def rows_for(action) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


@pytest.mark.parametrize(
    ("suffix", "action"),
    [
        ("", AuditAction.DASHBOARD),
        ("data/glucose.json", AuditAction.CHART_GLUCOSE),
        ("data/agp.json", AuditAction.CHART_AGP),
        ("data/daily.json", AuditAction.CHART_DAILY),
        ("data/days/{day}.json", AuditAction.DAY_TIMELINE),
        ("export/", AuditAction.EXPORT),
    ],
)
def test_each_client_view_appends_exactly_one_row(pair, suffix, action):
    coach, client = pair
    url = f"/coach/clients/{client.pk}/" + suffix.format(day=today_in(client).isoformat())
    response = web_client(coach).get(url, HTTP_X_REQUEST_ID="req-123", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    [row] = AuditEvent.objects.all()
    assert row.action == action
    assert (row.actor_id, row.actor_email, row.actor_role) == (coach.pk, coach.email, "coach")
    assert row.subject_id == client.pk
    assert row.ip == "203.0.113.9"
    assert row.request_id == "req-123"
    assert row.path == url.split("?")[0]
    assert row.at is not None


def test_lists_append_one_row_per_client_shown(coach, pair):
    _, first = pair
    second = make_client("Bo Second")
    link(coach, second)
    browser = web_client(coach)
    browser.get("/coach/")
    assert {r.subject_id for r in rows_for(AuditAction.CLIENT_LIST)} == {first.pk, second.pk}
    browser.get("/coach/", {"q": "Ada"})
    assert len(rows_for(AuditAction.CLIENT_LIST)) == 3
    browser.get("/coach/clients/search.json", {"q": "Bo"})
    assert [r.subject_id for r in rows_for(AuditAction.CLIENT_SEARCH)] == [second.pk]
    client_for(coach).get("/api/v1/coaching/clients/")
    assert len(rows_for(AuditAction.API_CLIENTS)) == 2


def test_the_flags_page_and_acknowledgement_are_audited(pair):
    coach, client = pair
    flag = make_flag(client, today_in(client))
    browser = web_client(coach)
    browser.get("/coach/flags/")
    assert [r.subject_id for r in rows_for(AuditAction.FLAGS)] == [client.pk]
    browser.post(f"/coach/flags/{flag.pk}/acknowledge/")
    [row] = rows_for(AuditAction.FLAG_ACKNOWLEDGE)
    assert (row.subject_id, row.object_type, row.object_id) == (
        client.pk,
        "safety_flag",
        str(flag.pk),
    )


def test_refused_requests_write_no_row(pair, other_coach, member):
    _, client = pair
    web_client(other_coach).get(f"/coach/clients/{client.pk}/")
    web_client(member).get(f"/coach/clients/{client.pk}/")
    assert AuditEvent.objects.count() == 0


def test_audit_rows_cannot_be_changed_or_deleted(pair):
    coach, client = pair
    web_client(coach).get(f"/coach/clients/{client.pk}/")
    row = AuditEvent.objects.get()
    row.action = AuditAction.EXPORT
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=row.pk).update(action=AuditAction.EXPORT)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().action == AuditAction.DASHBOARD


def test_audit_rows_survive_the_erasure_of_both_accounts(pair):
    coach, client = pair
    web_client(coach).get(f"/coach/clients/{client.pk}/")
    client.delete()
    coach.delete()
    assert AuditEvent.objects.count() == 1


def test_staff_browse_the_trail_read_only(pair, staff):
    coach, client = pair
    web_client(coach).get(f"/coach/clients/{client.pk}/")
    row = AuditEvent.objects.get()
    browser = web_client(staff)
    listing = browser.get("/admin/coaching/auditevent/")
    assert listing.status_code == 200 and coach.email in listing.content.decode()
    assert browser.get("/admin/coaching/auditevent/", {"q": "not-a-uuid"}).status_code == 200
    assert browser.get(f"/admin/coaching/auditevent/{row.pk}/change/").status_code == 200
    assert browser.get("/admin/coaching/auditevent/add/").status_code == 403
    assert browser.post(f"/admin/coaching/auditevent/{row.pk}/delete/").status_code == 403
    browser.post(f"/admin/coaching/auditevent/{row.pk}/change/", {"action": AuditAction.EXPORT})
    assert AuditEvent.objects.get(pk=row.pk).action == AuditAction.DASHBOARD
    changed = browser.post(
        "/admin/coaching/auditevent/",
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert changed.status_code in (200, 302)
    assert AuditEvent.objects.filter(pk=row.pk).exists()


def test_staff_reads_of_client_data_in_the_admin_are_audited(pair, staff):
    _, client = pair
    flag = make_flag(client, today_in(client))
    make_score(client, today_in(client))
    reading = GlucoseReading.objects.create(
        user=client, measured_at=flag.created_at, value_mgdl=101
    )
    browser = web_client(staff)
    assert browser.get("/admin/glucose/glucosereading/").status_code == 200
    assert browser.get(f"/admin/glucose/glucosereading/{reading.pk}/change/").status_code == 200
    assert browser.get(f"/admin/accounts/user/{client.pk}/change/").status_code == 200
    assert browser.get("/admin/scoring/safetyflag/").status_code == 200
    rows = list(AuditEvent.objects.order_by("id"))
    assert [(r.action, r.object_type, r.subject_id, r.actor_role) for r in rows] == [
        (AuditAction.ADMIN_LIST, "glucose.glucosereading", client.pk, "staff"),
        (AuditAction.ADMIN_VIEW, "glucose.glucosereading", client.pk, "staff"),
        (AuditAction.ADMIN_VIEW, "accounts.user", client.pk, "staff"),
        (AuditAction.ADMIN_LIST, "scoring.safetyflag", client.pk, "staff"),
    ]
    assert rows[1].object_id == str(reading.pk)


def test_every_admin_of_per_user_data_is_audited():
    per_user = [
        model
        for model in admin.site._registry
        if model.__module__.startswith("apps.")
        and any(
            f.name in ("user", "client") and f.is_relation
            for f in model._meta.get_fields()
            if hasattr(f, "is_relation")
        )
    ]
    assert DailyScore in per_user and SafetyFlag in per_user and GlucoseReading in per_user
    unaudited = [m for m in per_user if not isinstance(admin.site._registry[m], AuditedAdminMixin)]
    assert unaudited == []
