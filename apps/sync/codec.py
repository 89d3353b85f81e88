"""Converting between sync records (JSON values) and model field values.

Datetimes travel as integer milliseconds since the Unix epoch. The conversion is integer
arithmetic (float seconds × 1000 can land one millisecond low), and comparisons are made at
millisecond precision: a REST write may store microseconds that a record cannot carry.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from apps.common.records import normalised_value
from apps.sync.tables import Column, Kind, SyncTable

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_MS = timedelta(milliseconds=1)
# 9999-12-31T23:59:59.999Z: the largest moment a DateTimeField can hold.
MAX_MS = 253_402_300_799_999
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

ErrorTuple = tuple[str | None, str, str]


def ms_from_datetime(moment: datetime) -> int:
    return (moment - EPOCH) // ONE_MS


def datetime_from_ms(value: int) -> datetime:
    return EPOCH + timedelta(milliseconds=value)


@dataclass(frozen=True)
class Decoded:
    """A pushed record that passed type checks: its id and model field values."""

    id: uuid.UUID
    data: dict[str, Any]


class RecordInvalid(Exception):
    def __init__(self, errors: list[ErrorTuple]):
        super().__init__(errors[0][2])
        self.errors = errors


def parse_id(raw: Any) -> uuid.UUID | None:
    """The canonical lowercase UUID string a WatermelonDB UUID generator produces, or None.

    Other spellings (upper case, no dashes, braces) would come back from a pull in canonical
    form under a different id than the device has, so they are refused.
    """
    if not isinstance(raw, str) or len(raw) != 36:
        return None
    try:
        parsed = uuid.UUID(raw)
    except ValueError:
        return None
    return parsed if str(parsed) == raw else None


def decode_record(table: SyncTable, raw: dict[str, Any], record_id: uuid.UUID) -> Decoded:
    """Type-check the whitelisted columns present in `raw`; ranges are the services' job."""
    data: dict[str, Any] = {}
    errors: list[ErrorTuple] = []
    for column in table.columns:
        if column.name not in raw:
            continue
        try:
            data[column.name] = decode_value(column, raw[column.name])
        except ValueError as exc:
            code, message = exc.args
            errors.append((column.name, code, message))
    if errors:
        raise RecordInvalid(errors)
    return Decoded(record_id, data)


def decode_value(column: Column, value: Any) -> Any:
    if value is None:
        if column.kind is Kind.STR:
            return ""
        if column.nullable:
            return None
        raise ValueError("null", "This field may not be null.")
    kind = column.kind
    if kind is Kind.STR:
        if not isinstance(value, str):
            raise ValueError("invalid", "A string is required.")
        if "\x00" in value:
            raise ValueError("null_characters_not_allowed", "Null characters are not allowed.")
        return value
    if kind is Kind.BOOL:
        if not isinstance(value, bool):
            raise ValueError("invalid", "true or false is required.")
        return value
    if kind is Kind.DATE:
        if not isinstance(value, str) or not _DATE.match(value):
            raise ValueError("invalid", "A date as YYYY-MM-DD is required.")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError("invalid", "Not a calendar date.") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("invalid", "A number is required.")
    if kind is Kind.FLOAT:
        return float(value)
    if kind is Kind.INT:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("invalid", "A whole number is required.")
        return int(value)
    # Kind.DATETIME
    if not 0 <= value <= MAX_MS:
        raise ValueError(
            "invalid", "Milliseconds since the Unix epoch (UTC), between 1970 and 9999."
        )
    return datetime_from_ms(round(value))


def encode_value(kind: Kind, value: Any) -> Any:
    if value is not None and kind is Kind.DATETIME:
        return ms_from_datetime(value)
    return value  # orjson writes dates as YYYY-MM-DD and UUIDs in canonical form


def same_value(kind: Kind, stored: Any, pushed: Any) -> bool:
    """Equal as a record would carry them (datetimes to the millisecond, floats rounded)."""
    if kind is Kind.DATETIME and stored is not None and pushed is not None:
        return ms_from_datetime(stored) == ms_from_datetime(pushed)
    return normalised_value(stored) == normalised_value(pushed)


def same_as_stored(table: SyncTable, stored: dict[str, Any], data: dict[str, Any]) -> bool:
    return all(
        same_value(column.kind, stored[column.name], data[column.name])
        for column in table.columns
        if column.name in data
    )
