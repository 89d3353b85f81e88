"""Local-day arithmetic. A user's day is their local calendar day (23/24/25 h long)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones


def is_valid_timezone(name: str) -> bool:
    return name in _zones()


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


# The earliest moment the API takes, as the sync protocol (milliseconds since the epoch):
# earlier ones are clock errors, and year-1 values overflow local-day arithmetic.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
TOO_EARLY = "Datetimes before 1970 are not accepted; check the device clock."


def local_day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """UTC [start, end) of the local calendar day `day` in zone `tz`."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return start, end


def local_range_bounds(first: date, last: date, tz: str) -> tuple[datetime, datetime]:
    """UTC [start, end) covering the local days first..last inclusive."""
    return local_day_bounds(first, tz)[0], local_day_bounds(last, tz)[1]


def local_date(moment: datetime, tz: str) -> date:
    return moment.astimezone(ZoneInfo(tz)).date()


def local_dates_of(moments: Iterable[datetime], tz: str) -> set[date]:
    """The local dates of many moments, exactly, with one zone conversion per run of
    moments on the same day rather than one per moment (a CGM batch is 288 a day, mostly
    in time order; any order gives the same set)."""
    dates: set[date] = set()
    start = end = None
    for moment in moments:
        if start is not None and start <= moment < end:
            continue
        day = local_date(moment, tz)
        dates.add(day)
        start, end = local_day_bounds(day, tz)
    return dates


def local_dates_between(start: datetime, end: datetime | None, tz: str) -> list[date]:
    """Every local date touched by the interval [start, end] (end None = start only)."""
    first = local_date(start, tz)
    last = local_date(end, tz) if end is not None else first
    return list(iter_dates(first, last))


def iter_dates(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def to_epoch_ms(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp() * 1000)


def from_epoch_ms(value: float | int) -> datetime:
    return datetime.fromtimestamp(value / 1000, tz=UTC)
