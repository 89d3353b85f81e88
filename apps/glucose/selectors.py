"""Glucose reads: readings of a window and the consensus metrics over local days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from statistics import median
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL

from apps.common.db import rows_binary
from apps.common.timeutils import iter_dates, local_day_bounds
from apps.glucose.metrics import Reading as MetricReading
from apps.glucose.metrics import agp_percentiles, compute_metrics_from_rows
from apps.glucose.models import GlucoseReading, Source


def glucose_rows(*, user_id, start: datetime, end: datetime, cgm_only: bool = True) -> list[tuple]:
    """(measured_at, mg/dL, censored) of live readings in [start, end), oldest first."""
    queryset = GlucoseReading.objects.filter(
        user_id=user_id, deleted_at__isnull=True, measured_at__gte=start, measured_at__lt=end
    )
    if cgm_only:
        queryset = queryset.filter(source=Source.CGM)
    return rows_binary(
        queryset.order_by("measured_at").values_list("measured_at", "value_mgdl", "censored")
    )


def glucose_epoch_rows(*, user_id, start: datetime, end: datetime) -> list[tuple]:
    """(epoch seconds, mg/dL, censored) of live CGM readings in [start, end), oldest first.

    The database converts the time to a float: parsing ~100 k timestamps in Python costs
    more than everything else the metrics do.
    """
    epoch = (
        "date_part('epoch', measured_at)"
        if connection.vendor == "postgresql"
        else "(julianday(measured_at) - 2440587.5) * 86400.0"
    )
    return rows_binary(
        GlucoseReading.objects.filter(
            user_id=user_id,
            deleted_at__isnull=True,
            source=Source.CGM,
            measured_at__gte=start,
            measured_at__lt=end,
        )
        .order_by("measured_at")
        .annotate(epoch=RawSQL(epoch, ()))  # noqa: S611 - constant SQL, no user input
        .values_list("epoch", "value_mgdl", "censored")
    )


def device_interval_minutes(rows: list[tuple]) -> float:
    """5 minutes for CGMs, 15 for Libre-style history: read off the median gap of
    (epoch seconds, ...) rows."""
    gaps = [(rows[i + 1][0] - rows[i][0]) / 60 for i in range(min(len(rows) - 1, 200))]
    if len(gaps) < 2:
        return 5.0
    return 15.0 if 12 <= median(gaps) <= 18 else 5.0


def metrics_for_rows(
    rows: list[tuple], *, start: datetime, end: datetime, days: int
) -> dict[str, Any]:
    interval = device_interval_minutes(rows)
    metrics = compute_metrics_from_rows(
        rows,
        start=start,
        end=end,
        days=days,
        interval_minutes=interval,
    )
    return {**metrics.as_dict(), "interval_minutes": interval}


def glucose_metrics_range(
    *, user_id, tz: str, start_date: date, end_date: date, agp: bool = False
) -> dict[str, Any]:
    start, _ = local_day_bounds(start_date, tz)
    _, end = local_day_bounds(end_date, tz)
    rows = glucose_epoch_rows(user_id=user_id, start=start, end=end)
    days = (end_date - start_date).days + 1
    per_day = []
    cursor = 0
    for day in iter_dates(start_date, end_date):
        day_start, day_end = local_day_bounds(day, tz)
        first = cursor
        day_end_epoch = day_end.timestamp()
        while cursor < len(rows) and rows[cursor][0] < day_end_epoch:
            cursor += 1
        per_day.append(
            {
                "date": day.isoformat(),
                **metrics_for_rows(rows[first:cursor], start=day_start, end=day_end, days=1),
            }
        )
    result: dict[str, Any] = {
        "start_date": start_date.isoformat(),
        "end_date": end_date.isoformat(),
        "timezone": tz,
        "period": metrics_for_rows(rows, start=start, end=end, days=days),
        "days": per_day,
    }
    if agp:
        bins = agp_percentiles(
            [
                MetricReading(at=datetime.fromtimestamp(at, UTC), mg_dl=value, censored=bool(c))
                for at, value, c in rows
            ],
            tz=tz,
        )
        result["agp"] = [b.as_dict() for b in bins]
    return result
