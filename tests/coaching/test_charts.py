"""Chart data shapes: downsampling keeps extremes, components stack to the score, fasted
hours are split at local midnight."""

from datetime import UTC, date, datetime, timedelta

import pytest

from apps.coaching.charts import (
    MAX_TRACE_POINTS,
    _contributions,
    _fasted_hours_by_day,
    daily_series,
    downsample,
    metrics_table,
)
from apps.fasting.models import FastingWindow
from tests.coaching.helpers import make_client

START = datetime(2026, 11, 1, tzinfo=UTC)


def rows(n: int, value=lambda i: 100.0):
    return [(START + timedelta(minutes=5 * i), value(i), "") for i in range(n)]


def test_short_traces_are_drawn_raw():
    points, bucket = downsample(rows(288), start=START, end=START + timedelta(days=1))
    assert bucket == 0 and len(points) == 288
    assert points[0] == [int(START.timestamp() * 1000), 100.0]


def test_long_traces_are_bucketed_but_keep_lows_and_highs():
    def value(i):
        return 45.0 if i == 1000 else 300.0 if i == 2000 else 100.0

    points, bucket = downsample(rows(4032, value), start=START, end=START + timedelta(days=14))
    assert bucket == 15
    assert len(points) <= MAX_TRACE_POINTS
    values = [v for _, v in points]
    assert min(values) == 45.0 and max(values) == 300.0
    assert values.count(100.0) == len(values) - 2


def test_component_contributions_add_up_to_the_weight_normalised_score():
    components = {
        "fasting": {"value": 25.8, "weight": 40, "available": True},
        "amino_acids": {"value": 45.0, "weight": 25},
        "energy": {"value": 66.7, "weight": 15},
        "glycemia": {"value": 95.8, "weight": 10},
        "exercise": {"value": None, "weight": 10, "available": False},
    }
    parts = _contributions(components)
    assert set(parts) == {"fasting", "amino_acids", "energy", "glycemia"}
    score = (25.8 * 40 + 45.0 * 25 + 66.7 * 15 + 95.8 * 10) / 90
    assert sum(parts.values()) == pytest.approx(score, abs=0.2)
    assert _contributions({"x": "garbage", "y": {"value": 1, "weight": 0}}) == {}


def test_fasted_hours_are_split_at_local_midnight_on_a_dst_day():
    # Berlin leaves summer time on 2026-10-25: that local day has 25 hours.
    fast = FastingWindow(
        started_at=datetime(2026, 10, 24, 18, 0, tzinfo=UTC),  # 20:00 local
        ended_at=datetime(2026, 10, 26, 11, 0, tzinfo=UTC),  # 12:00 local
    )
    days = [date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)]
    hours = _fasted_hours_by_day([fast], tz="Europe/Berlin", days=days, now=START)
    assert hours == {days[0]: 4.0, days[1]: 25.0, days[2]: 12.0}


def test_an_ongoing_fast_counts_until_now():
    fast = FastingWindow(started_at=START, ended_at=None)
    days = [START.date()]
    hours = _fasted_hours_by_day([fast], tz="UTC", days=days, now=START + timedelta(hours=5))
    assert hours == {START.date(): 5.0}


def test_metrics_table_marks_targets_met_and_missed():
    table = {row["key"]: row for row in metrics_table({"tir_percent": 65.0, "cv_percent": 20.0})}
    assert table["tir_percent"]["met"] is False and table["tir_percent"]["target"] == "> 70 %"
    assert table["cv_percent"]["met"] is True
    assert table["mean_mgdl"]["met"] is None and table["gmi_percent"]["value"] is None


@pytest.mark.django_db
def test_daily_series_of_a_day_without_data_is_empty_not_zero():
    client = make_client("Nora None")
    series = daily_series(
        client=client, start_date=date(2026, 11, 1), end_date=date(2026, 11, 3), now=START
    )
    assert series["score"] == [None, None, None]
    assert series["kcal"] == [None, None, None]
    assert series["fasted_hours"] == [0.0, 0.0, 0.0]
    assert series["components"] == {}
