import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from apps.fasting.models import FastingWindow

pytestmark = pytest.mark.django_db
FASTS = "/api/v1/fasts/"


def iso(moment: datetime) -> str:
    return moment.isoformat()


def ago(**kwargs) -> datetime:
    return datetime.now(UTC) - timedelta(**kwargs)


def test_create_list_get_and_delete_a_fast(member_client):
    body = {
        "started_at": iso(ago(hours=20)),
        "ended_at": iso(ago(hours=4)),
        "target_hours": 16,
        "protocol": "16:8",
    }
    created = member_client.post(FASTS, body, format="json")
    assert created.status_code == 201, created.content
    fast_id = created.json()["id"]
    assert created.json()["duration_hours"] == 16.0
    assert created.json()["started_at"].endswith("Z")

    listed = member_client.get(FASTS).json()
    assert [f["id"] for f in listed["results"]] == [fast_id]
    assert member_client.get(f"{FASTS}{fast_id}/").status_code == 200

    assert member_client.delete(f"{FASTS}{fast_id}/").status_code == 204
    assert member_client.get(f"{FASTS}{fast_id}/").status_code == 404
    assert member_client.get(FASTS).json()["results"] == []
    assert FastingWindow.objects.get(pk=fast_id).deleted_at is not None  # tombstone kept


def test_resending_a_create_with_the_same_id_is_idempotent(member_client):
    body = {
        "id": str(uuid.uuid4()),
        "started_at": iso(ago(hours=20)),
        "ended_at": iso(ago(hours=4)),
        "protocol": "16:8",
    }
    assert member_client.post(FASTS, body, format="json").status_code == 201
    again = member_client.post(FASTS, body, format="json")
    assert again.status_code == 200
    assert FastingWindow.objects.filter(pk=body["id"]).count() == 1
    different = member_client.post(FASTS, {**body, "protocol": "18:6"}, format="json")
    assert different.status_code == 409
    assert different["Content-Type"] == "application/problem+json"


def test_put_to_a_new_id_creates_it_and_put_again_replaces(member_client):
    fast_id = uuid.uuid4()
    body = {"started_at": iso(ago(hours=30)), "ended_at": iso(ago(hours=10))}
    assert member_client.put(f"{FASTS}{fast_id}/", body, format="json").status_code == 201
    replaced = member_client.put(f"{FASTS}{fast_id}/", {**body, "note": "felt fine"}, format="json")
    assert replaced.status_code == 200
    assert replaced.json()["note"] == "felt fine"


def test_overlapping_fasts_are_rejected(member_client):
    member_client.post(
        FASTS, {"started_at": iso(ago(hours=30)), "ended_at": iso(ago(hours=10))}, format="json"
    )
    overlap = member_client.post(
        FASTS, {"started_at": iso(ago(hours=12)), "ended_at": iso(ago(hours=2))}, format="json"
    )
    assert overlap.status_code == 400
    assert overlap.json()["errors"][0]["code"] == "overlap"
    touching = member_client.post(
        FASTS, {"started_at": iso(ago(hours=10)), "ended_at": iso(ago(hours=2))}, format="json"
    )
    assert touching.status_code == 201  # [start, end) windows may touch


def test_the_database_refuses_overlaps_the_service_did_not_see(member):
    base = ago(hours=40)
    FastingWindow.objects.create(user=member, started_at=base, ended_at=base + timedelta(hours=16))
    assert connection.vendor == "postgresql"
    with pytest.raises(IntegrityError), transaction.atomic():
        FastingWindow.objects.create(
            user=member, started_at=base + timedelta(hours=2), ended_at=base + timedelta(hours=20)
        )


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"started_at": "2026-11-20T08:00:00"}, "started_at", "naive"),
        ({"started_at": iso(datetime.now(UTC) + timedelta(hours=1))}, "started_at", "in_future"),
        ({"started_at": iso(ago(hours=5)), "ended_at": iso(ago(hours=6))}, "ended_at", None),
        ({"started_at": iso(ago(days=40)), "ended_at": iso(ago(days=5))}, "ended_at", "too_long"),
        ({"started_at": iso(ago(hours=5)), "target_hours": 500}, "target_hours", None),
        ({"started_at": iso(ago(hours=5)), "target_hours": "Infinity"}, "target_hours", None),
        ({"started_at": iso(ago(hours=5)), "protocol": "5:2"}, "protocol", None),
        ({"started_at": 12345}, "started_at", None),
    ],
)
def test_bad_fasts_are_400_with_the_field_named(member_client, body, field, code):
    response = member_client.post(FASTS, body, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in {e["field"] for e in errors}
    if code:
        assert code in {e["code"] for e in errors}
    assert FastingWindow.objects.count() == 0


def test_start_current_end_and_end_twice(member_client):
    assert member_client.get(f"{FASTS}current/").status_code == 404
    started = member_client.post(f"{FASTS}start/", {"target_hours": 16}, format="json")
    assert started.status_code == 201
    fast_id = started.json()["id"]
    assert member_client.get(f"{FASTS}current/").json()["id"] == fast_id
    assert member_client.post(f"{FASTS}start/", {}, format="json").status_code == 409
    ended = member_client.post(f"{FASTS}{fast_id}/end/", {}, format="json")
    assert ended.status_code == 200
    assert ended.json()["ended_at"] is not None
    twice = member_client.post(f"{FASTS}{fast_id}/end/", {}, format="json")
    assert twice.status_code == 409
    assert member_client.get(f"{FASTS}current/").status_code == 404


def test_a_second_ongoing_fast_is_refused(member_client):
    member_client.post(FASTS, {"started_at": iso(ago(hours=3))}, format="json")
    response = member_client.post(FASTS, {"started_at": iso(ago(hours=1))}, format="json")
    assert response.status_code == 400


def test_list_filters_are_half_open_and_ordered(member_client):
    starts = [ago(days=3), ago(days=2), ago(days=1)]
    for start in starts:
        member_client.post(
            FASTS,
            {"started_at": iso(start), "ended_at": iso(start + timedelta(hours=14))},
            format="json",
        )
    response = member_client.get(FASTS, {"start": iso(starts[0]), "end": iso(starts[2])})
    got = [r["started_at"] for r in response.json()["results"]]
    assert len(got) == 2
    assert got == sorted(got)


def test_list_page_size_is_capped(member_client):
    response = member_client.get(FASTS, {"page_size": 5000})
    assert response.status_code == 200
