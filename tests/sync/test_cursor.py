"""The cursor never skips a change, whatever commits concurrently (docs/sync.md).

These tests use real transactions on several connections (threads), so they need
`transaction=True`: each thread's writes are committed for real, as in production.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from apps.common.records import record_create
from apps.glucose.bulk import glucose_readings_ingest
from apps.nutrition.services import MEAL
from apps.sync import pull as pull_module
from apps.sync.codec import encode_value
from apps.sync.push import SyncConflict, sync_push_apply
from apps.sync.tables import SYNC_TABLES
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.sync.helpers import changes_of, device, meal, now_ms, pull, reading

pytestmark = pytest.mark.django_db(transaction=True)


def _in_thread(target: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            target()
        except BaseException as exc:  # reported by the test, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _new_meal_data() -> dict[str, Any]:
    return {"eaten_at": timezone.now() - timedelta(hours=random.randint(1, 200)), "kcal": 100.0}


def test_a_pull_during_an_uncommitted_write_neither_returns_nor_skips_it(member):
    client = client_for(member)
    before = pull(client)["timestamp"]
    written, release = threading.Event(), threading.Event()
    created: list[uuid.UUID] = []

    def slow_writer() -> None:
        with transaction.atomic():
            created.append(record_create(MEAL, user=member, data=_new_meal_data()).instance.id)
            written.set()
            release.wait(10)  # holds the counter lock, not yet committed

    errors: list[BaseException] = []
    thread = _in_thread(slow_writer, errors)
    assert written.wait(10)
    during = pull(client, before)
    assert during["changes"]["meals"]["updated"] == []
    assert during["timestamp"] == before  # the uncommitted value is not handed out
    release.set()
    thread.join(10)

    after = pull(client, during["timestamp"])
    assert [row["id"] for row in after["changes"]["meals"]["updated"]] == [str(created[0])]
    assert errors == []


def test_a_second_write_of_the_same_user_waits_for_the_first_to_commit(member):
    written, release, second_done = threading.Event(), threading.Event(), threading.Event()
    seqs: dict[str, int] = {}

    def first() -> None:
        with transaction.atomic():
            seqs["first"] = record_create(
                MEAL, user=member, data=_new_meal_data()
            ).instance.change_seq
            written.set()
            release.wait(10)

    def second() -> None:
        seqs["second"] = record_create(MEAL, user=member, data=_new_meal_data()).instance.change_seq
        second_done.set()

    errors: list[BaseException] = []
    one = _in_thread(first, errors)
    assert written.wait(10)
    two = _in_thread(second, errors)
    # Blocked on the counter row lock: it cannot take a value, let alone commit first.
    assert not second_done.wait(0.5)
    release.set()
    one.join(10)
    two.join(10)
    assert second_done.is_set()
    assert seqs["second"] == seqs["first"] + 1
    assert errors == []


def _expected_state(user) -> dict[str, dict[str, dict[str, Any]]]:
    """The user's live rows, straight from the database, in record form."""
    state: dict[str, dict[str, dict[str, Any]]] = {}
    for table in SYNC_TABLES:
        rows = table.model.objects.filter(user=user, deleted_at__isnull=True).values(
            "id", *table.field_names
        )
        state[table.name] = {
            str(row["id"]): {
                "id": str(row["id"]),
                **{
                    c.name: (
                        row[c.name].isoformat()
                        if c.kind.value == "date"
                        else encode_value(c.kind, row[c.name])
                    )
                    for c in table.columns
                },
            }
            for row in rows
        }
    return state


class Replica:
    """What a device knows after applying every pull in order."""

    def __init__(self) -> None:
        self.state: dict[str, dict[str, dict[str, Any]]] = {t.name: {} for t in SYNC_TABLES}
        self.cursor: int | None = None
        self.pulls = 0

    def apply(self, payload: dict[str, Any]) -> None:
        assert self.cursor is None or payload["timestamp"] >= self.cursor, "cursor went back"
        for table, section in payload["changes"].items():
            assert section["created"] == []
            for row in section["updated"]:
                self.state[table][row["id"]] = row
            for record_id in section["deleted"]:
                self.state[table].pop(record_id, None)
        self.cursor = payload["timestamp"]
        self.pulls += 1


def _writer(user, stop_at: float, seed: int) -> Callable[[], None]:
    """Mixed writes of one user: REST calls, sync pushes and bulk ingest, some held open."""
    rng = random.Random(seed)

    def run() -> None:
        client = client_for(user)
        meals: list[str] = []
        readings: list[str] = []
        while time.monotonic() < stop_at:
            action = rng.choice(["rest_create", "rest_patch", "rest_delete", "push", "bulk"])
            if action == "rest_create":
                row = meal(eaten_at=now_ms(timedelta(minutes=rng.randint(1, 50000))))
                payload = {k: v for k, v in row.items() if k not in ("eaten_at",)}
                payload["eaten_at"] = (
                    timezone.now() - timedelta(minutes=rng.randint(1, 50000))
                ).isoformat()
                response = client.post("/api/v1/meals/", payload, format="json")
                assert response.status_code == 201, response.content
                meals.append(row["id"])
            elif action == "rest_patch" and meals:
                response = client.patch(
                    f"/api/v1/meals/{rng.choice(meals)}/",
                    {"kcal": float(rng.randint(0, 2000))},
                    format="json",
                )
                assert response.status_code in (200, 404), response.content
            elif action == "rest_delete" and meals:
                record_id = meals.pop(rng.randrange(len(meals)))
                assert client.delete(f"/api/v1/meals/{record_id}/").status_code in (204, 404)
            elif action == "push":
                new = [
                    reading(
                        measured_at=now_ms(timedelta(seconds=rng.randint(60, 10**7))),
                        device=f"dev-{seed}",
                        value_mgdl=float(rng.randint(40, 300)),
                    )
                    for _ in range(rng.randint(1, 4))
                ]
                gone = [readings.pop(rng.randrange(len(readings)))] if readings else []
                edited = [device(meal(kcal=float(rng.randint(1, 900))), "updated")]
                try:
                    with transaction.atomic():
                        sync_push_apply(
                            user=user,
                            changes=changes_of(
                                glucose_readings={
                                    "created": [device(r) for r in new],
                                    "deleted": gone,
                                },
                                meals={"updated": edited},
                            ),
                            last_pulled_at=2**52,  # no conflicts: this test is about the cursor
                        )
                        time.sleep(rng.random() * 0.004)  # commit late, lock held
                except SyncConflict:  # pragma: no cover - the cursor above rules it out
                    raise
                readings.extend(r["id"] for r in new)
                meals.extend(r["id"] for r in edited)
            elif action == "bulk":
                with transaction.atomic():
                    glucose_readings_ingest(
                        user=user,
                        readings=[
                            {
                                "measured_at": (
                                    timezone.now() - timedelta(seconds=rng.randint(60, 10**7))
                                ).isoformat(),
                                "value": rng.randint(40, 300),
                                "device": f"bulk-{seed}",
                            }
                            for _ in range(5)
                        ],
                    )
                    time.sleep(rng.random() * 0.004)
            close_old_connections()

    return run


def _puller(user, replica: Replica, writers_done: threading.Event) -> Callable[[], None]:
    def run() -> None:
        client = client_for(user)
        while not writers_done.is_set():
            replica.apply(pull(client, replica.cursor))
        replica.apply(pull(client, replica.cursor))  # after the last commit

    return run


@pytest.fixture
def slow_counter_read(monkeypatch):
    """Widen the window between reading the counter and reading rows."""
    original = pull_module.change_seq_current

    def slow(*, user_id):
        value = original(user_id=user_id)
        time.sleep(random.random() * 0.003)
        return value

    monkeypatch.setattr(pull_module, "change_seq_current", slow)


def test_concurrent_writes_and_pulls_the_union_of_pulls_equals_the_final_state(slow_counter_read):
    users = [
        UserFactory(email=f"hammer{i}@example.com", profile__timezone="Europe/Berlin")
        for i in range(2)
    ]
    stop_at = time.monotonic() + 6.0
    writers_done = threading.Event()
    errors: list[BaseException] = []
    replicas = {user.pk: [Replica(), Replica()] for user in users}
    writers = [
        _in_thread(_writer(user, stop_at, seed=index * 10 + n), errors)
        for index, user in enumerate(users)
        for n in range(2)
    ]
    pullers = [
        _in_thread(_puller(user, replica, writers_done), errors)
        for user in users
        for replica in replicas[user.pk]
    ]
    for thread in writers:
        thread.join(60)
    writers_done.set()
    for thread in pullers:
        thread.join(60)
    assert not any(t.is_alive() for t in writers + pullers), "a thread hung"
    assert errors == []

    for user in users:
        expected = _expected_state(user)
        assert sum(len(rows) for rows in expected.values()) > 50, "the writers did not write"
        for replica in replicas[user.pk]:
            assert replica.pulls > 10
            assert replica.state == expected
