"""Day confirmations pushed by devices: one live row per user and local date.

Two devices confirming the same day offline push two ids for one date. The second one is
merged into the row that holds the date (last write wins per column) and its own id is
tombstoned, so the next pull deletes the duplicate on the device and delivers the survivor.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from apps.common import records
from apps.days.models import DayConfirmation
from apps.days.services import DAY_CONFIRMATION
from apps.sync.changes import change_seq_next


def confirmation_upsert(*, user, record_id: uuid.UUID, data: dict[str, Any], exists: bool) -> None:
    """Create or update the pushed confirmation, or merge it into the date's live row."""
    day = data.get("date")
    if day is None and exists:
        day = DayConfirmation.objects.filter(pk=record_id).values_list("date", flat=True).first()
    holder = (
        DayConfirmation.objects.filter(user=user, date=day, deleted_at__isnull=True)
        .exclude(pk=record_id)
        .first()
        if day is not None
        else None
    )
    if holder is None:
        records.record_put(DAY_CONFIRMATION, user=user, record_id=record_id, data=data)
        return
    columns = {name: value for name, value in data.items() if name != "date"}
    # Always written, so that its change_seq moves past the device's cursor.
    records.record_update(DAY_CONFIRMATION, user=user, instance=holder, data=columns)
    if exists:
        records.record_delete(
            DAY_CONFIRMATION, user=user, instance=DayConfirmation(pk=record_id, user=user)
        )
        return
    # An id the server never had: store it as a tombstone only, for the device's next pull.
    DayConfirmation.objects.create(
        id=record_id,
        user=user,
        date=day,
        food_log_complete=bool(data.get("food_log_complete", False)),
        no_exercise=bool(data.get("no_exercise", False)),
        deleted_at=timezone.now(),
        change_seq=change_seq_next(user_id=user.pk),
    )
