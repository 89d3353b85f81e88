"""Serializer fields shared by the domain APIs."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from rest_framework import serializers

from apps.common.timeutils import EARLIEST, TOO_EARLY


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with an offset; naive datetimes are rejected (API.md), output in UTC with Z."""

    default_error_messages = {
        "naive": "Datetimes need a UTC offset, e.g. 2026-11-26T08:00:00+01:00.",
        "too_early": TOO_EARLY,
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        elif isinstance(value, datetime) and value.tzinfo is None:
            self.fail("naive")
        result = super().to_internal_value(value).astimezone(UTC)
        if result < EARLIEST:
            self.fail("too_early")
        return result

    def to_representation(self, value):
        if value is None:
            return None
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class FiniteFloatField(serializers.FloatField):
    """Rejects NaN, Infinity and booleans, which Python's float() would accept."""

    default_error_messages = {"not_finite": "A finite number is required."}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("not_finite")
        return value
