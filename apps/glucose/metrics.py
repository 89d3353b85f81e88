"""Consensus CGM metrics (see /work/shared/GLUCOSE_METRICS.md).

Pure Python, standard library only: no Django imports, so the scoring engine, the API and
the benchmarks can all use it.

Definitions (Battelino 2019, Danne 2017, Battelino 2023, Bergenstal 2018):

* A window is a half-open UTC interval ``[start, end)`` built from whole local days of the
  user's IANA time zone (23 h / 25 h on DST days); readings outside it are ignored.
* Percentages are shares of the readings received in the window. Gaps are not imputed.
* Ranges: TIR ``70 <= g <= 180`` (both inclusive); TBR ``g < 70`` and level 2 ``g < 54``;
  TAR ``g > 180`` and level 2 ``g > 250`` (all strict). TBR < 70 includes level 2 and TAR
  > 180 includes level 2, so ``tir + tbr + tar == 100``.
* Censored sensor sentinels (LOW / HIGH) are stored as values beyond the sensor limits
  (e.g. 39 and 401 mg/dL) with ``censored=True``; they are used at their stored value, so
  they count in TBR / TAR and in the mean instead of being silently dropped.
* SD is the sample standard deviation (n - 1); CV = 100 x SD / mean;
  GMI (%) = 3.31 + 0.02392 x mean mg/dL.
* ``active_percent`` = 100 x received / expected, expected = window length / device
  interval, capped at 100 (duplicate or early readings cannot make a sensor "more than
  worn").
* ``sufficient``: at least 14 days and ``active_percent >= 70``.
* Events: see :func:`count_events`.

Undefined values are ``None``, never ``0``: every metric except the counts (``readings``,
events, ``days``), ``active_percent`` and ``sufficient`` is ``None`` when the window holds
no reading, and SD / CV are ``None`` with fewer than two readings.
"""

from __future__ import annotations

import math
import operator
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "AgpBin",
    "GlucoseMetrics",
    "Reading",
    "agp_percentiles",
    "compute_metrics",
    "compute_metrics_from_rows",
    "count_events",
    "local_day_window",
    "window_bounds",
]

# Thresholds in mg/dL (International Hypoglycaemia Study Group 2017, Battelino 2019).
HYPO_L1_MGDL = 70.0
HYPO_L2_MGDL = 54.0
HYPER_L1_MGDL = 180.0
HYPER_L2_MGDL = 250.0

DEFAULT_INTERVAL_MINUTES = 5.0
EVENT_MIN_MINUTES = 15.0
#: A gap strictly longer than this many device intervals ends an event run.
EVENT_MAX_GAP_INTERVALS = 1.5
#: Clock jitter allowed on an event's duration, as a fraction of the device interval.
EVENT_JITTER_INTERVALS = 0.1

SUFFICIENT_MIN_DAYS = 14
SUFFICIENT_MIN_ACTIVE_PERCENT = 70.0

GMI_INTERCEPT = 3.31
GMI_SLOPE = 0.02392

AGP_PERCENTILES = (5, 25, 50, 75, 95)
MINUTES_PER_DAY = 1440

_TIME_EPSILON_S = 1e-6


@dataclass(frozen=True, slots=True)
class Reading:
    """One sensor reading: an aware datetime (UTC), a value in mg/dL, a censored flag."""

    at: datetime
    mg_dl: float
    censored: bool = False

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError("Reading.at must be a timezone-aware datetime (UTC).")


@dataclass(frozen=True, slots=True)
class GlucoseMetrics:
    """Consensus metrics over one window, unrounded. ``None`` means undefined."""

    readings: int
    active_percent: float | None
    mean_mgdl: float | None
    sd_mgdl: float | None
    cv_percent: float | None
    gmi_percent: float | None
    tir_percent: float | None
    tbr_percent: float | None
    tbr_level2_percent: float | None
    tar_percent: float | None
    tar_level2_percent: float | None
    hypo_events_l1: int
    hypo_events_l2: int
    hyper_events_l2: int
    sufficient: bool
    days: int

    def as_dict(self) -> dict[str, Any]:
        """Values for display: 1 decimal place (GMI 2), ``None`` kept for undefined values."""
        return {
            "readings": self.readings,
            "active_percent": _round(self.active_percent, 1),
            "mean_mgdl": _round(self.mean_mgdl, 1),
            "sd_mgdl": _round(self.sd_mgdl, 1),
            "cv_percent": _round(self.cv_percent, 1),
            "gmi_percent": _round(self.gmi_percent, 2),
            "tir_percent": _round(self.tir_percent, 1),
            "tbr_percent": _round(self.tbr_percent, 1),
            "tbr_level2_percent": _round(self.tbr_level2_percent, 1),
            "tar_percent": _round(self.tar_percent, 1),
            "tar_level2_percent": _round(self.tar_level2_percent, 1),
            "hypo_events_l1": self.hypo_events_l1,
            "hypo_events_l2": self.hypo_events_l2,
            "hyper_events_l2": self.hyper_events_l2,
            "sufficient": self.sufficient,
            "days": self.days,
        }


@dataclass(frozen=True, slots=True)
class AgpBin:
    """One local time-of-day bin of the ambulatory glucose profile."""

    start_minute: int  # minutes after local midnight
    count: int
    p5: float | None
    p25: float | None
    p50: float | None
    p75: float | None
    p95: float | None

    @property
    def label(self) -> str:
        """Local time of day the bin starts at, ``"HH:MM"``."""
        return f"{self.start_minute // 60:02d}:{self.start_minute % 60:02d}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "time": self.label,
            "count": self.count,
            "p5": _round(self.p5, 1),
            "p25": _round(self.p25, 1),
            "p50": _round(self.p50, 1),
            "p75": _round(self.p75, 1),
            "p95": _round(self.p95, 1),
        }


# --------------------------------------------------------------------------- windows


def local_day_window(day: date, tz: str) -> tuple[datetime, datetime]:
    """UTC ``[start, end)`` of the local calendar ``day`` in the IANA zone ``tz``.

    The window runs from local 00:00 to the next local 00:00, so it lasts 23 h or 25 h on
    DST days and is offset by half an hour in zones such as Asia/Kolkata. Where midnight
    itself is skipped by a DST change (e.g. America/Santiago) the day starts at the
    transition instant, the first instant of that day; where midnight happens twice the
    day starts at the first one. An unknown zone raises ``zoneinfo.ZoneInfoNotFoundError``.
    """
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def window_bounds(start_date: date, end_date: date, tz: str) -> tuple[datetime, datetime]:
    """UTC half-open ``[start, end)`` covering the local dates ``start_date..end_date``."""
    if end_date < start_date:
        raise ValueError("end_date must not be before start_date.")
    return local_day_window(start_date, tz)[0], local_day_window(end_date, tz)[1]


# --------------------------------------------------------------------------- metrics


def compute_metrics(
    readings: Sequence[Reading],
    *,
    start: datetime,
    end: datetime,
    days: int,
    interval_minutes: float = DEFAULT_INTERVAL_MINUTES,
) -> GlucoseMetrics:
    """Consensus metrics of the ``readings`` inside ``[start, end)``.

    ``readings`` may come in any order; readings outside the window are ignored. ``days``
    is the number of local days the window spans (used for ``sufficient``);
    ``interval_minutes`` is the device's nominal reading interval (5 for most CGMs, 15 for
    Libre-style history).
    """
    return _compute(
        [r.at.timestamp() for r in readings],
        [r.mg_dl for r in readings],
        start=start,
        end=end,
        days=days,
        interval_minutes=interval_minutes,
    )


def compute_metrics_from_rows(
    rows: Iterable[tuple[Any, float, bool]],
    *,
    start: datetime,
    end: datetime,
    days: int,
    interval_minutes: float = DEFAULT_INTERVAL_MINUTES,
) -> GlucoseMetrics:
    """Same as :func:`compute_metrics`, from ``(time, mg_dl, censored)`` tuples.

    ``time`` is either epoch seconds (int or float) or an aware datetime, as a database
    ``values_list("at", "mg_dl", "censored")`` returns them (the type of the first row
    decides for all). Rows ordered by time are fastest; other orders are sorted here.
    """
    if not isinstance(rows, list | tuple):
        rows = list(rows)  # evaluate a QuerySet once, never index it
    if rows and isinstance(rows[0][0], datetime):
        times = [row[0].timestamp() for row in rows]
    else:
        times = [row[0] for row in rows]
    return _compute(
        times,
        [row[1] for row in rows],
        start=start,
        end=end,
        days=days,
        interval_minutes=interval_minutes,
    )


def count_events(
    times: Sequence[float],
    indices: Sequence[int],
    *,
    interval_minutes: float = DEFAULT_INTERVAL_MINUTES,
    min_minutes: float = EVENT_MIN_MINUTES,
) -> int:
    """Count glycaemic events among readings beyond a threshold.

    ``times`` are the epoch seconds of all readings of the window, ascending; ``indices``
    are the ascending positions (into ``times``) of the readings beyond the threshold.

    Definition chosen (Danne 2017 "at least 15 consecutive minutes", Battelino 2023): an
    event is a maximal run of *consecutive* readings that are all beyond the threshold,
    where no two neighbouring readings are more than 1.5 device intervals apart (a longer
    gap ends the run: missing data is not assumed to be low or high), and whose duration
    ``last.at - first.at + interval`` is at least 15 minutes. Each reading stands for one
    interval, so with 5-minute readings this means 3 or more consecutive readings, and two
    readings are never an event. A reading back within the threshold ends the event (we do
    not use the 2023 rule that an event only ends after 15 minutes back in range), and a
    run cut by the window's edges is counted from its part inside the window.

    Sensor clocks jitter by a few seconds, so the duration may fall short of 15 minutes by
    up to 10 % of one interval (3 readings 4 min 58 s apart still make an event; 2 readings
    can never reach it since their gap is at most 1.5 intervals). With a 15-minute
    (Libre-style) interval a single reading beyond the threshold spans 15 minutes and is
    therefore an event.
    """
    if not indices:
        return 0
    interval_s = interval_minutes * 60.0
    max_gap_s = EVENT_MAX_GAP_INTERVALS * interval_s + _TIME_EPSILON_S
    # duration >= min - jitter  <=>  last - first >= min - jitter - interval
    min_span_s = min_minutes * 60.0 - EVENT_JITTER_INTERVALS * interval_s - interval_s
    min_span_s -= _TIME_EPSILON_S

    events = 0
    first = prev = indices[0]
    for i in islice(indices, 1, None):
        if i == prev + 1 and times[i] - times[prev] <= max_gap_s:
            prev = i
            continue
        if times[prev] - times[first] >= min_span_s:
            events += 1
        first = prev = i
    if times[prev] - times[first] >= min_span_s:
        events += 1
    return events


def _compute(
    times: list[float],
    values: list[float],
    *,
    start: datetime,
    end: datetime,
    days: int,
    interval_minutes: float,
) -> GlucoseMetrics:
    _require_aware(start, "start")
    _require_aware(end, "end")
    if end < start:
        raise ValueError("end must not be before start.")
    if not interval_minutes > 0:
        raise ValueError("interval_minutes must be positive.")
    if days < 0:
        raise ValueError("days must not be negative.")

    # Sort by time (a C-level pass when already sorted, the common case).
    if not all(map(operator.le, times, islice(times, 1, None))):
        order = sorted(range(len(times)), key=times.__getitem__)
        times = [times[i] for i in order]
        values = [values[i] for i in order]

    # Keep [start, end) only.
    start_s = start.timestamp()
    end_s = end.timestamp()
    lo = bisect_left(times, start_s)
    hi = bisect_left(times, end_s)
    if lo > 0 or hi < len(times):
        times = times[lo:hi]
        values = values[lo:hi]

    n = len(values)
    interval_s = interval_minutes * 60.0
    expected = (end_s - start_s) / interval_s
    active = min(100.0, 100.0 * n / expected) if expected > 0 else None

    if n == 0:
        return GlucoseMetrics(
            readings=0,
            active_percent=active,
            mean_mgdl=None,
            sd_mgdl=None,
            cv_percent=None,
            gmi_percent=None,
            tir_percent=None,
            tbr_percent=None,
            tbr_level2_percent=None,
            tar_percent=None,
            tar_level2_percent=None,
            hypo_events_l1=0,
            hypo_events_l2=0,
            hyper_events_l2=0,
            sufficient=False,
            days=days,
        )

    mean = math.fsum(values) / n
    if n > 1:
        deviations = [v - mean for v in values]  # two-pass: exact for constant series
        squares = math.fsum(map(operator.mul, deviations, deviations))
        sd: float | None = math.sqrt(squares / (n - 1))
    else:
        sd = None
    cv = 100.0 * sd / mean if sd is not None and mean > 0 else None

    # Range counts from one C-level sort, then bisection at the thresholds.
    ordered = sorted(values)
    below_l1 = bisect_left(ordered, HYPO_L1_MGDL)
    below_l2 = bisect_left(ordered, HYPO_L2_MGDL)
    above_l1 = n - bisect_right(ordered, HYPER_L1_MGDL)
    above_l2 = n - bisect_right(ordered, HYPER_L2_MGDL)
    in_range = n - below_l1 - above_l1
    share = 100.0 / n

    # Events: only the (usually few) out-of-range readings are visited in Python.
    hypo_l1 = hypo_l2 = hyper_l2 = 0
    if below_l1:
        low = [i for i, v in enumerate(values) if v < HYPO_L1_MGDL]
        hypo_l1 = count_events(times, low, interval_minutes=interval_minutes)
        if below_l2:
            very_low = [i for i in low if values[i] < HYPO_L2_MGDL]
            hypo_l2 = count_events(times, very_low, interval_minutes=interval_minutes)
    if above_l2:
        very_high = [i for i, v in enumerate(values) if v > HYPER_L2_MGDL]
        hyper_l2 = count_events(times, very_high, interval_minutes=interval_minutes)

    return GlucoseMetrics(
        readings=n,
        active_percent=active,
        mean_mgdl=mean,
        sd_mgdl=sd,
        cv_percent=cv,
        gmi_percent=GMI_INTERCEPT + GMI_SLOPE * mean,
        tir_percent=in_range * share,
        tbr_percent=below_l1 * share,
        tbr_level2_percent=below_l2 * share,
        tar_percent=above_l1 * share,
        tar_level2_percent=above_l2 * share,
        hypo_events_l1=hypo_l1,
        hypo_events_l2=hypo_l2,
        hyper_events_l2=hyper_l2,
        sufficient=(
            days >= SUFFICIENT_MIN_DAYS
            and active is not None
            and active >= SUFFICIENT_MIN_ACTIVE_PERCENT
        ),
        days=days,
    )


# --------------------------------------------------------------------------- AGP


def agp_percentiles(readings: Iterable[Reading], *, tz: str, bin_minutes: int = 15) -> list[AgpBin]:
    """Ambulatory glucose profile: percentiles 5/25/50/75/95 by local time of day.

    Every reading goes to the bin of its local wall-clock time in ``tz`` (both 02:30s of
    a 25 h DST day land in the 02:30 bin; a 23 h day adds nothing to the skipped hour).
    All ``1440 / bin_minutes`` bins are returned, in order; an empty bin has ``count == 0``
    and ``None`` percentiles. Percentiles interpolate linearly between order statistics
    (position ``(n - 1) * p / 100``: numpy's default, R type 7, Excel PERCENTILE.INC).
    The caller chooses the window (e.g. with :func:`window_bounds`).
    """
    if bin_minutes <= 0 or MINUTES_PER_DAY % bin_minutes:
        raise ValueError("bin_minutes must be a positive divisor of 1440.")
    zone = ZoneInfo(tz)
    buckets: list[list[float]] = [[] for _ in range(MINUTES_PER_DAY // bin_minutes)]
    for reading in readings:
        local = reading.at.astimezone(zone)
        buckets[(local.hour * 60 + local.minute) // bin_minutes].append(reading.mg_dl)

    bins = []
    for index, bucket in enumerate(buckets):
        bucket.sort()
        p5, p25, p50, p75, p95 = (_percentile(bucket, p) for p in AGP_PERCENTILES)
        bins.append(AgpBin(index * bin_minutes, len(bucket), p5, p25, p50, p75, p95))
    return bins


# --------------------------------------------------------------------------- helpers


def _percentile(ordered: Sequence[float], p: float) -> float | None:
    """Linear-interpolated percentile of an ascending sequence, ``None`` when empty."""
    n = len(ordered)
    if n == 0:
        return None
    position = (n - 1) * p / 100.0
    lower = int(position)
    if lower + 1 >= n:
        return float(ordered[-1])
    fraction = position - lower
    return ordered[lower] + fraction * (ordered[lower + 1] - ordered[lower])


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime.")
