"""GET /api/v1/sync/pull/: every live row in `updated`, tombstones in `deleted`, a cursor."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import orjson
import pytest
from django.utils import timezone

from apps.activity.services import EXERCISE_SESSION
from apps.common.records import record_create, record_delete, record_update
from apps.days.services import day_confirmation_set
from apps.fasting.services import FASTING_WINDOW
from apps.glucose.services import GLUCOSE_READING
from apps.nutrition.services import MEAL
from apps.sync.models import ChangeCounter
from tests.conftest import client_for
from tests.sync.helpers import PULL, TABLES, body, ms, pull

pytestmark = pytest.mark.django_db


def _all_tables(user):
    """One row per table written through the services, as the REST API would."""
    now = timezone.now().replace(microsecond=0)
    fast = record_create(
        FASTING_WINDOW,
        user=user,
        data={
            "started_at": now - timedelta(hours=30),
            "ended_at": now - timedelta(hours=14),
            "target_hours": 16.0,
            "protocol": "16:8",
            "note": "ok",
        },
    ).instance
    meal = record_create(
        MEAL,
        user=user,
        data={"eaten_at": now - timedelta(hours=3), "name": "Eggs", "kcal": 300.0},
    ).instance
    reading = record_create(
        GLUCOSE_READING,
        user=user,
        data={"measured_at": now - timedelta(hours=1), "value_mgdl": 88.5, "device": "g7"},
    ).instance
    session = record_create(
        EXERCISE_SESSION,
        user=user,
        data={"started_at": now - timedelta(hours=5), "minutes": 30, "intensity": "light"},
    ).instance
    confirmation = day_confirmation_set(
        user=user, day=date(2026, 11, 20), food_log_complete=True, no_exercise=False
    ).instance
    return fast, meal, reading, session, confirmation


def test_a_first_pull_sends_every_live_row_as_updated_with_epoch_milliseconds(member):
    fast, meal, reading, _session, confirmation = _all_tables(member)
    payload = pull(client_for(member))

    assert list(payload["changes"]) == list(TABLES)
    for section in payload["changes"].values():
        assert section["created"] == []
        assert section["deleted"] == []
    changes = payload["changes"]
    assert changes["fasting_windows"]["updated"] == [
        {
            "id": str(fast.id),
            "started_at": ms(fast.started_at),
            "ended_at": ms(fast.ended_at),
            "target_hours": 16.0,
            "protocol": "16:8",
            "note": "ok",
        }
    ]
    assert changes["meals"]["updated"] == [
        {
            "id": str(meal.id),
            "eaten_at": ms(meal.eaten_at),
            "name": "Eggs",
            "kcal": 300.0,
            "protein_g": None,
            "carbs_g": None,
            "fat_g": None,
            "fiber_g": None,
            "leucine_g": None,
        }
    ]
    assert changes["glucose_readings"]["updated"] == [
        {
            "id": str(reading.id),
            "measured_at": ms(reading.measured_at),
            "value_mgdl": 88.5,
            "censored": "",
            "source": "cgm",
            "device": "g7",
            "trend": "",
        }
    ]
    assert changes["exercise_sessions"]["updated"][0]["minutes"] == 30
    assert changes["day_confirmations"]["updated"] == [
        {
            "id": str(confirmation.id),
            "date": "2026-11-20",
            "food_log_complete": True,
            "no_exercise": False,
        }
    ]
    assert payload["timestamp"] == ChangeCounter.objects.get(user=member).value


def test_a_new_user_gets_a_positive_timestamp(member):
    payload = pull(client_for(member))
    assert payload["timestamp"] > 0
    assert all(section["updated"] == [] for section in payload["changes"].values())


def test_microseconds_from_rest_writes_are_floored_to_the_millisecond(member):
    moment = timezone.now().replace(microsecond=123999) - timedelta(hours=1)
    record_create(MEAL, user=member, data={"eaten_at": moment, "kcal": 1.0})
    [row] = pull(client_for(member))["changes"]["meals"]["updated"]
    assert row["eaten_at"] == ms(moment.replace(microsecond=123000))


def test_an_incremental_pull_returns_only_what_changed_after_the_cursor(member):
    _, meal, reading, _, _ = _all_tables(member)
    client = client_for(member)
    cursor = pull(client)["timestamp"]

    record_update(MEAL, user=member, instance=meal, data={"kcal": 450.0})
    record_delete(GLUCOSE_READING, user=member, instance=reading)
    # Created and deleted after the cursor: the device may have it (a push), so say so.
    short_lived = record_create(
        MEAL, user=member, data={"eaten_at": timezone.now() - timedelta(hours=8), "kcal": 9.0}
    ).instance
    record_delete(MEAL, user=member, instance=short_lived)

    payload = pull(client, cursor)
    changes = payload["changes"]
    assert [row["id"] for row in changes["meals"]["updated"]] == [str(meal.id)]
    assert changes["meals"]["updated"][0]["kcal"] == 450.0
    assert changes["meals"]["deleted"] == [str(short_lived.id)]
    assert changes["glucose_readings"] == {
        "created": [],
        "updated": [],
        "deleted": [str(reading.id)],
    }
    assert changes["fasting_windows"]["updated"] == []
    assert payload["timestamp"] > cursor

    again = pull(client, payload["timestamp"])
    assert all(
        section == {"created": [], "updated": [], "deleted": []}
        for section in again["changes"].values()
    )
    assert again["timestamp"] == payload["timestamp"]


def test_tombstones_are_not_sent_to_a_device_that_never_pulled(member):
    _, meal, _, _, _ = _all_tables(member)
    record_delete(MEAL, user=member, instance=meal)
    payload = pull(client_for(member))
    assert payload["changes"]["meals"] == {"created": [], "updated": [], "deleted": []}


def test_another_users_rows_never_appear(member, other_member):
    _all_tables(other_member)
    mine = _all_tables(member)
    payload = pull(client_for(member))
    ids = {row["id"] for section in payload["changes"].values() for row in section["updated"]}
    assert ids == {str(instance.id) for instance in mine}


def test_a_migration_pull_backfills_new_tables_and_columns(member):
    _, meal, _, session, _ = _all_tables(member)
    no_fiber = record_create(
        MEAL, user=member, data={"eaten_at": timezone.now() - timedelta(hours=9), "kcal": 5.0}
    ).instance
    record_update(MEAL, user=member, instance=meal, data={"fiber_g": 4.0})
    client = client_for(member)
    cursor = pull(client)["timestamp"]
    migration = {
        "from": 1,
        "tables": ["exercise_sessions", "no_such_table"],
        "columns": [
            {"table": "meals", "columns": ["fiber_g", "no_such_column"]},
            {"table": "unknown", "columns": ["x"]},
        ],
    }
    payload = pull(client, cursor, schema_version=2, migration=orjson.dumps(migration).decode())
    changes = payload["changes"]
    assert [row["id"] for row in changes["exercise_sessions"]["updated"]] == [str(session.id)]
    assert [row["id"] for row in changes["meals"]["updated"]] == [str(meal.id)]
    assert str(no_fiber.id) not in {row["id"] for row in changes["meals"]["updated"]}
    assert changes["fasting_windows"]["updated"] == []
    assert changes["glucose_readings"]["updated"] == []


def test_the_tables_parameter_limits_the_response_to_the_clients_tables(member):
    _all_tables(member)
    payload = pull(client_for(member), tables="meals,glucose_readings,bogus")
    assert list(payload["changes"]) == ["meals", "glucose_readings"]


def test_a_cursor_from_the_future_resyncs_and_moves_the_counter_past_it(member):
    _, meal, reading, _, _ = _all_tables(member)
    record_delete(GLUCOSE_READING, user=member, instance=reading)
    client = client_for(member)
    ahead = ChangeCounter.objects.get(user=member).value + 500

    payload = pull(client, ahead)
    assert payload["timestamp"] == ahead  # never backwards for this device
    assert {row["id"] for row in payload["changes"]["meals"]["updated"]} == {str(meal.id)}
    assert payload["changes"]["glucose_readings"]["deleted"] == [str(reading.id)]

    record_update(MEAL, user=member, instance=meal, data={"kcal": 1.0})
    after = pull(client, ahead)
    assert [row["kcal"] for row in after["changes"]["meals"]["updated"]] == [1.0]


def test_a_first_sync_is_streamed_and_an_incremental_one_is_not(member):
    _all_tables(member)
    client = client_for(member)
    full = client.get(PULL, {"last_pulled_at": "null"})
    assert full.streaming
    assert full["Content-Type"] == "application/json"
    assert full["Cache-Control"] == "private, no-store"
    cursor = body(full)["timestamp"]
    incremental = client.get(PULL, {"last_pulled_at": cursor})
    assert not incremental.streaming
    assert body(incremental)["timestamp"] == cursor


@pytest.mark.parametrize("value", ["", "null", "0", "undefined"])
def test_empty_cursors_mean_a_full_sync(member, value):
    _all_tables(member)
    response = client_for(member).get(PULL, {"last_pulled_at": value})
    assert response.status_code == 200
    assert len(body(response)["changes"]["meals"]["updated"]) == 1


@pytest.mark.parametrize(
    "params",
    [
        {"last_pulled_at": "abc"},
        {"last_pulled_at": "-1"},
        {"last_pulled_at": "1.5"},
        {"last_pulled_at": str(2**60)},
        {"last_pulled_at": "1e3"},
        {"schema_version": "x"},
        {"schema_version": "0"},
        {"migration": "{not json"},
        {"migration": "[1, 2]"},
        {"migration": '{"from": "1", "tables": []}'},
        {"migration": '{"from": 1, "tables": "meals"}'},
        {"migration": '{"from": 1, "tables": [], "columns": [{"table": "meals"}]}'},
        {"migration": '{"from": 1, "tables": [1]}'},
    ],
)
def test_bad_parameters_are_a_400_problem(member, params):
    response = client_for(member).get(PULL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = orjson.loads(response.content)
    assert problem["status"] == 400
    assert problem["errors"][0]["field"] in params


def test_anonymous_pulls_are_401(api_client):
    response = api_client.get(PULL)
    assert response.status_code == 401


def test_ids_are_canonical_uuid_strings(member):
    record_create(
        MEAL,
        user=member,
        record_id=uuid.UUID("ABCDEF12-3456-4789-8ABC-DEF012345678"),
        data={"eaten_at": timezone.now() - timedelta(hours=1), "kcal": 2.0},
    )
    [row] = pull(client_for(member))["changes"]["meals"]["updated"]
    assert row["id"] == "abcdef12-3456-4789-8abc-def012345678"
