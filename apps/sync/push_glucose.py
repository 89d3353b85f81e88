"""The fast path for new glucose readings in a push (a CGM device pushes thousands).

Each reading is validated by the same code as a single write (`records.record_clean`: model
validation plus GLUCOSE_READING's rules) and they are stored with the bulk ingest's single
`INSERT ... FROM unnest(...) ON CONFLICT DO NOTHING`. What the per-row path would refuse
is refused here too: a second reading for the same (device, measured_at), in the push or
stored, and an id taken meanwhile. The caller holds the user's counter lock and passes ids
that did not exist when it looked.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django.utils import timezone

from apps.common.errors import DomainError, ValidationFailed
from apps.common.records import record_clean, user_timezone
from apps.glucose.bulk import readings_insert  # the ingest's unnest INSERT
from apps.glucose.models import GlucoseReading
from apps.glucose.services import DUPLICATE_DEVICE_TIME, GLUCOSE_READING
from apps.sync.changes import change_seq_next
from apps.sync.codec import Decoded, ErrorTuple

ID_TAKEN = "This id belongs to a record you cannot change."


def glucose_readings_create(
    *, user, rows: list[Decoded], dirty: dict[uuid.UUID, set[date]]
) -> dict[uuid.UUID, list[ErrorTuple]]:
    """Insert the valid readings in one statement; returns the refused ones with errors."""
    refused: dict[uuid.UUID, list[ErrorTuple]] = {}
    valid: list[GlucoseReading] = []
    seen: set[tuple[str, datetime]] = set()
    for row in rows:
        reading = GlucoseReading(id=row.id, user=user, **row.data)
        try:
            record_clean(GLUCOSE_READING, reading)
        except ValidationFailed as exc:
            refused[row.id] = list(exc.errors)
            continue
        except DomainError as exc:
            refused[row.id] = [(exc.field, exc.code, exc.message)]
            continue
        key = (reading.device, reading.measured_at)
        if key in seen:
            refused[row.id] = [("measured_at", "duplicate", DUPLICATE_DEVICE_TIME)]
            continue
        seen.add(key)
        valid.append(reading)
    if not valid:
        return refused

    seq = change_seq_next(user_id=user.pk)
    stored = set(
        readings_insert(
            user.pk,
            [
                (r.id, r.measured_at, r.value_mgdl, r.censored, r.source, r.device, r.trend)
                for r in valid
            ],
            seq,
            timezone.now(),
        )
    )
    left_out = [r.id for r in valid if r.id not in stored]
    if left_out:
        taken = set(GlucoseReading.objects.filter(pk__in=left_out).values_list("pk", flat=True))
        for record_id in left_out:
            refused[record_id] = (
                [("id", "id_in_use", ID_TAKEN)]
                if record_id in taken
                else [("measured_at", "duplicate", DUPLICATE_DEVICE_TIME)]
            )
    tz = user_timezone(user)
    days = dirty.setdefault(user.pk, set())
    for reading in valid:
        if reading.id in stored:
            days.update(GLUCOSE_READING.dirty_dates(reading, tz))
    return refused
