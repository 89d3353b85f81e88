"""Glucose writes: single readings through the shared record path; bulk ingest in bulk.py."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from apps.common.errors import Conflict, DomainError
from apps.common.records import RecordSpec
from apps.common.timeutils import local_date
from apps.common.units import MGDL, MGDL_PER_MMOLL, MMOLL, to_mgdl
from apps.glucose.models import HIGH_MGDL, LOW_MGDL, MAX_MGDL, MIN_MGDL, GlucoseReading

DUPLICATE_DEVICE_TIME = "A reading from this device at this time already exists."
IN_FUTURE = "A reading cannot be more than 5 minutes in the future."
FUTURE_SLACK = timedelta(minutes=5)
SENTINELS = {"LOW": (LOW_MGDL, "low"), "HIGH": (HIGH_MGDL, "high")}


def out_of_range_message(value: float, unit: str) -> str:
    if unit == MMOLL:
        lo, hi = MIN_MGDL / MGDL_PER_MMOLL, MAX_MGDL / MGDL_PER_MMOLL
        hint = " Is it in mg/dL?" if value > hi else ""
        return f"{value:g} mmol/L is outside the accepted {lo:.1f}–{hi:.1f} mmol/L.{hint}"
    hint = " Is it in mmol/L?" if value < MIN_MGDL else ""
    return f"{value:g} mg/dL is outside the accepted {MIN_MGDL}–{MAX_MGDL} mg/dL.{hint}"


def glucose_value_to_mgdl(*, value: float | str, unit: str = MGDL) -> tuple[float, str]:
    """(value_mgdl, censored) from an input value: a number in `unit`, or "LOW"/"HIGH"."""
    if isinstance(value, str):
        sentinel = SENTINELS.get(value.strip().upper())
        if sentinel is None:
            raise DomainError(
                'Use a number or the sensor sentinels "LOW" / "HIGH".',
                field="value",
                code="invalid",
            )
        return sentinel
    if unit not in (MGDL, MMOLL):
        raise DomainError(
            f"Unknown unit '{unit}'; use mg/dL or mmol/L.", field="unit", code="invalid_unit"
        )
    mgdl = to_mgdl(float(value), unit)
    if not MIN_MGDL <= mgdl <= MAX_MGDL:
        raise DomainError(
            out_of_range_message(float(value), unit), field="value", code="out_of_range"
        )
    return round(mgdl, 4), ""


def _validate(reading: GlucoseReading) -> None:
    if reading.measured_at > timezone.now() + FUTURE_SLACK:
        raise DomainError(IN_FUTURE, field="measured_at", code="in_future")


def _dirty_dates(reading: GlucoseReading, tz: str) -> list[date]:
    return [local_date(reading.measured_at, tz)]


GLUCOSE_READING = RecordSpec(
    model=GlucoseReading,
    fields=("measured_at", "value_mgdl", "censored", "source", "device", "trend"),
    validate=_validate,
    dirty_dates=_dirty_dates,
    integrity_errors={
        "glucose_unique_device_time": Conflict(
            DUPLICATE_DEVICE_TIME, field="measured_at", code="duplicate"
        ),
    },
)
