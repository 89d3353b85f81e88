"""Integer-microsecond UTC instants and local-day windows (B1.2, R2)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

# Instants are handled as int microseconds since the Unix epoch: exact, fast to compare and
# to bisect, and free of float drift in minute arithmetic.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)
SECOND = 1_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
INF = 1 << 80  # "+infinity" instant (beyond any datetime)


def to_us(dt: datetime) -> int:
    return (dt - EPOCH) // US


def from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def iso_z(us: int) -> str:
    return from_us(us).isoformat().replace("+00:00", "Z")


def ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


def _local_date(us: int, zone: ZoneInfo) -> date:
    return from_us(us).astimezone(zone).date()


def _midnight_us(day: date, zone: ZoneInfo) -> int:
    local = datetime.combine(day, time(0), tzinfo=zone)  # fold=0 (R2)
    utc = local.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return to_us(utc)
    # Non-existent midnight (a DST gap): the day starts at the transition instant, i.e. the
    # first second whose local date is `day`. fold=1 lands before it, fold=0 after it.
    lo = to_us(local.replace(fold=1).astimezone(UTC)) // SECOND
    hi = to_us(utc) // SECOND
    lo, hi = min(lo, hi), max(lo, hi)
    while lo < hi:
        mid = (lo + hi) // 2
        if _local_date(mid * SECOND, zone) >= day:
            hi = mid
        else:
            lo = mid + 1
    return lo * SECOND


@lru_cache(maxsize=16384)
def day_bounds_us(tz: str, day: date) -> tuple[int, int]:
    """UTC bounds [s_D, e_D) of local day D in µs; 23 h / 24 h / 25 h long."""
    zone = ZoneInfo(tz)
    return _midnight_us(day, zone), _midnight_us(day + timedelta(days=1), zone)


def local_day_window(day: date, tz: str) -> tuple[datetime, datetime]:
    """Public helper: the day's UTC window as aware datetimes."""
    s, e = day_bounds_us(tz, day)
    return from_us(s), from_us(e)
