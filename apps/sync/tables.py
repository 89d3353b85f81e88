"""The synced tables: WatermelonDB table name → the app's RecordSpec and typed columns.

Columns are the whitelist of a sync record (API.md's snake_case names); anything else a
client sends (`_status`, `_changed`, `created_at`, `user`...) is ignored. Every column is a
model field of the spec, so a pushed row is written through the same service as REST.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from apps.activity.services import EXERCISE_SESSION
from apps.common.records import RecordSpec
from apps.days.services import DAY_CONFIRMATION
from apps.fasting.services import FASTING_WINDOW
from apps.glucose.services import GLUCOSE_READING
from apps.nutrition.services import MEAL


class Kind(Enum):
    DATETIME = "datetime"  # milliseconds since the Unix epoch (UTC) in records
    DATE = "date"  # "YYYY-MM-DD"
    FLOAT = "float"
    INT = "int"
    STR = "str"  # null from a client means ""
    BOOL = "bool"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    nullable: bool = False


@dataclass(frozen=True)
class SyncTable:
    name: str
    spec: RecordSpec
    columns: tuple[Column, ...]

    @property
    def model(self):
        return self.spec.model

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def _c(name: str, kind: Kind, nullable: bool = False) -> Column:
    return Column(name, kind, nullable)


DT, DATE, FLOAT, INT, STR, BOOL = (
    Kind.DATETIME,
    Kind.DATE,
    Kind.FLOAT,
    Kind.INT,
    Kind.STR,
    Kind.BOOL,
)

FASTING_WINDOWS = SyncTable(
    "fasting_windows",
    FASTING_WINDOW,
    (
        _c("started_at", DT),
        _c("ended_at", DT, nullable=True),
        _c("target_hours", FLOAT, nullable=True),
        _c("protocol", STR),
        _c("note", STR),
    ),
)
MEALS = SyncTable(
    "meals",
    MEAL,
    (
        _c("eaten_at", DT),
        _c("name", STR),
        _c("kcal", FLOAT),
        *(
            _c(name, FLOAT, nullable=True)
            for name in ("protein_g", "carbs_g", "fat_g", "fiber_g", "leucine_g")
        ),
    ),
)
GLUCOSE_READINGS = SyncTable(
    "glucose_readings",
    GLUCOSE_READING,
    (
        _c("measured_at", DT),
        _c("value_mgdl", FLOAT),
        _c("censored", STR),
        _c("source", STR),
        _c("device", STR),
        _c("trend", STR),
    ),
)
EXERCISE_SESSIONS = SyncTable(
    "exercise_sessions",
    EXERCISE_SESSION,
    (
        _c("started_at", DT),
        _c("minutes", INT),
        _c("intensity", STR),
        _c("kind", STR),
        _c("note", STR),
    ),
)
DAY_CONFIRMATIONS = SyncTable(
    "day_confirmations",
    DAY_CONFIRMATION,
    (_c("date", DATE), _c("food_log_complete", BOOL), _c("no_exercise", BOOL)),
)

# Order matters for a push: fasts and meals first, confirmations last.
SYNC_TABLES: tuple[SyncTable, ...] = (
    FASTING_WINDOWS,
    MEALS,
    GLUCOSE_READINGS,
    EXERCISE_SESSIONS,
    DAY_CONFIRMATIONS,
)
TABLES_BY_NAME: dict[str, SyncTable] = {table.name: table for table in SYNC_TABLES}

for _table in SYNC_TABLES:  # a column the service would not write is a bug
    assert set(_table.field_names) <= set(_table.spec.fields), _table.name
