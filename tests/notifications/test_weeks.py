"""ISO weeks in a user's zone and the local-time schedule, across DST changes."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from apps.notifications.weeks import IsoWeek, next_send_at, week_to_send


@pytest.mark.parametrize("text", ["2026-W48", "2020-W53", "2026-W01"])
def test_iso_weeks_round_trip(text):
    assert IsoWeek.parse(text).label == text


@pytest.mark.parametrize(
    "text", ["2026-W54", "2026-W00", "2025-W53", "2026-48", "2026W48", "", "2026-W4", "x"]
)
def test_malformed_or_impossible_weeks_are_rejected(text):
    with pytest.raises(ValueError):
        IsoWeek.parse(text)


def test_a_week_runs_monday_to_sunday_and_knows_its_predecessor_across_years():
    week = IsoWeek.parse("2026-W01")
    assert (week.monday, week.sunday) == (date(2025, 12, 29), date(2026, 1, 4))
    assert week.previous().label == "2025-W52"


def test_the_week_dst_ends_in_los_angeles_lasts_169_hours():
    start, end = IsoWeek.parse("2026-W44").bounds("America/Los_Angeles")
    assert start == datetime(2026, 10, 26, 7, tzinfo=UTC)  # 00:00 PDT
    assert end == datetime(2026, 11, 2, 8, tzinfo=UTC)  # 00:00 PST
    assert (end - start).total_seconds() == 169 * 3600


def test_the_week_dst_starts_in_auckland_lasts_167_hours():
    start, end = IsoWeek.parse("2026-W39").bounds("Pacific/Auckland")
    assert (end - start).total_seconds() == 167 * 3600


def test_monday_eight_am_follows_the_local_clock_across_the_dst_change():
    first = next_send_at(
        tz="America/Los_Angeles", weekday=0, hour=8, after=datetime(2026, 10, 25, tzinfo=UTC)
    )
    assert first == datetime(2026, 10, 26, 15, tzinfo=UTC)  # 08:00 PDT
    second = next_send_at(tz="America/Los_Angeles", weekday=0, hour=8, after=first)
    assert second == datetime(2026, 11, 2, 16, tzinfo=UTC)  # 08:00 PST, a week + 1 h later


def test_a_half_hour_zone_gets_its_own_local_hour():
    due = next_send_at(
        tz="Asia/Kolkata", weekday=0, hour=8, after=datetime(2026, 11, 1, 12, tzinfo=UTC)
    )
    assert due == datetime(2026, 11, 2, 2, 30, tzinfo=UTC)
    assert due.astimezone(ZoneInfo("Asia/Kolkata")).hour == 8


def test_auckland_monday_morning_is_sunday_evening_in_utc():
    due = next_send_at(
        tz="Pacific/Auckland", weekday=0, hour=8, after=datetime(2026, 11, 1, tzinfo=UTC)
    )
    assert due == datetime(2026, 11, 1, 19, tzinfo=UTC)  # NZDT, UTC+13


def test_a_send_hour_skipped_by_dst_is_sent_just_after_the_gap():
    due = next_send_at(
        tz="America/Los_Angeles", weekday=6, hour=2, after=datetime(2026, 3, 7, tzinfo=UTC)
    )
    local = due.astimezone(ZoneInfo("America/Los_Angeles"))
    assert (local.date(), local.hour) == (date(2026, 3, 8), 3)


def test_the_send_time_is_strictly_after_the_moment_given():
    monday_eight = datetime(2026, 11, 2, 8, tzinfo=UTC)
    assert next_send_at(tz="UTC", weekday=0, hour=8, after=monday_eight) == datetime(
        2026, 11, 9, 8, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("due", "tz", "week"),
    [
        (datetime(2026, 11, 2, 16, tzinfo=UTC), "America/Los_Angeles", "2026-W44"),
        # Monday 08:00 in Auckland is still Sunday in UTC: the local day decides.
        (datetime(2026, 11, 1, 19, tzinfo=UTC), "Pacific/Auckland", "2026-W44"),
        # A Sunday send reports the week before, not the one still running.
        (datetime(2026, 11, 8, 18, tzinfo=UTC), "UTC", "2026-W44"),
    ],
)
def test_a_send_covers_the_last_complete_local_week(due, tz, week):
    assert week_to_send(due_at=due, tz=tz).label == week
