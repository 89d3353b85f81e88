"""Input parsing for the sync endpoints, and record shapes for the OpenAPI document.

Query parameters go through DRF serializers. A push body is checked for its shape only
(objects, lists, string ids): anything wrong there is a 400, while a wrong *value* inside a
record is the record's problem and ends up in `experimentalRejectedIds`.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from rest_framework import serializers

from apps.common.errors import ValidationFailed
from apps.sync.pull import MigrationSync
from apps.sync.tables import SYNC_TABLES, TABLES_BY_NAME, Kind, SyncTable

# Cursors are JavaScript numbers on the device: stay within the exact integer range.
MAX_CURSOR = 2**53 - 1
_DIGITS = re.compile(r"^\d{1,16}$")
_NULLS = frozenset({"", "null", "undefined"})


class CursorField(serializers.Field):
    """`last_pulled_at`: a positive integer, or absent / `null` / `0` (never pulled)."""

    default_error_messages = {
        "invalid": "A cursor returned by a pull (a positive integer), or null.",
    }

    def to_internal_value(self, data: Any) -> int | None:
        if data is None or (isinstance(data, str) and data.strip().lower() in _NULLS):
            return None
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            value = data
        elif isinstance(data, float) and data.is_integer():
            value = int(data)
        elif isinstance(data, str) and _DIGITS.match(data.strip()):
            value = int(data.strip())
        else:
            self.fail("invalid")
        if not 0 <= value <= MAX_CURSOR:
            self.fail("invalid")
        return value or None

    def to_representation(self, value: Any) -> Any:
        return value


class MigrationField(serializers.Field):
    """`migration`: WatermelonDB's `{"from", "tables", "columns": [{"table", "columns"}]}`."""

    default_error_messages = {
        "json": "Not valid JSON.",
        # Braces doubled: DRF formats these messages.
        "shape": 'Expected null or {{"from": int, "tables": [str], '
        '"columns": [{{"table": str, "columns": [str]}}]}}.',
    }

    def to_internal_value(self, data: Any) -> MigrationSync | None:
        if isinstance(data, str):
            if data.strip().lower() in _NULLS:
                return None
            try:
                data = orjson.loads(data)
            except orjson.JSONDecodeError:
                self.fail("json")
        if data is None:
            return None
        if not isinstance(data, dict):
            self.fail("shape")
        version, tables, columns = data.get("from"), data.get("tables", []), data.get("columns", [])
        if (
            isinstance(version, bool)
            or not isinstance(version, int)
            or not isinstance(tables, list)
            or not all(isinstance(t, str) for t in tables)
            or not isinstance(columns, list)
        ):
            self.fail("shape")
        added: dict[str, set[str]] = {}
        for entry in columns:
            if (
                not isinstance(entry, dict)
                or not isinstance(entry.get("table"), str)
                or not isinstance(entry.get("columns"), list)
                or not all(isinstance(c, str) for c in entry["columns"])
            ):
                self.fail("shape")
            table = TABLES_BY_NAME.get(entry["table"])
            if table is not None:  # unknown tables and columns are ignored
                known = set(table.field_names) & set(entry["columns"])
                added.setdefault(table.name, set()).update(known)
        return MigrationSync(
            from_version=version,
            tables=frozenset(t for t in tables if t in TABLES_BY_NAME),
            columns={name: frozenset(cols) for name, cols in added.items() if cols},
        )

    def to_representation(self, value: Any) -> Any:
        return value


class PullQuerySerializer(serializers.Serializer):
    last_pulled_at = CursorField(required=False, default=None)
    schema_version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    migration = MigrationField(required=False, default=None)
    tables = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    def validate_tables(self, value: str) -> list[str] | None:
        names = [name.strip() for name in value.split(",") if name.strip()]
        return names or None  # blank: every table


class PushQuerySerializer(serializers.Serializer):
    last_pulled_at = CursorField(required=False, default=None)


def push_body_parse(body: Any) -> tuple[dict[str, dict[str, list]], Any]:
    """The bare `changes` object or `{"changes": ...}` → (known tables' sections, cursor).

    The cursor is the body's `last_pulled_at` / `lastPulledAt` when it carries one (the
    query parameter is the documented place).
    """
    cursor = None
    if isinstance(body, dict) and isinstance(body.get("changes"), dict):
        cursor = body.get("last_pulled_at", body.get("lastPulledAt"))
        body = body["changes"]
    if not isinstance(body, dict):
        raise ValidationFailed([(None, "invalid", "The body must be a JSON object of tables.")])
    errors: list[tuple[str | None, str, str]] = []
    sections: dict[str, dict[str, list]] = {}
    for table in SYNC_TABLES:
        if table.name in body and body[table.name] is not None:
            section = _section(table.name, body[table.name], errors)
            if section:
                sections[table.name] = section
    if errors:
        raise ValidationFailed(errors[:20])
    return sections, cursor


def _section(name: str, value: Any, errors: list) -> dict[str, list]:
    if not isinstance(value, dict):
        errors.append((name, "invalid", "Expected {created: [], updated: [], deleted: []}."))
        return {}
    section: dict[str, list] = {}
    for key in ("created", "updated", "deleted"):
        items = value.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            errors.append((f"{name}.{key}", "invalid", "Expected a list."))
            continue
        for index, item in enumerate(items):
            if key == "deleted":
                if not isinstance(item, str):
                    errors.append((f"{name}.{key}.{index}", "invalid", "Expected an id string."))
            elif not isinstance(item, dict) or not isinstance(item.get("id"), str):
                errors.append(
                    (f"{name}.{key}.{index}", "invalid", 'Expected a record with an "id" string.')
                )
        section[key] = items
    return section


# --- OpenAPI shapes, generated from the column definitions so they cannot drift ----------

_DOC_FIELDS = {
    Kind.DATETIME: lambda c: serializers.IntegerField(
        allow_null=c.nullable, help_text="Milliseconds since the Unix epoch (UTC)."
    ),
    Kind.DATE: lambda c: serializers.DateField(help_text="Local date YYYY-MM-DD."),
    Kind.FLOAT: lambda c: serializers.FloatField(allow_null=c.nullable),
    Kind.INT: lambda c: serializers.IntegerField(allow_null=c.nullable),
    Kind.STR: lambda c: serializers.CharField(allow_blank=True),
    Kind.BOOL: lambda c: serializers.BooleanField(),
}


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _record_serializer(table: SyncTable) -> type[serializers.Serializer]:
    fields: dict[str, Any] = {"id": serializers.UUIDField()}
    fields.update({c.name: _DOC_FIELDS[c.kind](c) for c in table.columns})
    return type(f"Sync{_camel(table.name)}Record", (serializers.Serializer,), fields)


def _changes_serializer(table: SyncTable) -> serializers.Serializer:
    record = _record_serializer(table)
    fields = {
        "created": serializers.ListField(child=record(), help_text="Always empty in pulls."),
        "updated": serializers.ListField(child=record()),
        "deleted": serializers.ListField(child=serializers.UUIDField()),
    }
    shape = type(f"Sync{_camel(table.name)}Changes", (serializers.Serializer,), fields)
    return shape(required=False)


SyncChangesSerializer = type(
    "SyncChanges",
    (serializers.Serializer,),
    {table.name: _changes_serializer(table) for table in SYNC_TABLES},
)


class SyncPullResponseSerializer(serializers.Serializer):
    changes = SyncChangesSerializer()
    timestamp = serializers.IntegerField(help_text="The cursor to send as last_pulled_at.")


class SyncRejectionErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()


class SyncRejectionSerializer(serializers.Serializer):
    table = serializers.CharField()
    id = serializers.CharField()
    errors = SyncRejectionErrorSerializer(many=True)


class SyncPushResponseSerializer(serializers.Serializer):
    experimentalRejectedIds = serializers.DictField(  # WatermelonDB's name
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Per table, the ids that were not applied; the client keeps them dirty.",
    )
    rejected = SyncRejectionSerializer(many=True, help_text="Why each of them was refused.")
