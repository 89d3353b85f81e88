"""Push: apply a WatermelonDB change set in one transaction through the record services.

Semantics (SYNC.md): `created` for an existing id updates it, `updated` for an unknown id
creates it, `deleted` for an unknown id is ignored; a tombstoned id stays deleted and is
announced again; another user's id and rows that fail the services' validation are
reported in `experimentalRejectedIds` while the rest is applied; a row changed on the
server after `last_pulled_at` (and different from the pushed one) rejects the whole push
with 409. The user's counter lock is held from the conflict check to the commit, so no
other write of the user can land in between.

Every write goes through apps.common.records (validation, idempotency, dirty score days),
with the dirty days of the whole push marked once. New glucose readings, the bulk of a
CGM push, are validated row by row by the same code and inserted in one statement.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from apps.common import records
from apps.common.errors import DomainError, ValidationFailed
from apps.sync import confirmations
from apps.sync.changes import change_seq_lock, change_seq_next
from apps.sync.codec import (
    Decoded,
    ErrorTuple,
    RecordInvalid,
    decode_record,
    parse_id,
    same_as_stored,
)
from apps.sync.push_glucose import glucose_readings_create
from apps.sync.tables import DAY_CONFIRMATIONS, GLUCOSE_READINGS, SYNC_TABLES, SyncTable

logger = logging.getLogger(__name__)

ID_IN_USE = "This id belongs to a record you cannot change."
INVALID_ID = "Ids must be lowercase UUID strings (configure WatermelonDB's id generator)."
CHANGED_ON_SERVER = "Changed on the server after last_pulled_at: pull, merge, and push again."
MAX_PASSES = 3  # rows that failed may succeed once others moved out of their way


class SyncConflict(DomainError):
    status = 409
    code = "conflict"

    def __init__(self, ids: dict[str, list[str]]):
        super().__init__(CHANGED_ON_SERVER)
        self.ids = ids


@dataclass
class PushOutcome:
    rejected_ids: dict[str, list[str]] = field(default_factory=dict)
    rejections: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, table: SyncTable, record_id: str, errors: list[ErrorTuple]) -> None:
        self.rejected_ids.setdefault(table.name, []).append(record_id)
        self.rejections.append(
            {
                "table": table.name,
                "id": record_id,
                "errors": [{"field": f, "code": c, "message": m} for f, c, m in errors],
            }
        )


@dataclass
class _TablePush:
    table: SyncTable
    upserts: list[Decoded] = field(default_factory=list)
    deletes: list[uuid.UUID] = field(default_factory=list)
    stored: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)


def sync_push_apply(*, user, changes: dict[str, Any], last_pulled_at: int) -> PushOutcome:
    """`changes`: the body's table sections, checked for shape by push_body_parse."""
    outcome = PushOutcome()
    pushes = [_decode_table(table, changes[table.name], outcome) for table in _present(changes)]
    with transaction.atomic():
        change_seq_lock(user_id=user.pk)
        for push in pushes:
            push.stored = _stored_rows(push)
        conflicts = {
            push.table.name: ids
            for push in pushes
            if (ids := _conflicting_ids(push, user, last_pulled_at))
        }
        if conflicts:
            raise SyncConflict(conflicts)
        with records.dirty_days_batched() as dirty:
            for push in pushes:
                _apply_deletes(push, user, outcome)
            _apply_upserts(pushes, user, last_pulled_at, outcome, dirty)
    return outcome


def _present(changes: dict[str, Any]) -> list[SyncTable]:
    return [table for table in SYNC_TABLES if table.name in changes]


def _decode_table(table: SyncTable, section: dict[str, list], outcome: PushOutcome) -> _TablePush:
    push = _TablePush(table)
    deleted: dict[uuid.UUID, None] = {}
    for raw_id in section.get("deleted", []):
        record_id = parse_id(raw_id)
        if record_id is not None:  # an id that is no UUID cannot exist here: nothing to delete
            deleted[record_id] = None
    push.deletes = list(deleted)
    # One entry per id, the last one winning; `updated` first, because a row moved away
    # frees its slot (a fast's hours) for a created one.
    latest: dict[str, dict[str, Any]] = {}
    for raw in [*section.get("updated", []), *section.get("created", [])]:
        latest[raw["id"]] = raw
    for raw_id, raw in latest.items():
        record_id = parse_id(raw_id)
        if record_id is None:
            outcome.reject(table, raw_id, [("id", "invalid", INVALID_ID)])
        elif record_id not in deleted:  # a row both changed and deleted: the deletion wins
            try:
                push.upserts.append(decode_record(table, raw, record_id))
            except RecordInvalid as exc:
                outcome.reject(table, raw_id, exc.errors)
    return push


def _stored_rows(push: _TablePush) -> dict[uuid.UUID, dict[str, Any]]:
    ids = [row.id for row in push.upserts] + push.deletes
    if not ids:
        return {}
    rows = push.table.model.objects.filter(pk__in=ids).values(
        "id", "user_id", "deleted_at", "change_seq", *push.table.field_names
    )
    return {row["id"]: row for row in rows}


def _conflicting_ids(push: _TablePush, user, last_pulled_at: int) -> list[str]:
    # Deletions are not checked: a remote edit loses to a local delete on the client too.
    ids = []
    for row in push.upserts:
        stored = push.stored.get(row.id)
        if (
            stored is not None
            and stored["user_id"] == user.pk
            and stored["deleted_at"] is None
            and stored["change_seq"] > last_pulled_at
            and not _same(push.table, stored, row)
        ):
            ids.append(str(row.id))
    return ids


def _same(table: SyncTable, stored: dict[str, Any], row: Decoded) -> bool:
    return same_as_stored(table, stored, row.data)


def _apply_deletes(push: _TablePush, user, outcome: PushOutcome) -> None:
    spec = push.table.spec
    for record_id in push.deletes:
        stored = push.stored.get(record_id)
        if stored is None or (stored["user_id"] == user.pk and stored["deleted_at"] is not None):
            continue  # unknown or already deleted
        if stored["user_id"] != user.pk:
            outcome.reject(push.table, str(record_id), [("id", "id_in_use", ID_IN_USE)])
            continue
        instance = spec.model(pk=record_id, user=user)
        errors = _attempt(partial(records.record_delete, spec, user=user, instance=instance))
        if errors:
            outcome.reject(push.table, str(record_id), errors)


Pending = tuple[SyncTable, Decoded, Callable[[], None]]


def _apply_upserts(
    pushes: list[_TablePush],
    user,
    last_pulled_at: int,
    outcome: PushOutcome,
    dirty: dict[Any, set[date]],
) -> None:
    pending: list[Pending] = []
    new_readings: list[Decoded] = []
    for push in pushes:
        for row in push.upserts:
            action = _plan(push, row, user, last_pulled_at, outcome)
            if action is None:
                continue
            if push.table is GLUCOSE_READINGS and row.id not in push.stored:
                new_readings.append(row)  # the bulk path, below
            else:
                pending.append((push.table, row, action))
    for table, row, errors in _run_in_passes(pending):
        outcome.reject(table, str(row.id), errors)
    if new_readings:  # after the edits, which may have moved readings out of their slots
        failed = glucose_readings_create(user=user, rows=new_readings, dirty=dirty)
        for record_id, errors in failed.items():
            outcome.reject(GLUCOSE_READINGS, str(record_id), errors)


def _run_in_passes(pending: list[Pending]) -> list[tuple[SyncTable, Decoded, list[ErrorTuple]]]:
    """Apply each row; retry the failed ones while a pass makes progress (order within a
    push is arbitrary: a fast may only fit once another one has moved). Returns failures."""
    failures: list[tuple[Pending, list[ErrorTuple]]] = []
    for attempt in range(1, MAX_PASSES + 1):
        failures = []
        for item in pending:
            errors = _attempt(item[2])
            if errors:
                failures.append((item, errors))
        if not failures or len(failures) == len(pending) or attempt == MAX_PASSES:
            break
        pending = [item for item, _ in failures]
    return [(table, row, errors) for (table, row, _), errors in failures]


def _plan(
    push: _TablePush, row: Decoded, user, last_pulled_at: int, outcome: PushOutcome
) -> Callable[[], None] | None:
    """What to do with one pushed row; None when there is nothing to write."""
    table, spec = push.table, push.table.spec
    stored = push.stored.get(row.id)
    if stored is not None and stored["user_id"] != user.pk:
        outcome.reject(table, str(row.id), [("id", "id_in_use", ID_IN_USE)])
        return None
    if stored is not None and stored["deleted_at"] is not None:
        # Deleted on the server: it stays deleted. Make sure the device hears of it again.
        if stored["change_seq"] <= last_pulled_at:
            return lambda: _tombstone_touch(table, row.id, user)
        return None
    if stored is not None and _same(table, stored, row):
        return None  # an idempotent re-send
    if table is DAY_CONFIRMATIONS:
        return lambda: confirmations.confirmation_upsert(
            user=user, record_id=row.id, data=row.data, exists=stored is not None
        )
    return lambda: records.record_put(spec, user=user, record_id=row.id, data=row.data)


def _attempt(action: Callable[[], None]) -> list[ErrorTuple]:
    """Run one row's write in its own savepoint; its errors, or [] when it landed."""
    try:
        with transaction.atomic():
            action()
    except ValidationFailed as exc:
        return list(exc.errors)
    except DomainError as exc:
        return [(exc.field, exc.code, exc.message)]
    except (IntegrityError, DataError) as exc:
        # A constraint the service does not translate: the row is refused, the push goes on.
        logger.warning("sync push row refused by the database: %s", type(exc).__name__)
        return [(None, "invalid", "The database refused this record.")]
    return []


def _tombstone_touch(table: SyncTable, record_id: uuid.UUID, user) -> None:
    table.model.objects.filter(pk=record_id, user=user).update(
        change_seq=change_seq_next(user_id=user.pk), updated_at=timezone.now()
    )
