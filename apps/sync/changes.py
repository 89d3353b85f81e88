"""Allocating change sequence numbers. Must run inside the writing transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F

from apps.sync.models import ChangeCounter


def change_seq_next(*, user_id: UUID) -> int:
    """Lock the user's counter row, bump it and return the new value.

    The row lock is held until the caller's transaction ends: that is what makes one
    user's writes commit in counter order.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("change_seq_next must run inside transaction.atomic()")
    table = ChangeCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, value) VALUES (%s, 2) "  # noqa: S608
            f"ON CONFLICT (user_id) DO UPDATE SET value = {table}.value + 1 RETURNING value",
            [user_id.hex if connection.vendor == "sqlite" else user_id],
        )
        return int(cursor.fetchone()[0])


def change_seq_lock(*, user_id: UUID) -> int:
    """Take the user's counter row lock for the rest of the transaction without bumping it.

    A sync push holds it while it checks for conflicts and applies rows, so no other write
    of the user can slip in between the check and the write. Returns the current value.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("change_seq_lock must run inside transaction.atomic()")
    table = ChangeCounter._meta.db_table
    param = user_id.hex if connection.vendor == "sqlite" else user_id
    # SQLite has no FOR UPDATE; its INSERT takes the database write lock instead.
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, value) VALUES (%s, 1) "  # noqa: S608
            "ON CONFLICT (user_id) DO NOTHING",
            [param],
        )
        cursor.execute(f"SELECT value FROM {table} WHERE user_id = %s{lock}", [param])  # noqa: S608
        return int(cursor.fetchone()[0])


def change_seq_advance(*, user_id: UUID, at_least: int) -> int:
    """Raise the user's counter to `at_least` (never lower it); returns the new value.

    For a client whose cursor is ahead of the counter (a database restored from a backup):
    later writes must get values above that cursor or the client would skip them.
    """
    with transaction.atomic():
        current = change_seq_lock(user_id=user_id)
        if current >= at_least:
            return current
        ChangeCounter.objects.filter(user_id=user_id).update(value=at_least)
        return at_least


class Versions(NamedTuple):
    """A user's data versions: tracked rows (`changes`) and derived scores (`scores`)."""

    changes: int
    scores: int


def versions_current(*, user_id: UUID) -> Versions:
    """Both committed versions in one query (1 and 0 when the user has no counter yet)."""
    row = ChangeCounter.objects.filter(user_id=user_id).values_list("value", "score_seq").first()
    return Versions(*row) if row is not None else Versions(1, 0)


def versions_of(user) -> Versions:
    """versions_current for a loaded user, without a query when the counter came with it."""
    try:
        counter = user.change_counter
    except ChangeCounter.DoesNotExist:
        return Versions(1, 0)
    return Versions(counter.value, counter.score_seq)


def score_seq_bump(*, user_ids: Iterable[UUID]) -> None:
    """Move the users' score version. Call only after the score change has committed
    (transaction.on_commit): a reader that saw the old version may have cached what it read
    before the commit, and the bump is what retires that entry. Outside the scoring
    transaction on purpose: taking counter rows there would wait on, and can deadlock
    with, the users' writes, which lock the counter before they mark days dirty."""
    ids = list(set(user_ids))
    if not ids:
        return
    bump = {"score_seq": F("score_seq") + 1}
    if ChangeCounter.objects.filter(user_id__in=ids).update(**bump) < len(ids):
        # Users who never wrote a tracked row have no counter yet: create, then bump all
        # (moving an existing version twice is harmless; only a change matters).
        known = set(get_user_model().objects.filter(pk__in=ids).values_list("pk", flat=True))
        ChangeCounter.objects.bulk_create(
            [ChangeCounter(user_id=user_id) for user_id in known], ignore_conflicts=True
        )
        ChangeCounter.objects.filter(user_id__in=known).update(**bump)


def change_seq_current(*, user_id: UUID) -> int:
    """The last committed value (1 when the user never wrote anything)."""
    value = ChangeCounter.objects.filter(user_id=user_id).values_list("value", flat=True).first()
    return int(value) if value is not None else 1


__all__ = [
    "change_seq_advance",
    "change_seq_current",
    "change_seq_lock",
    "change_seq_next",
    "score_seq_bump",
    "transaction",
    "versions_current",
    "versions_of",
]
