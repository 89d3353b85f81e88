"""ISO weeks (Monday–Sunday) in a user's zone, and the weekly send schedule. Pure Python."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apps.common.timeutils import local_range_bounds

_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
INVALID_WEEK = "Expected an ISO week such as 2026-W48."


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """`2026-W48` → IsoWeek; ValueError for anything else (including 2026-W54)."""
        match = _WEEK_RE.match(text or "")
        if match is None:
            raise ValueError(INVALID_WEEK)
        year, week = int(match[1]), int(match[2])
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValueError(INVALID_WEEK) from None
        return cls(year, week)

    @classmethod
    def containing(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def dates(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    def previous(self) -> IsoWeek:
        return IsoWeek.containing(self.monday - timedelta(days=7))

    def bounds(self, tz: str) -> tuple[datetime, datetime]:
        """UTC [start, end): 167 h or 169 h long when the week holds a DST change."""
        return local_range_bounds(self.monday, self.sunday, tz)

    def __str__(self) -> str:
        return self.label


def next_send_at(*, tz: str, weekday: int, hour: int, after: datetime) -> datetime:
    """The first local `weekday` at `hour`:00 strictly after `after`, as a UTC instant.

    A local hour skipped by a DST change resolves to the same wall time in the offset
    before the change (02:30 on a spring-forward night is sent at 03:30); a repeated hour
    uses its first occurrence.
    """
    zone = ZoneInfo(tz)
    local_day = after.astimezone(zone).date()
    for offset in range(15):
        day = local_day + timedelta(days=offset)
        if day.weekday() != weekday:
            continue
        candidate = datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a weekday recurs within 14 days")


def week_to_send(*, due_at: datetime, tz: str) -> IsoWeek:
    """The last complete week before the local day of a scheduled send."""
    local_day = due_at.astimezone(ZoneInfo(tz)).date()
    return IsoWeek.containing(local_day - timedelta(days=local_day.weekday() + 7))


def last_complete_week(*, now: datetime, tz: str) -> IsoWeek:
    return week_to_send(due_at=now, tz=tz)


def current_week(*, now: datetime, tz: str) -> IsoWeek:
    return IsoWeek.containing(now.astimezone(ZoneInfo(tz)).date())
