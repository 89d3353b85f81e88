"""local_dates_of: the same dates as converting each moment, in any order and zone."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from apps.common.timeutils import local_date, local_dates_of

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Santiago",  # its clocks change at midnight: a day starts at 01:00
    "America/Havana",  # likewise
    "UTC",
]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("shuffled", [False, True])
def test_it_matches_one_conversion_per_moment(zone, shuffled):
    rng = random.Random(zone)
    # Three days around each 2026 clock change of these zones (Europe, North America,
    # Chile and Cuba, Australia and New Zealand).
    moments = []
    for anchor in (
        datetime(2026, 3, 28, tzinfo=UTC),
        datetime(2026, 10, 24, tzinfo=UTC),
        datetime(2026, 3, 7, tzinfo=UTC),
        datetime(2026, 10, 31, tzinfo=UTC),
        datetime(2026, 4, 4, tzinfo=UTC),
        datetime(2026, 9, 5, tzinfo=UTC),
        datetime(2026, 9, 26, tzinfo=UTC),
    ):
        moments += [
            anchor + timedelta(minutes=5 * i, seconds=rng.randint(0, 59)) for i in range(3 * 288)
        ]
    if shuffled:
        rng.shuffle(moments)
    assert local_dates_of(moments, zone) == {local_date(m, zone) for m in moments}


def test_no_moments_no_dates():
    assert local_dates_of([], "Europe/Berlin") == set()
