"""Allocating change sequence numbers. Must run inside the writing transaction."""

from __future__ import annotations

from uuid import UUID

from django.db import connection, transaction

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


def change_seq_current(*, user_id: UUID) -> int:
    """The last committed value (1 when the user never wrote anything)."""
    value = ChangeCounter.objects.filter(user_id=user_id).values_list("value", flat=True).first()
    return int(value) if value is not None else 1


def change_seq_of(user) -> int:
    """change_seq_current for a loaded user, without a query when the counter came with it
    (the API's authentication joins it)."""
    try:
        return int(user.change_counter.value)
    except ChangeCounter.DoesNotExist:
        return 1


__all__ = [
    "change_seq_advance",
    "change_seq_current",
    "change_seq_lock",
    "change_seq_next",
    "change_seq_of",
    "transaction",
]
