"""Pull: the changes of one user since a cursor, as WatermelonDB expects them.

The cursor is the user's ChangeCounter value (docs/sync.md has the full argument):

1. Read the counter value C first. Every write takes the next counter value while holding
   the counter row's lock until it commits, so once C is visible every write with a value
   <= C has committed (or rolled back).
2. Then read rows with last_pulled_at < change_seq <= C. A write that commits later gets a
   value > C and is returned by the next pull; a row rewritten meanwhile is skipped now and
   returned next time with its newest content.

Rows are read with per-table index range scans on (user, change_seq), so an incremental
pull costs what changed, not the user's history. The body is produced as a stream of byte
chunks (orjson per batch of rows from a server-side cursor): a first sync never holds the
whole response, or the whole row set, in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import orjson
from django.db.models import Q, QuerySet

from apps.sync.changes import change_seq_advance, change_seq_current
from apps.sync.codec import encode_value
from apps.sync.tables import SYNC_TABLES, Kind, SyncTable

ROWS_PER_CHUNK = 1000
FETCH_SIZE = 2000


@dataclass(frozen=True)
class MigrationSync:
    """The client upgraded its schema: new tables and new columns to backfill."""

    from_version: int
    tables: frozenset[str] = frozenset()
    columns: dict[str, frozenset[str]] = field(default_factory=dict)

    def wants(self, table: SyncTable) -> bool:
        return table.name in self.tables or bool(self.columns.get(table.name))


@dataclass(frozen=True)
class PullResult:
    timestamp: int
    # A full, re-sync or migration pull: big enough that the view should stream it.
    large: bool
    chunks: Iterator[bytes]


@dataclass(frozen=True)
class _Window:
    upper: int
    lower: int | None  # exclusive; None = from the beginning
    tombstones: bool


def sync_pull(
    *,
    user,
    last_pulled_at: int | None,
    tables: Sequence[str] | None = None,
    migration: MigrationSync | None = None,
) -> PullResult:
    """Plan a pull; the rows are read lazily while the returned chunks are consumed."""
    current = change_seq_current(user_id=user.pk)  # FIRST, before any row is read
    if not last_pulled_at:
        window = _Window(upper=current, lower=None, tombstones=False)
    elif last_pulled_at > current:
        # A cursor from the future (the database was restored from a backup): send the whole
        # state with tombstones, and move the counter past the cursor so that later writes
        # are not hidden behind it and the cursor never goes backwards.
        upper = change_seq_advance(user_id=user.pk, at_least=last_pulled_at)
        window = _Window(upper=upper, lower=None, tombstones=True)
    else:
        window = _Window(upper=current, lower=last_pulled_at, tombstones=True)
    selected = _selected(tables)
    large = window.lower is None or (
        migration is not None and any(migration.wants(t) for t in selected)
    )
    return PullResult(
        timestamp=window.upper,
        large=large,
        chunks=_body(user.pk, selected, window, migration, stream=large),
    )


def _selected(names: Sequence[str] | None) -> list[SyncTable]:
    if names is None:
        return list(SYNC_TABLES)
    wanted = set(names)
    return [table for table in SYNC_TABLES if table.name in wanted]  # unknown names ignored


def _body(
    user_id,
    tables: Iterable[SyncTable],
    window: _Window,
    migration: MigrationSync | None,
    *,
    stream: bool,
) -> Iterator[bytes]:
    yield b'{"changes":{'
    for index, table in enumerate(tables):
        if index:
            yield b","
        rows = _rows(user_id, table, window, migration)
        # A server-side cursor keeps a first sync's memory flat; a handful of changed rows
        # is cheaper in one plain round trip.
        yield from _table_chunks(table, rows.iterator(chunk_size=FETCH_SIZE) if stream else rows)
    yield b'},"timestamp":%d}' % window.upper


def _rows(user_id, table: SyncTable, window: _Window, migration: MigrationSync | None) -> QuerySet:
    live = Q(deleted_at__isnull=True)
    if window.lower is None:
        wanted = Q() if window.tombstones else live
    else:
        wanted = Q(change_seq__gt=window.lower)
        if migration is not None and table.name in migration.tables:
            wanted |= live
        elif migration is not None and migration.columns.get(table.name):
            filled = Q()
            for name in sorted(migration.columns[table.name]):
                filled |= Q(**{f"{name}__isnull": False})
            wanted |= live & filled
    return (
        table.model.objects.filter(Q(user_id=user_id, change_seq__lte=window.upper) & wanted)
        .order_by()  # the models' default time ordering would sort a year of rows for nothing
        .values_list("id", "deleted_at", *table.field_names)
    )


def _table_chunks(table: SyncTable, rows: Iterable[tuple]) -> Iterator[bytes]:
    names = table.field_names
    datetimes = [i for i, column in enumerate(table.columns) if column.kind is Kind.DATETIME]
    yield b'"%s":{"created":[],"updated":[' % table.name.encode()
    deleted: list = []
    batch: list[dict] = []
    first = True
    for row in rows:
        if row[1] is not None:
            deleted.append(row[0])
            continue
        values = list(row[2:])
        for i in datetimes:
            values[i] = encode_value(Kind.DATETIME, values[i])
        record = {"id": row[0]}
        record.update(zip(names, values, strict=True))
        batch.append(record)
        if len(batch) >= ROWS_PER_CHUNK:
            yield (b"" if first else b",") + orjson.dumps(batch)[1:-1]
            first = False
            batch = []
    if batch:
        yield (b"" if first else b",") + orjson.dumps(batch)[1:-1]
    yield b'],"deleted":' + orjson.dumps(deleted) + b"}"
