"""POST /api/v1/sync/push/: one transaction through the record services (SYNC.md)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.common.records import record_create, record_delete, record_update
from apps.days.models import DayConfirmation
from apps.fasting.models import FastingWindow
from apps.glucose.models import GlucoseReading
from apps.nutrition.models import Meal
from apps.nutrition.services import MEAL
from apps.scoring.models import DirtyDay
from apps.sync.models import ChangeCounter
from tests.conftest import client_for
from tests.sync.helpers import (
    changes_of,
    confirmation,
    device,
    exercise,
    fast,
    meal,
    now_ms,
    pull,
    push,
    reading,
    rid,
    updated_rows,
)

pytestmark = pytest.mark.django_db

HOUR_MS = 3600 * 1000


def _cursor(client) -> int:
    return pull(client)["timestamp"]


def test_created_rows_of_every_table_land_and_come_back_identical(member):
    client = client_for(member)
    cursor = _cursor(client)
    rows = {
        "fasting_windows": fast(),
        "meals": meal(fiber_g=3.5),
        "glucose_readings": reading(),
        "exercise_sessions": exercise(),
        "day_confirmations": confirmation(),
    }
    result = push(
        client,
        changes_of(**{table: {"created": [device(row)]} for table, row in rows.items()}),
        cursor,
    )
    assert result == {"experimentalRejectedIds": {}, "rejected": []}

    payload = pull(client, cursor)
    for table, row in rows.items():
        assert payload["changes"][table]["updated"] == [row], table


def test_a_created_row_that_exists_is_updated(member):
    """A retried push whose response was lost, after the device edited the row again."""
    client = client_for(member)
    row = meal()
    push(client, changes_of(meals={"created": [device(row)]}), _cursor(client))
    cursor = _cursor(client)
    push(client, changes_of(meals={"created": [device({**row, "kcal": 610.0})]}), cursor)
    assert Meal.objects.get(pk=row["id"]).kcal == 610.0
    assert Meal.objects.filter(user=member).count() == 1


def test_an_updated_row_that_is_unknown_is_created(member):
    client = client_for(member)
    row = exercise()
    push(
        client, changes_of(exercise_sessions={"updated": [device(row, "updated")]}), _cursor(client)
    )
    assert updated_rows(pull(client), "exercise_sessions") == {row["id"]: row}


def test_deleting_an_unknown_id_is_ignored_and_a_known_one_leaves_a_tombstone(member):
    client = client_for(member)
    row = meal()
    push(client, changes_of(meals={"created": [device(row)]}), _cursor(client))
    cursor = _cursor(client)
    result = push(client, changes_of(meals={"deleted": [row["id"], rid(), "not-a-uuid"]}), cursor)
    assert result["experimentalRejectedIds"] == {}
    stored = Meal.objects.get(pk=row["id"])
    assert stored.deleted_at is not None
    assert pull(client, cursor)["changes"]["meals"] == {
        "created": [],
        "updated": [],
        "deleted": [row["id"]],
    }


def test_a_row_deleted_on_the_server_stays_deleted_and_is_announced_again(member):
    client = client_for(member)
    row = meal()
    push(client, changes_of(meals={"created": [device(row)]}), _cursor(client))
    record_delete(MEAL, user=member, instance=Meal.objects.get(pk=row["id"]))
    cursor = _cursor(client)  # the tombstone is older than this cursor

    result = push(
        client, changes_of(meals={"updated": [device({**row, "kcal": 1.0}, "updated")]}), cursor
    )
    assert result["experimentalRejectedIds"] == {}
    stored = Meal.objects.get(pk=row["id"])
    assert stored.deleted_at is not None
    assert stored.kcal == row["kcal"]
    assert pull(client, cursor)["changes"]["meals"]["deleted"] == [row["id"]]


def test_a_deletion_newer_than_the_cursor_beats_a_pushed_edit_without_a_conflict(member):
    client = client_for(member)
    row = meal()
    push(client, changes_of(meals={"created": [device(row)]}), _cursor(client))
    cursor = _cursor(client)
    record_delete(MEAL, user=member, instance=Meal.objects.get(pk=row["id"]))
    push(client, changes_of(meals={"updated": [device({**row, "kcal": 1.0}, "updated")]}), cursor)
    assert Meal.objects.get(pk=row["id"]).deleted_at is not None
    assert pull(client, cursor)["changes"]["meals"]["deleted"] == [row["id"]]


def test_another_users_ids_are_rejected_and_never_touched(member, other_member):
    theirs = record_create(
        MEAL, user=other_member, data={"eaten_at": timezone.now() - timedelta(hours=1), "kcal": 5.0}
    ).instance
    client = client_for(member)
    stolen = meal(id=str(theirs.id), kcal=999.0)
    result = push(
        client,
        changes_of(
            meals={"updated": [device(stolen, "updated")], "created": [device(meal())]},
            glucose_readings={"deleted": [str(theirs.id)]},
        ),
        _cursor(client),
    )
    assert result["experimentalRejectedIds"] == {"meals": [str(theirs.id)]}
    assert result["rejected"][0]["errors"][0]["code"] == "id_in_use"
    theirs.refresh_from_db()
    assert (theirs.kcal, theirs.user_id, theirs.deleted_at) == (5.0, other_member.pk, None)
    assert Meal.objects.filter(user=member).count() == 1


def test_a_foreign_id_in_deleted_is_rejected(member, other_member):
    theirs = record_create(
        MEAL, user=other_member, data={"eaten_at": timezone.now() - timedelta(hours=1), "kcal": 5.0}
    ).instance
    client = client_for(member)
    result = push(client, changes_of(meals={"deleted": [str(theirs.id)]}), _cursor(client))
    assert result["experimentalRejectedIds"] == {"meals": [str(theirs.id)]}
    theirs.refresh_from_db()
    assert theirs.deleted_at is None


def test_a_row_changed_on_the_server_after_the_cursor_rejects_the_whole_push(member):
    client = client_for(member)
    row = meal()
    push(client, changes_of(meals={"created": [device(row)]}), _cursor(client))
    cursor = _cursor(client)
    record_update(MEAL, user=member, instance=Meal.objects.get(pk=row["id"]), data={"name": "REST"})
    seq_before = ChangeCounter.objects.get(user=member).value

    other_table_row = reading()
    response = client.post(
        f"/api/v1/sync/push/?last_pulled_at={cursor}",
        changes_of(
            meals={"updated": [device({**row, "kcal": 700.0}, "updated")]},
            glucose_readings={"created": [device(other_table_row)]},
        ),
        format="json",
    )
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["errors"] == [
        {"field": f"meals.{row['id']}", "code": "changed_on_server", "message": problem["detail"]}
    ]
    assert not GlucoseReading.objects.filter(pk=other_table_row["id"]).exists()
    stored = Meal.objects.get(pk=row["id"])
    assert (stored.name, stored.kcal) == ("REST", row["kcal"])
    assert ChangeCounter.objects.get(user=member).value == seq_before


def test_a_pushed_row_equal_to_the_changed_server_row_is_no_conflict(member):
    client = client_for(member)
    row = meal()
    cursor = _cursor(client)
    changes = changes_of(
        meals={"created": [device(row)]}, glucose_readings={"created": [device(reading())]}
    )
    push(client, changes, cursor)
    # The response was lost; the very same request is sent again with the old cursor.
    assert push(client, changes, cursor)["experimentalRejectedIds"] == {}
    assert Meal.objects.filter(user=member).count() == 1
    assert GlucoseReading.objects.filter(user=member).count() == 1


def test_a_rest_write_with_microseconds_equals_its_pulled_record(member):
    moment = timezone.now().replace(microsecond=456789) - timedelta(hours=2)
    record_create(MEAL, user=member, data={"eaten_at": moment, "kcal": 12.0})
    client = client_for(member)
    payload = pull(client)
    [row] = payload["changes"]["meals"]["updated"]
    record_update(MEAL, user=member, instance=Meal.objects.get(pk=row["id"]), data={"kcal": 12.0})
    # Changed on the server after the cursor but equal at record precision: not a conflict.
    push(client, changes_of(meals={"updated": [device(row, "updated")]}), payload["timestamp"])
    assert Meal.objects.get(pk=row["id"]).eaten_at == moment  # microseconds kept


def test_invalid_rows_are_rejected_and_the_rest_is_applied(member):
    client = client_for(member)
    existing = fast()
    push(client, changes_of(fasting_windows={"created": [device(existing)]}), _cursor(client))
    overlapping = fast(
        started_at=existing["started_at"] + HOUR_MS, ended_at=existing["ended_at"] + HOUR_MS
    )
    too_high = reading(value_mgdl=900.0)
    good_reading = reading(measured_at=now_ms(timedelta(hours=3)))
    negative = meal(kcal=-5.0)
    good_meal = meal()
    result = push(
        client,
        changes_of(
            fasting_windows={"created": [device(overlapping)]},
            glucose_readings={"created": [device(too_high), device(good_reading)]},
            meals={"created": [device(negative), device(good_meal)]},
        ),
        _cursor(client),
    )
    assert result["experimentalRejectedIds"] == {
        "fasting_windows": [overlapping["id"]],
        "meals": [negative["id"]],
        "glucose_readings": [too_high["id"]],
    }
    codes = {
        (r["table"], r["errors"][0]["field"], r["errors"][0]["code"]) for r in result["rejected"]
    }
    assert codes == {
        ("fasting_windows", "started_at", "overlap"),
        ("glucose_readings", "value_mgdl", "max_value"),
        ("meals", "kcal", "min_value"),
    }
    assert set(Meal.objects.filter(user=member).values_list("pk", flat=True)) == {
        uuid.UUID(good_meal["id"])
    }
    assert GlucoseReading.objects.filter(user=member).count() == 1
    assert FastingWindow.objects.filter(user=member).count() == 1


def test_validation_is_the_rest_apis(member):
    """The same rules and messages as a REST write: future fasts, glucose range, choices."""
    client = client_for(member)
    rows = {
        "future": fast(started_at=now_ms(-timedelta(hours=2)), ended_at=None),
        "protocol": fast(
            protocol="5:2", started_at=now_ms(timedelta(days=5)), ended_at=now_ms(timedelta(days=4))
        ),
    }
    result = push(
        client,
        changes_of(fasting_windows={"created": [device(r) for r in rows.values()]}),
        _cursor(client),
    )
    errors = {r["id"]: r["errors"][0] for r in result["rejected"]}
    assert errors[rows["future"]["id"]]["code"] == "in_future"
    assert (
        errors[rows["future"]["id"]]["message"]
        == "A fast cannot start more than 5 minutes in the future."
    )
    assert errors[rows["protocol"]["id"]]["field"] == "protocol"
    rest = client.post(
        "/api/v1/fasts/",
        {"started_at": (timezone.now() + timedelta(hours=2)).isoformat()},
        format="json",
    )
    assert rest.json()["errors"][0]["message"] == errors[rows["future"]["id"]]["message"]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("eaten_at", "2026-11-26T08:00:00"),  # naive ISO string: datetimes are numbers
        ("eaten_at", "2026-11-26T08:00:00+01:00"),
        ("eaten_at", -1),
        ("eaten_at", 10**16),
        ("eaten_at", True),
        ("eaten_at", None),
        ("kcal", "500"),
        ("kcal", True),
        ("kcal", None),
        ("kcal", 10**30),
        ("name", 5),
        ("name", "a\x00b"),
        ("name", "x" * 201),
        ("protein_g", -1.0),
        ("protein_g", [1]),
        ("leucine_g", {"g": 1}),
    ],
)
def test_garbage_values_are_rejected_never_a_500(member, column, value):
    client = client_for(member)
    bad = meal(**{column: value})
    result = push(
        client, changes_of(meals={"created": [device(bad), device(meal())]}), _cursor(client)
    )
    assert result["experimentalRejectedIds"] == {"meals": [bad["id"]]}
    assert result["rejected"][0]["errors"][0]["field"] == column
    assert Meal.objects.filter(user=member).count() == 1


@pytest.mark.parametrize(
    ("table", "row"),
    [
        ("exercise_sessions", exercise(minutes=30.5)),
        ("exercise_sessions", exercise(minutes=0)),
        ("exercise_sessions", exercise(intensity="extreme")),
        ("day_confirmations", confirmation(date="2026-02-30")),
        ("day_confirmations", confirmation(date="20261126")),
        ("day_confirmations", confirmation(food_log_complete=1)),
        ("glucose_readings", reading(value_mgdl=10.0)),
        ("glucose_readings", reading(source="guess")),
        ("glucose_readings", reading(trend="sideways")),
        ("glucose_readings", reading(measured_at=now_ms(-timedelta(hours=1)))),
        ("fasting_windows", fast(target_hours=0.5)),
        ("fasting_windows", fast(ended_at=0)),
    ],
)
def test_out_of_range_values_in_every_table_are_rejected(member, table, row):
    client = client_for(member)
    result = push(client, changes_of(**{table: {"created": [device(row)]}}), _cursor(client))
    assert result["experimentalRejectedIds"] == {table: [row["id"]]}


@pytest.mark.parametrize(
    "bad_id",
    [
        "not-a-uuid",
        "ABCDEF12-3456-4789-8ABC-DEF012345678",  # not the canonical spelling
        "abcdef1234564789abcdef0123456789",
        "{abcdef12-3456-4789-8abc-def012345678}",
        "",
    ],
)
def test_rows_with_invalid_ids_are_rejected(member, bad_id):
    client = client_for(member)
    result = push(
        client,
        changes_of(meals={"created": [device(meal(id=bad_id)), device(meal())]}),
        _cursor(client),
    )
    assert result["experimentalRejectedIds"] == {"meals": [bad_id]}
    assert result["rejected"][0]["errors"][0]["field"] == "id"
    assert Meal.objects.filter(user=member).count() == 1


def test_unknown_tables_and_columns_are_ignored_and_the_owner_is_the_caller(member, other_member):
    client = client_for(member)
    row = meal()
    extra = {
        **device(row),
        "user": str(other_member.pk),
        "user_id": str(other_member.pk),
        "change_seq": 10**9,
        "deleted_at": now_ms(),
        "created_at": 0,
        "mystery": "x",
    }
    result = push(
        client,
        {
            "meals": {"created": [extra], "updated": [], "deleted": []},
            "secrets": {"created": [{"id": rid()}]},
            "fasting_windows": None,
        },
        _cursor(client),
    )
    assert result["experimentalRejectedIds"] == {}
    stored = Meal.objects.get(pk=row["id"])
    assert (stored.user_id, stored.deleted_at) == (member.pk, None)
    assert stored.change_seq < 10**9


def test_a_wrapped_body_with_the_cursor_inside_is_accepted(member):
    client = client_for(member)
    cursor = _cursor(client)
    response = client.post(
        "/api/v1/sync/push/",
        {"changes": changes_of(meals={"created": [device(meal())]}), "lastPulledAt": cursor},
        format="json",
    )
    assert response.status_code == 200
    assert Meal.objects.filter(user=member).count() == 1


def test_partial_records_leave_missing_columns_alone(member):
    client = client_for(member)
    row = meal(fiber_g=7.0)
    push(client, changes_of(meals={"created": [device(row)]}), _cursor(client))
    # An older app without the fiber column pushes an edit.
    older = {k: v for k, v in row.items() if k != "fiber_g"}
    push(
        client,
        changes_of(meals={"updated": [device({**older, "kcal": 1.0}, "updated")]}),
        _cursor(client),
    )
    stored = Meal.objects.get(pk=row["id"])
    assert (stored.kcal, stored.fiber_g) == (1.0, 7.0)


def test_deletes_and_moves_are_applied_before_creates_that_need_their_slot(member):
    client = client_for(member)
    first, second = (
        fast(),
        fast(started_at=now_ms(timedelta(hours=60)), ended_at=now_ms(timedelta(hours=44))),
    )
    push(
        client,
        changes_of(fasting_windows={"created": [device(first), device(second)]}),
        _cursor(client),
    )
    replacement = fast(started_at=first["started_at"] + 60_000, ended_at=first["ended_at"] - 60_000)
    moved_into = fast(started_at=second["started_at"] + 60_000, ended_at=second["ended_at"])
    moved = {
        **second,
        "started_at": second["started_at"] - 4 * HOUR_MS,
        "ended_at": second["started_at"] - HOUR_MS,
    }
    result = push(
        client,
        changes_of(
            fasting_windows={
                "created": [device(replacement), device(moved_into)],
                "updated": [device(moved, "updated")],
                "deleted": [first["id"]],
            }
        ),
        _cursor(client),
    )
    assert result["experimentalRejectedIds"] == {}
    assert FastingWindow.objects.filter(user=member, deleted_at__isnull=True).count() == 3


def test_a_push_marks_score_days_dirty_once(member, django_capture_on_commit_callbacks):
    client = client_for(member)
    cursor = _cursor(client)
    DirtyDay.objects.filter(user=member).delete()
    base = now_ms(timedelta(days=3))
    meals = [meal(eaten_at=base + i * HOUR_MS, kcal=100.0 + i) for i in range(12)]
    readings = [reading(measured_at=base + i * 300_000) for i in range(50)]
    with django_capture_on_commit_callbacks() as callbacks:
        push(
            client,
            changes_of(
                meals={"created": [device(m) for m in meals]},
                glucose_readings={"created": [device(r) for r in readings]},
            ),
            cursor,
        )
    assert len(callbacks) == 2  # one score version bump and one recompute enqueue, not per row
    dirty = set(DirtyDay.objects.filter(user=member).values_list("local_date", flat=True))
    # The same days a REST write of these rows would mark (MEAL's and readings' rules).
    expected = set()
    for m in meals:
        instance = Meal(
            user=member, eaten_at=datetime.fromtimestamp(m["eaten_at"] / 1000, UTC), kcal=m["kcal"]
        )
        expected |= set(MEAL.dirty_dates(instance, "Europe/Berlin"))
    assert expected <= dirty
    assert len(dirty) >= 3


def test_new_readings_take_the_bulk_path_with_the_same_semantics(member):
    client = client_for(member)
    stored = reading(measured_at=now_ms(timedelta(hours=10)))
    push(client, changes_of(glucose_readings={"created": [device(stored)]}), _cursor(client))
    cursor = _cursor(client)
    base = now_ms(timedelta(hours=9))
    fine = [reading(measured_at=base + i * 300_000, value_mgdl=70.0 + i) for i in range(100)]
    same_time_in_push = reading(measured_at=fine[0]["measured_at"])
    same_time_as_stored = reading(measured_at=stored["measured_at"])
    out_of_range = reading(measured_at=base - 300_000, value_mgdl=601.0)
    other_device = reading(measured_at=stored["measured_at"], device="libre-3")
    result = push(
        client,
        changes_of(
            glucose_readings={
                "created": [
                    device(r)
                    for r in [
                        *fine,
                        same_time_in_push,
                        same_time_as_stored,
                        out_of_range,
                        other_device,
                    ]
                ]
            }
        ),
        cursor,
    )
    rejected = {r["id"]: r["errors"][0]["code"] for r in result["rejected"]}
    assert rejected == {
        same_time_in_push["id"]: "duplicate",
        same_time_as_stored["id"]: "duplicate",
        out_of_range["id"]: "max_value",
    }
    assert GlucoseReading.objects.filter(user=member).count() == 102
    pulled = updated_rows(pull(client, cursor), "glucose_readings")
    assert pulled[fine[7]["id"]] == fine[7]
    assert len(pulled) == 101
    # The whole batch took one change sequence value.
    assert (
        GlucoseReading.objects.filter(pk__in=[r["id"] for r in fine])
        .values("change_seq")
        .distinct()
        .count()
        == 1
    )


def test_two_devices_confirming_the_same_day_converge(member):
    phone, tablet = client_for(member), client_for(member)
    cursor = _cursor(phone)
    day = (timezone.now() - timedelta(days=2)).date().isoformat()
    first = confirmation(date=day, food_log_complete=True, no_exercise=False)
    second = confirmation(date=day, food_log_complete=True, no_exercise=True)
    push(phone, changes_of(day_confirmations={"created": [device(first)]}), cursor)
    tablet_cursor = _cursor(tablet)
    result = push(
        tablet, changes_of(day_confirmations={"created": [device(second)]}), tablet_cursor
    )
    assert result["experimentalRejectedIds"] == {}

    live = DayConfirmation.objects.filter(user=member, deleted_at__isnull=True)
    assert [(str(c.id), c.no_exercise) for c in live] == [(first["id"], True)]
    changes = pull(tablet, tablet_cursor)["changes"]["day_confirmations"]
    assert changes["deleted"] == [second["id"]]
    assert changes["updated"] == [{**first, "no_exercise": True}]


def test_a_confirmation_moved_onto_a_confirmed_day_merges_into_it(member):
    client = client_for(member)
    one = confirmation(date="2026-11-20")
    two = confirmation(date="2026-11-21", no_exercise=True)
    push(
        client,
        changes_of(day_confirmations={"created": [device(one), device(two)]}),
        _cursor(client),
    )
    cursor = _cursor(client)
    push(
        client,
        changes_of(
            day_confirmations={"updated": [device({**two, "date": "2026-11-20"}, "updated")]}
        ),
        cursor,
    )
    changes = pull(client, cursor)["changes"]["day_confirmations"]
    assert changes["deleted"] == [two["id"]]
    assert [(row["id"], row["date"], row["no_exercise"]) for row in changes["updated"]] == [
        (one["id"], "2026-11-20", True)
    ]


def test_the_same_id_twice_in_one_push_is_written_once(member):
    client = client_for(member)
    row = meal()
    result = push(
        client,
        changes_of(
            meals={"created": [device(row)], "updated": [device({**row, "kcal": 5.0}, "updated")]}
        ),
        _cursor(client),
    )
    assert result["experimentalRejectedIds"] == {}
    assert Meal.objects.get(pk=row["id"]).kcal == row["kcal"]  # `created` is the later entry


def test_an_id_listed_twice_in_deleted_is_deleted_once(member):
    client = client_for(member)
    row = meal()
    push(client, changes_of(meals={"created": [device(row)]}), _cursor(client))
    result = push(client, changes_of(meals={"deleted": [row["id"], row["id"]]}), _cursor(client))
    assert result["experimentalRejectedIds"] == {}
    assert Meal.objects.get(pk=row["id"]).deleted_at is not None


def test_a_row_both_pushed_and_deleted_is_deleted(member):
    client = client_for(member)
    row = meal()
    push(client, changes_of(meals={"created": [device(row)]}), _cursor(client))
    result = push(
        client,
        changes_of(
            meals={"updated": [device({**row, "kcal": 1.0}, "updated")], "deleted": [row["id"]]}
        ),
        _cursor(client),
    )
    assert result["experimentalRejectedIds"] == {}
    stored = Meal.objects.get(pk=row["id"])
    assert (stored.kcal, stored.deleted_at is not None) == (row["kcal"], True)


def test_an_invalid_then_valid_copy_of_one_id_is_judged_by_the_last(member):
    client = client_for(member)
    row = meal()
    result = push(
        client,
        changes_of(
            meals={
                "updated": [device({**row, "kcal": -1.0}, "updated")],
                "created": [device(row)],
            }
        ),
        _cursor(client),
    )
    assert result["experimentalRejectedIds"] == {}
    assert Meal.objects.get(pk=row["id"]).kcal == row["kcal"]


def test_a_reading_moved_away_frees_its_slot_for_a_new_one_in_the_same_push(member):
    client = client_for(member)
    first = reading(measured_at=now_ms(timedelta(hours=4)))
    push(client, changes_of(glucose_readings={"created": [device(first)]}), _cursor(client))
    moved = {**first, "measured_at": first["measured_at"] - HOUR_MS}
    newcomer = reading(measured_at=first["measured_at"])
    result = push(
        client,
        changes_of(
            glucose_readings={"updated": [device(moved, "updated")], "created": [device(newcomer)]}
        ),
        _cursor(client),
    )
    assert result["experimentalRejectedIds"] == {}
    assert GlucoseReading.objects.filter(user=member, deleted_at__isnull=True).count() == 2
