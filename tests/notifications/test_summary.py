"""Summary contents against weeks computed by hand, including the week DST ends."""

from datetime import UTC, date, datetime, timedelta

import pytest

from apps.notifications.selectors import weekly_summary_live
from apps.notifications.weeks import IsoWeek
from tests.factories import UserFactory
from tests.notifications.weekdata import cgm, fast, flag, local, meal, score

pytestmark = pytest.mark.django_db

LA = "America/Los_Angeles"
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
W44 = IsoWeek.parse("2026-W44")  # Mon 26 Oct – Sun 1 Nov 2026; clocks go back 1 Nov 02:00


@pytest.fixture
def la_member(db):
    return UserFactory(
        email="la@example.com",
        profile__timezone=LA,
        profile__glucose_unit="mmol/L",
        profile__fasting_target_hours=16,
    )


@pytest.fixture
def dst_week(la_member):
    """Hand-computed week in Los Angeles; see the assertions for the arithmetic."""
    u = la_member
    # Previous week: the longest fast was 16.5 h; scores 60 and 60.
    fast(u, local(LA, 2026, 10, 20, 18), local(LA, 2026, 10, 21, 10, 30))
    score(u, date(2026, 10, 19), 60, LA)
    score(u, date(2026, 10, 25), 60, LA)
    flag(u, date(2026, 10, 22), code="old_flag")
    # F1 16 h, began last week (12 h of it inside this week), own target 17 h: missed.
    fast(u, local(LA, 2026, 10, 25, 20), local(LA, 2026, 10, 26, 12), target_hours=17)
    # F2 18.5 h, target 18 h: reached.
    fast(u, local(LA, 2026, 10, 27, 19), local(LA, 2026, 10, 28, 13, 30), target_hours=18)
    # F3 crosses the DST change: 20:00 PDT → 12:00 PST is 17 real hours (16 on the wall).
    fast(u, local(LA, 2026, 10, 31, 20), local(LA, 2026, 11, 1, 12))
    # F4 ends next week: 4 h of it (20:00 → 24:00 PST) fall in this week, not completed.
    fast(u, local(LA, 2026, 11, 1, 20), local(LA, 2026, 11, 2, 10))
    # Meals on 3 local days; the last one is in the extra hour of the 25-hour Sunday.
    meal(u, local(LA, 2026, 10, 25, 19), 500, 30)  # previous week
    meal(u, local(LA, 2026, 10, 26, 13), 600, 40)
    meal(u, local(LA, 2026, 10, 26, 19), 800, 50)
    meal(u, local(LA, 2026, 10, 28, 14), 700)  # no protein logged
    meal(u, local(LA, 2026, 11, 1, 23, 30), 900, 60)  # 07:30 UTC Monday, still Sunday
    meal(u, local(LA, 2026, 11, 2, 0, 30), 400, 20)  # next week
    # CGM: 168 h of 5-minute readings in a 169 h week; 16 readings at 200 mg/dL.
    start, _ = W44.bounds(LA)
    cgm(u, start, [100.0] * 1000 + [200.0] * 16 + [100.0] * 1000)
    # Scores: 6 scored days of 7.
    for day, value in zip(range(26, 32), (60, 70, 65, None, 80, 50), strict=True):
        score(u, date(2026, 10, day), value, LA)
    score(u, date(2026, 11, 1), 55, LA)
    flag(u, date(2026, 10, 29), code="prolonged_fast", message="Fast longer than 36 h.")
    return u


def test_fasting_is_clipped_to_the_week_and_counts_real_hours_across_dst(dst_week):
    fasting = weekly_summary_live(user=dst_week, week=W44, now=NOW)["fasting"]
    assert fasting == {
        "has_data": True,
        "total_fasted_hours": 51.5,  # 12 + 18.5 + 17 + 4
        "fasts_completed": 3,
        "fasts_16h_plus": 3,
        "longest_fast_hours": 18.5,
        "previous_longest_fast_hours": 16.5,
        "target_hours": 16.0,
        "fasts_reaching_target": 2,  # F1 missed its own 17 h target
        "adherence_percent": 66.7,
    }


def test_nutrition_averages_per_logged_local_day_including_the_25th_hour(dst_week):
    nutrition = weekly_summary_live(user=dst_week, week=W44, now=NOW)["nutrition"]
    assert nutrition == {
        "has_data": True,
        "days_logged": 3,
        "meals_logged": 4,
        "avg_kcal_per_day": 1000,  # 3000 / 3
        "avg_protein_g_per_day": 50.0,  # 150 / 3, the meal without protein adds 0
    }


def test_glucose_uses_the_real_length_of_a_25_hour_sunday(dst_week):
    glucose = weekly_summary_live(user=dst_week, week=W44, now=NOW)["glucose"]
    assert glucose["readings"] == 2016
    assert glucose["active_percent"] == 99.4  # 2016 / (169 × 12), not 100
    assert glucose["tir_percent"] == 99.2  # 2000 / 2016
    assert glucose["tar_percent"] == 0.8
    assert glucose["mean_mgdl"] == 100.8  # (2000 × 100 + 16 × 200) / 2016
    assert (glucose["unit"], glucose["mean"]) == ("mmol/L", 5.6)


def test_score_average_best_day_and_trend_against_last_week(dst_week):
    assert weekly_summary_live(user=dst_week, week=W44, now=NOW)["score"] == {
        "has_data": True,
        "days_scored": 6,
        "average": 63.3,  # 380 / 6
        "best_day": {"date": "2026-10-30", "score": 80.0},
        "previous_average": 60.0,
        "change": 3.3,
        "trend": "up",
    }


def test_only_this_weeks_flags_and_current_streaks(dst_week):
    summary = weekly_summary_live(user=dst_week, week=W44, now=NOW)
    assert [(f["date"], f["code"], f["open"]) for f in summary["flags"]] == [
        ("2026-10-29", "prolonged_fast", True)
    ]
    # Logged on 31 Oct and 1 Nov, not on 30 Oct; a target reached on 1 Nov only.
    assert summary["streaks"] == {"logging_days": 2, "fasting_target_days": 1}


def test_three_plain_language_highlights(dst_week):
    assert weekly_summary_live(user=dst_week, week=W44, now=NOW)["highlights"] == [
        "You had 1 safety flag this week; please review it in the app.",
        "Your longest fast was 18.5 h, 2 h longer than last week.",
        "Your average mTOR score was 63, up 3 from last week.",
    ]


def test_the_week_frame_knows_its_169_hours(dst_week):
    summary = weekly_summary_live(user=dst_week, week=W44, now=NOW)
    assert summary["hours"] == 169.0
    assert (summary["start_date"], summary["end_date"]) == ("2026-10-26", "2026-11-01")
    assert summary["complete"] is True


def test_a_week_without_data_says_so_instead_of_inventing_numbers(la_member):
    summary = weekly_summary_live(user=la_member, week=W44, now=NOW)
    assert summary["has_data"] is False
    for section in ("fasting", "nutrition", "glucose", "score"):
        assert summary[section]["has_data"] is False
    assert summary["fasting"]["total_fasted_hours"] is None
    assert summary["fasting"]["longest_fast_hours"] is None
    assert summary["nutrition"]["avg_kcal_per_day"] is None
    assert summary["glucose"]["mean"] is None
    assert summary["score"]["average"] is None
    assert summary["highlights"][0] == "Nothing was logged this week."


def test_an_ongoing_fast_counts_up_to_now_in_a_running_week(la_member):
    now = local(LA, 2026, 11, 4, 12)  # Wednesday of W45
    fast(la_member, now - timedelta(hours=10), None)
    summary = weekly_summary_live(user=la_member, week=IsoWeek.parse("2026-W45"), now=now)
    assert summary["complete"] is False
    assert summary["fasting"]["total_fasted_hours"] == 10.0
    assert summary["fasting"]["fasts_completed"] == 0


def test_a_longest_fast_shorter_than_last_week_says_so(la_member):
    fast(la_member, local(LA, 2026, 10, 20, 18), local(LA, 2026, 10, 21, 14))  # 20 h
    fast(la_member, local(LA, 2026, 10, 27, 18), local(LA, 2026, 10, 28, 10, 30))  # 16.5 h
    summary = weekly_summary_live(user=la_member, week=W44, now=NOW)
    assert summary["highlights"][0] == "Your longest fast was 16.5 h, 3.5 h shorter than last week."
