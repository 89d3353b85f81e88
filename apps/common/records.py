"""The one write path for user-owned, synced records (REST and sync push share it).

Each domain app describes its model with a `RecordSpec`; the functions here give every
model the same guarantees: per-user serialised writes with a change sequence number (the
sync cursor), model validation plus the app's cross-object rules, idempotent creates by
client id, tombstones instead of deletes, and dirty score days in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from apps.common.errors import Conflict, NotFound, ValidationFailed

M = TypeVar("M", bound=models.Model)

ID_IN_USE = "This id is already in use by another record."
ID_DELETED = "This record was deleted; create a new one with a new id."
DIFFERENT_CONTENT = "A record with this id exists with different content."


@dataclass(frozen=True)
class RecordSpec(Generic[M]):
    model: type[M]
    fields: tuple[str, ...]
    # Cross-object rules; raises DomainError. Receives the unsaved instance.
    validate: Callable[[M], None] = lambda instance: None
    # Local days whose score this version of the record touches.
    dirty_dates: Callable[[M, str], Iterable[date]] = lambda instance, tz: ()
    # Translate IntegrityErrors of database constraints into domain errors.
    integrity_errors: dict[str, Exception] = field(default_factory=dict)


@dataclass(frozen=True)
class WriteResult(Generic[M]):
    instance: M
    created: bool


def user_timezone(user) -> str:
    profile = getattr(user, "profile", None)
    return profile.timezone if profile is not None else "UTC"


def record_get(spec: RecordSpec[M], *, user, record_id: uuid.UUID | str) -> M:
    """A live record of this user, or NotFound (another user's id is 404 too)."""
    try:
        return spec.model.objects.get(pk=record_id, user=user, deleted_at__isnull=True)
    except (spec.model.DoesNotExist, DjangoValidationError, ValueError):
        raise NotFound("Not found.") from None


def record_create(
    spec: RecordSpec[M], *, user, data: dict[str, Any], record_id: uuid.UUID | None = None
) -> WriteResult[M]:
    """Create, or return the stored record when the same id and content are re-sent."""
    with transaction.atomic():
        seq = _next_seq(user)
        if record_id is not None:
            existing = spec.model.objects.filter(pk=record_id).first()
            if existing is not None:
                return WriteResult(_same_or_conflict(spec, user, existing, data), created=False)
        instance = spec.model(id=record_id or uuid.uuid4(), user=user, **data)
        _save(spec, user, instance, seq, before=None)
    return WriteResult(instance, created=True)


def record_put(
    spec: RecordSpec[M], *, user, record_id: uuid.UUID, data: dict[str, Any]
) -> WriteResult[M]:
    """PUT semantics: replace a live record of the user, or create it under the client id."""
    with transaction.atomic():
        seq = _next_seq(user)
        existing = spec.model.objects.select_for_update().filter(pk=record_id).first()
        if existing is None:
            instance = spec.model(id=record_id, user=user, **data)
            _save(spec, user, instance, seq, before=None)
            return WriteResult(instance, created=True)
        _check_owner_live(existing, user)
        before = _snapshot(spec, existing)
        for name in spec.fields:
            if name in data:
                setattr(existing, name, data[name])
        _save(spec, user, existing, seq, before=before)
    return WriteResult(existing, created=False)


def record_update(
    spec: RecordSpec[M],
    *,
    user,
    instance: M,
    data: dict[str, Any],
    precondition: Callable[[M], None] | None = None,
) -> M:
    """Partial update; `precondition` runs on the locked current row (e.g. "not ended")."""
    with transaction.atomic():
        seq = _next_seq(user)
        current = spec.model.objects.select_for_update().get(pk=instance.pk)
        _check_owner_live(current, user)
        if precondition is not None:
            precondition(current)
        before = _snapshot(spec, current)
        for name, value in data.items():
            if name in spec.fields:
                setattr(current, name, value)
        _save(spec, user, current, seq, before=before)
    return current


def record_delete(spec: RecordSpec[M], *, user, instance: M) -> None:
    """Tombstone the record so that devices learn about the deletion on their next pull."""
    with transaction.atomic():
        seq = _next_seq(user)
        current = spec.model.objects.select_for_update().get(pk=instance.pk)
        _check_owner_live(current, user)
        current.deleted_at = timezone.now()
        current.change_seq = seq
        current.save(update_fields=["deleted_at", "change_seq", "updated_at"])
        _mark_dirty(spec, user, current, None)


def _next_seq(user) -> int:
    from apps.sync.changes import change_seq_next

    return change_seq_next(user_id=user.pk)


def _check_owner_live(instance, user) -> None:
    if instance.user_id != user.pk:
        raise NotFound("Not found.")
    if instance.deleted_at is not None:
        raise NotFound("Not found.")


def _same_or_conflict(spec: RecordSpec[M], user, existing: M, data: dict[str, Any]) -> M:
    if existing.user_id != user.pk:
        raise Conflict(ID_IN_USE, field="id", code="id_in_use")
    if existing.deleted_at is not None:
        raise Conflict(ID_DELETED, field="id", code="deleted")
    probe = spec.model(id=existing.pk, user=user, **data)
    if _snapshot(spec, probe) != _snapshot(spec, existing):
        raise Conflict(DIFFERENT_CONTENT, field="id", code="different_content")
    return existing


def _snapshot(spec: RecordSpec, instance) -> tuple:
    return tuple(normalised_value(getattr(instance, name)) for name in spec.fields)


def normalised_value(value: Any) -> Any:
    # Floats arrive from JSON and from the database; compare them at storage precision.
    if isinstance(value, float):
        return round(value, 6)
    return value


def _save(spec: RecordSpec, user, instance, seq: int, *, before: tuple | None) -> None:
    instance.change_seq = seq
    record_clean(spec, instance)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        for constraint, error in spec.integrity_errors.items():
            if constraint in str(exc):
                raise error from None
        raise
    _mark_dirty(spec, user, instance, before)


def record_clean(spec: RecordSpec[M], instance: M) -> None:
    """Model validation plus the app's cross-object rules; raises ValidationFailed/DomainError.

    Public so that bulk paths (sync push) validate exactly like a single write.
    """
    try:
        instance.full_clean(
            exclude=["user", "id"], validate_unique=False, validate_constraints=False
        )
    except DjangoValidationError as exc:
        raise ValidationFailed(
            [
                (name, getattr(err, "code", None) or "invalid", msg)
                for name, errs in exc.error_dict.items()
                for err in errs
                for msg in err
            ]
        ) from None
    spec.validate(instance)


# user id -> dates, while `dirty_days_batched()` is active in this context.
_DIRTY_BATCH: ContextVar[dict[Any, set[date]] | None] = ContextVar(
    "records_dirty_batch", default=None
)


@contextmanager
def dirty_days_batched() -> Iterator[dict[Any, set[date]]]:
    """Collect the dirty score days of many writes and mark them once when the block ends.

    For a batch of writes in one transaction (a sync push): one DirtyDay upsert and one
    recompute enqueue per user instead of one per row, so a hung broker costs one timeout.
    Callers may add dates to the yielded dict themselves. Nothing is marked on an exception
    (the transaction rolls back anyway).
    """
    from apps.scoring.services import score_days_mark_dirty

    batch: dict[Any, set[date]] = {}
    token = _DIRTY_BATCH.set(batch)
    try:
        yield batch
    finally:
        _DIRTY_BATCH.reset(token)
    for user_id, dates in batch.items():
        score_days_mark_dirty(user_id=user_id, dates=dates)


def _mark_dirty(spec: RecordSpec, user, instance, before: tuple | None) -> None:
    from apps.scoring.services import score_days_mark_dirty

    tz = user_timezone(user)
    dates = set(spec.dirty_dates(instance, tz))
    if before is not None:
        # The old version's days change too (a meal moved to another day).
        old = spec.model(user_id=user.pk, **dict(zip(spec.fields, before, strict=True)))
        dates |= set(spec.dirty_dates(old, tz))
    batch = _DIRTY_BATCH.get()
    if batch is not None:
        batch.setdefault(user.pk, set()).update(dates)
        return
    score_days_mark_dirty(user_id=user.pk, dates=dates)
