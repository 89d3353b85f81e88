"""Consensus CGM metrics. Every expectation below is worked out by hand in the comments."""

from datetime import UTC, date, datetime, timedelta

import pytest

from apps.glucose.metrics import (
    AgpBin,
    GlucoseMetrics,
    Reading,
    agp_percentiles,
    compute_metrics,
    compute_metrics_from_rows,
    local_day_window,
    window_bounds,
)

T0 = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday, no DST anywhere near
DAY_END = T0 + timedelta(days=1)


def series(values, *, start=T0, step_minutes=5.0, censored=False):
    return [
        Reading(at=start + timedelta(minutes=i * step_minutes), mg_dl=v, censored=censored)
        for i, v in enumerate(values)
    ]


def at_minutes(pairs, *, start=T0):
    """Readings from (minutes after start, mg/dL) pairs."""
    return [Reading(at=start + timedelta(minutes=m), mg_dl=v) for m, v in pairs]


def metrics(readings, *, start=T0, end=DAY_END, days=1, interval_minutes=5.0):
    return compute_metrics(
        readings, start=start, end=end, days=days, interval_minutes=interval_minutes
    )


def full_day(start, end, *, mg_dl=100.0, step_minutes=5):
    count = int((end - start) / timedelta(minutes=step_minutes))
    return series([mg_dl] * count, start=start, step_minutes=step_minutes)


# --------------------------------------------------------------------------- ranges


def test_time_in_range_includes_both_bounds():
    m = metrics(series([70.0, 180.0]))
    assert m.tir_percent == 100.0
    assert m.tbr_percent == 0.0
    assert m.tar_percent == 0.0


def test_below_range_is_strict_at_70_and_54():
    # 69.9, 54 and 53.9 are < 70 (3 of 4); only 53.9 is < 54 (1 of 4); 70 is in range.
    m = metrics(series([69.9, 70.0, 53.9, 54.0]))
    assert m.tbr_percent == 75.0
    assert m.tbr_level2_percent == 25.0
    assert m.tir_percent == 25.0
    assert m.tar_percent == 0.0


def test_above_range_is_strict_at_180_and_250():
    # 180.1, 250 and 250.1 are > 180 (3 of 4); only 250.1 is > 250 (1 of 4); 180 in range.
    m = metrics(series([180.0, 180.1, 250.0, 250.1]))
    assert m.tar_percent == 75.0
    assert m.tar_level2_percent == 25.0
    assert m.tir_percent == 25.0
    assert m.tbr_percent == 0.0


def test_level_one_ranges_include_level_two_and_all_ranges_add_up_to_100():
    # 40 < 54; 60 < 70; 100, 150 in range; 200 > 180; 300 > 250. n = 6.
    m = metrics(series([40.0, 60.0, 100.0, 150.0, 200.0, 300.0]))
    assert m.tbr_percent == pytest.approx(100 * 2 / 6)  # 33.33
    assert m.tbr_level2_percent == pytest.approx(100 * 1 / 6)  # 16.67
    assert m.tir_percent == pytest.approx(100 * 2 / 6)
    assert m.tar_percent == pytest.approx(100 * 2 / 6)
    assert m.tar_level2_percent == pytest.approx(100 * 1 / 6)
    assert m.tir_percent + m.tbr_percent + m.tar_percent == pytest.approx(100.0)


def test_censored_low_and_high_count_in_tbr_tar_and_in_the_mean():
    readings = [
        Reading(at=T0, mg_dl=39.0, censored=True),  # sensor "LOW"
        Reading(at=T0 + timedelta(minutes=5), mg_dl=401.0, censored=True),  # sensor "HIGH"
        Reading(at=T0 + timedelta(minutes=10), mg_dl=100.0),
        Reading(at=T0 + timedelta(minutes=15), mg_dl=100.0),
    ]
    m = metrics(readings)
    assert m.readings == 4
    assert m.tbr_percent == 25.0
    assert m.tbr_level2_percent == 25.0
    assert m.tar_percent == 25.0
    assert m.tar_level2_percent == 25.0
    assert m.tir_percent == 50.0
    assert m.mean_mgdl == 160.0  # (39 + 401 + 100 + 100) / 4


# --------------------------------------------------------------------------- mean, SD, CV, GMI


def test_sd_is_the_sample_standard_deviation():
    # mean 115; squared deviations 225 + 25 + 25 + 225 = 500; 500 / (4 - 1) = 166.667
    # sample SD = 12.9099 (the population SD would be sqrt(125) = 11.1803)
    m = metrics(series([100.0, 110.0, 120.0, 130.0]))
    assert m.mean_mgdl == 115.0
    assert m.sd_mgdl == pytest.approx(12.909944, abs=1e-6)
    assert m.cv_percent == pytest.approx(11.226038, abs=1e-6)  # 100 * 12.909944 / 115


def test_gmi_follows_bergenstal():
    # 3.31 + 0.02392 * 154 = 3.31 + 3.68368 = 6.99368
    assert metrics(series([154.0] * 3)).gmi_percent == pytest.approx(6.99368)
    # 3.31 + 0.02392 * 100 = 5.702
    assert metrics(series([90.0, 110.0])).gmi_percent == pytest.approx(5.702)


def test_constant_readings_have_zero_sd_and_cv():
    m = metrics(series([100.0, 100.0, 100.0]))
    assert m.sd_mgdl == 0.0
    assert m.cv_percent == 0.0


def test_one_reading_has_a_mean_but_no_sd_or_cv():
    m = metrics(series([120.0]))
    assert m.readings == 1
    assert m.mean_mgdl == 120.0
    assert m.sd_mgdl is None
    assert m.cv_percent is None
    assert m.gmi_percent == pytest.approx(3.31 + 2.8704)  # 0.02392 * 120 = 2.8704
    assert m.tir_percent == 100.0
    assert m.as_dict()["sd_mgdl"] is None


# --------------------------------------------------------------------------- empty window


def test_empty_window_gives_zero_counts_and_undefined_metrics():
    m = metrics([])
    assert m.readings == 0
    assert (m.hypo_events_l1, m.hypo_events_l2, m.hyper_events_l2) == (0, 0, 0)
    for name in (
        "mean_mgdl",
        "sd_mgdl",
        "cv_percent",
        "gmi_percent",
        "tir_percent",
        "tbr_percent",
        "tbr_level2_percent",
        "tar_percent",
        "tar_level2_percent",
    ):
        assert getattr(m, name) is None, name
    assert m.active_percent == 0.0  # the sensor was worn 0 % of the window: defined
    assert m.sufficient is False
    assert m.days == 1
    shown = m.as_dict()
    assert shown["tir_percent"] is None
    assert shown["mean_mgdl"] is None
    assert shown["readings"] == 0


def test_readings_outside_the_window_are_ignored():
    readings = [
        Reading(at=T0 - timedelta(seconds=1), mg_dl=40.0),  # before start: out
        Reading(at=T0, mg_dl=100.0),  # at start: in
        Reading(at=DAY_END - timedelta(minutes=5), mg_dl=200.0),  # in
        Reading(at=DAY_END, mg_dl=300.0),  # at end: out (half-open window)
    ]
    m = metrics(readings)
    assert m.readings == 2
    assert m.mean_mgdl == 150.0
    assert m.tbr_percent == 0.0
    assert m.tar_percent == 50.0


def test_a_window_with_readings_only_outside_it_is_empty():
    m = metrics(series([50.0, 50.0, 50.0], start=T0 - timedelta(hours=1)))
    assert m.readings == 0
    assert m.hypo_events_l1 == 0
    assert m.mean_mgdl is None


# --------------------------------------------------------------------------- events


def test_three_consecutive_five_minute_lows_are_one_event():
    # 0, 5, 10 min below 70: 10 + 5 = 15 minutes
    m = metrics(series([100.0, 65.0, 65.0, 65.0, 100.0]))
    assert m.hypo_events_l1 == 1
    assert m.hypo_events_l2 == 0


def test_two_consecutive_lows_are_not_an_event():
    # 5 + 5 = 10 minutes < 15
    m = metrics(series([100.0, 65.0, 65.0, 100.0]))
    assert m.hypo_events_l1 == 0


def test_a_long_run_is_one_event():
    m = metrics(series([60.0] * 12))  # one hour below 70
    assert m.hypo_events_l1 == 1


def test_a_reading_back_in_range_splits_events():
    m = metrics(series([65.0, 65.0, 65.0, 100.0, 65.0, 65.0, 65.0]))
    assert m.hypo_events_l1 == 2


def test_a_gap_longer_than_one_and_a_half_intervals_ends_a_run():
    # 0 and 5 low, then 8 minutes of missing data (> 7.5), then 13 low:
    # runs of 2 and 1 readings, neither reaches 15 minutes.
    m = metrics(at_minutes([(0, 60.0), (5, 60.0), (13, 60.0)]))
    assert m.hypo_events_l1 == 0


def test_a_gap_of_exactly_one_and_a_half_intervals_keeps_the_run():
    # gaps of 7.5 minutes are not > 1.5 x 5; 15 - 0 + 5 = 20 minutes
    m = metrics(at_minutes([(0, 60.0), (7.5, 60.0), (15, 60.0)]))
    assert m.hypo_events_l1 == 1


def test_two_readings_across_the_largest_allowed_gap_are_not_an_event():
    # 7.5 + 5 = 12.5 minutes < 15
    m = metrics(at_minutes([(0, 60.0), (7.5, 60.0)]))
    assert m.hypo_events_l1 == 0


def test_sensor_clock_jitter_does_not_hide_an_event():
    # three readings 4 min 58 s apart: 9:56 + 5:00 = 14:56, within the 30 s jitter allowance
    step = 4 + 58 / 60
    m = metrics(series([60.0, 60.0, 60.0], step_minutes=step))
    assert m.hypo_events_l1 == 1


def test_level_two_hypo_events_need_three_readings_below_54():
    # 60, 50, 50, 50, 60: one run of 5 below 70 and one run of 3 below 54
    m = metrics(series([60.0, 50.0, 50.0, 50.0, 60.0]))
    assert m.hypo_events_l1 == 1
    assert m.hypo_events_l2 == 1


def test_a_level_one_reading_between_level_two_readings_splits_level_two_runs():
    # below 70 throughout (one L1 event) but below 54 only in runs of 2 (no L2 event)
    m = metrics(series([50.0, 50.0, 60.0, 50.0, 50.0]))
    assert m.hypo_events_l1 == 1
    assert m.hypo_events_l2 == 0


def test_exactly_54_does_not_count_towards_a_level_two_event():
    m = metrics(series([53.0, 54.0, 53.0]))
    assert m.hypo_events_l2 == 0
    assert m.hypo_events_l1 == 1


def test_hyper_level_two_events_are_strictly_above_250():
    assert metrics(series([251.0, 260.0, 251.0])).hyper_events_l2 == 1
    assert metrics(series([250.0, 250.0, 250.0])).hyper_events_l2 == 0
    # 200 is only level 1: no level-2 event, and no hypo event either
    m = metrics(series([200.0, 200.0, 200.0]))
    assert (m.hypo_events_l1, m.hypo_events_l2, m.hyper_events_l2) == (0, 0, 0)


def test_censored_lows_make_events():
    m = metrics(series([39.0, 39.0, 39.0], censored=True))
    assert m.hypo_events_l1 == 1
    assert m.hypo_events_l2 == 1


def test_with_a_fifteen_minute_interval_one_reading_spans_fifteen_minutes():
    # (0 + 15 minutes >= 15): a documented consequence of the duration rule
    m = metrics(series([60.0, 100.0, 60.0], step_minutes=15), interval_minutes=15)
    assert m.hypo_events_l1 == 2
    # 20 minutes apart (<= 22.5) the two lows are one run; 30 minutes apart they are two
    m = metrics(at_minutes([(0, 60.0), (20, 60.0)]), interval_minutes=15)
    assert m.hypo_events_l1 == 1
    m = metrics(at_minutes([(0, 60.0), (30, 60.0)]), interval_minutes=15)
    assert m.hypo_events_l1 == 2


def test_unsorted_input_is_sorted_before_anything_is_counted():
    ordered = series([100.0, 65.0, 65.0, 65.0, 100.0, 300.0, 300.0, 300.0])
    shuffled = [ordered[i] for i in (7, 2, 0, 5, 3, 6, 1, 4)]
    m = metrics(shuffled)
    assert m.hypo_events_l1 == 1
    assert m.hyper_events_l2 == 1
    assert m == metrics(ordered)


# --------------------------------------------------------------------------- days and windows


def test_local_day_window_on_the_23_hour_spring_forward_day_in_berlin():
    start, end = local_day_window(date(2026, 3, 29), "Europe/Berlin")
    assert start == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)  # 00:00 CET (+01)
    assert end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # 00:00 CEST (+02)
    assert end - start == timedelta(hours=23)


def test_local_day_window_on_the_25_hour_fall_back_day_in_berlin():
    start, end = local_day_window(date(2026, 10, 25), "Europe/Berlin")
    assert start == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)  # 00:00 CEST (+02)
    assert end == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)  # 00:00 CET (+01)
    assert end - start == timedelta(hours=25)


def test_local_day_window_in_a_half_hour_zone():
    start, end = local_day_window(date(2026, 1, 15), "Asia/Kolkata")  # +05:30
    assert start == datetime(2026, 1, 14, 18, 30, tzinfo=UTC)
    assert end == datetime(2026, 1, 15, 18, 30, tzinfo=UTC)


def test_a_day_whose_midnight_is_skipped_starts_at_the_transition():
    # Chile springs forward at 24:00 on Saturday 2026-09-05: Sunday starts at 01:00 -03
    start, end = local_day_window(date(2026, 9, 6), "America/Santiago")
    assert start == datetime(2026, 9, 6, 4, 0, tzinfo=UTC)
    assert end == datetime(2026, 9, 7, 3, 0, tzinfo=UTC)
    assert local_day_window(date(2026, 9, 5), "America/Santiago")[1] == start


def test_window_bounds_span_inclusive_local_dates():
    start, end = window_bounds(date(2026, 3, 23), date(2026, 4, 5), "Europe/Berlin")
    assert start == datetime(2026, 3, 22, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 4, 5, 22, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=14 * 24 - 1)  # one 23 h day inside
    one_day = window_bounds(date(2026, 1, 15), date(2026, 1, 15), "Asia/Kolkata")
    assert one_day == local_day_window(date(2026, 1, 15), "Asia/Kolkata")


def test_window_bounds_reject_an_end_before_the_start():
    with pytest.raises(ValueError, match="end_date"):
        window_bounds(date(2026, 1, 2), date(2026, 1, 1), "UTC")


def test_active_percent_on_a_23_hour_day_expects_276_readings():
    start, end = local_day_window(date(2026, 3, 29), "Europe/Berlin")
    readings = full_day(start, end)
    assert len(readings) == 276  # 23 h x 12
    assert metrics(readings, start=start, end=end).active_percent == 100.0
    # 138 of 276 readings is 50 % (it would be 47.9 % against a naive 24 h day)
    assert metrics(readings[:138], start=start, end=end).active_percent == 50.0


def test_active_percent_on_a_25_hour_day_expects_300_readings():
    start, end = local_day_window(date(2026, 10, 25), "Europe/Berlin")
    readings = full_day(start, end)
    assert len(readings) == 300  # 25 h x 12
    assert metrics(readings, start=start, end=end).active_percent == 100.0
    # 288 readings (a "full" 24 h day) are only 96 % of this day
    assert metrics(readings[:288], start=start, end=end).active_percent == 96.0


def test_active_percent_in_a_half_hour_zone():
    start, end = local_day_window(date(2026, 1, 15), "Asia/Kolkata")
    readings = full_day(start, end)
    assert len(readings) == 288
    # a reading at 18:29 UTC on the 14th is 23:59 local on the 14th: outside the day
    early = Reading(at=start - timedelta(minutes=1), mg_dl=100.0)
    m = metrics([early, *readings[:144]], start=start, end=end)
    assert m.readings == 144
    assert m.active_percent == 50.0


def test_active_percent_uses_the_device_interval():
    # a Libre-style 15-minute history: 96 readings a day is 100 %, 48 is 50 %
    readings = series([100.0] * 96, step_minutes=15)
    assert metrics(readings, interval_minutes=15).active_percent == 100.0
    assert metrics(readings[:48], interval_minutes=15).active_percent == 50.0
    # the same 96 readings against a 5-minute device are a third of the day
    assert metrics(readings).active_percent == pytest.approx(100 / 3)


def test_active_percent_never_exceeds_100():
    readings = series([100.0] * 300, step_minutes=4.8)  # 300 readings in 24 h
    assert metrics(readings).active_percent == 100.0


def test_sufficient_needs_14_days_and_70_percent_active():
    # 14 local days with one 23 h day: 335 h x 12 = 4020 expected; 70 % is 2814 readings
    start, end = window_bounds(date(2026, 3, 23), date(2026, 4, 5), "Europe/Berlin")
    readings = full_day(start, end)
    assert len(readings) == 4020
    enough = metrics(readings[:2814], start=start, end=end, days=14)
    assert enough.active_percent == pytest.approx(70.0)
    assert enough.sufficient is True
    short = metrics(readings[:2813], start=start, end=end, days=14)
    assert short.active_percent == pytest.approx(69.9751, abs=1e-4)  # 100 x 2813 / 4020
    assert short.sufficient is False


def test_thirteen_full_days_are_not_sufficient_but_still_measured():
    start, end = window_bounds(date(2026, 1, 1), date(2026, 1, 13), "UTC")
    m = metrics(full_day(start, end), start=start, end=end, days=13)
    assert m.active_percent == 100.0
    assert m.sufficient is False
    assert m.mean_mgdl == 100.0
    assert m.tir_percent == 100.0


# --------------------------------------------------------------------------- display and rows


def test_as_dict_rounds_to_one_decimal_and_gmi_to_two():
    # n = 3, mean 302 / 3 = 100.667; deviations -2/3, 1/3, 1/3 -> (4 + 1 + 1) / 9 / 2 = 1/3
    # SD 0.57735; CV 0.57353 %; GMI 3.31 + 0.02392 x 100.667 = 5.71795; active 3/288 = 1.04 %
    shown = metrics(series([100.0, 101.0, 101.0])).as_dict()
    assert shown == {
        "readings": 3,
        "active_percent": 1.0,
        "mean_mgdl": 100.7,
        "sd_mgdl": 0.6,
        "cv_percent": 0.6,
        "gmi_percent": 5.72,
        "tir_percent": 100.0,
        "tbr_percent": 0.0,
        "tbr_level2_percent": 0.0,
        "tar_percent": 0.0,
        "tar_level2_percent": 0.0,
        "hypo_events_l1": 0,
        "hypo_events_l2": 0,
        "hyper_events_l2": 0,
        "sufficient": False,
        "days": 1,
    }


def test_metrics_are_frozen():
    m = metrics(series([100.0]))
    assert isinstance(m, GlucoseMetrics)
    with pytest.raises(AttributeError):
        m.readings = 2  # type: ignore[misc]


def test_a_naive_reading_time_is_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        Reading(at=datetime(2026, 1, 5, 12, 0), mg_dl=100.0)


def test_a_naive_window_is_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        compute_metrics([], start=datetime(2026, 1, 5), end=datetime(2026, 1, 6), days=1)


def test_rows_give_the_same_metrics_as_readings():
    readings = series([100.0, 65.0, 65.0, 65.0, 39.0, 300.0, 300.0, 300.0, 180.0])
    epoch_rows = [(r.at.timestamp(), r.mg_dl, r.censored) for r in readings]
    datetime_rows = [(r.at, r.mg_dl, r.censored) for r in readings]
    expected = metrics(readings)
    kwargs = {"start": T0, "end": DAY_END, "days": 1}
    assert compute_metrics_from_rows(epoch_rows, **kwargs) == expected
    assert compute_metrics_from_rows(datetime_rows, **kwargs) == expected
    assert compute_metrics_from_rows(iter(reversed(epoch_rows)), **kwargs) == expected
    assert expected.hypo_events_l1 == 1  # 65, 65, 65, 39
    assert expected.hyper_events_l2 == 1


# --------------------------------------------------------------------------- AGP


def test_agp_has_96_fifteen_minute_bins_with_none_for_empty_bins():
    bins = agp_percentiles([], tz="Europe/Berlin")
    assert len(bins) == 96
    assert bins[0] == AgpBin(0, 0, None, None, None, None, None)
    assert bins[1].start_minute == 15
    assert bins[95].label == "23:45"


def test_agp_percentiles_interpolate_linearly():
    # five days at local 00:05 in Kolkata (18:35 UTC the day before): one bin, n = 5.
    # position (n - 1) * p = 4p: p5 -> 0.2 -> 100 + 0.2 x 10 = 102; p25 -> 1 -> 110;
    # p50 -> 2 -> 120; p75 -> 3 -> 130; p95 -> 3.8 -> 130 + 0.8 x 10 = 138
    first = datetime(2026, 1, 14, 18, 35, tzinfo=UTC)
    readings = [
        Reading(at=first + timedelta(days=d), mg_dl=v)
        for d, v in enumerate([140.0, 100.0, 130.0, 110.0, 120.0])
    ]
    bins = agp_percentiles(readings, tz="Asia/Kolkata")
    assert bins[0] == AgpBin(0, 5, 102.0, 110.0, 120.0, 130.0, 138.0)
    assert all(b.count == 0 for b in bins[1:])


def test_agp_two_values_interpolate_between_them():
    # n = 2, position p: 100 + p x 100
    readings = at_minutes([(0, 100.0), (1440, 200.0)])  # 00:00 UTC on two days
    b = agp_percentiles(readings, tz="UTC")[0]
    assert (b.p5, b.p25, b.p50, b.p75, b.p95) == pytest.approx((105, 125, 150, 175, 195))


def test_agp_bins_use_local_time_in_a_half_hour_zone():
    readings = [
        Reading(at=datetime(2026, 1, 14, 18, 44, tzinfo=UTC), mg_dl=100.0),  # 00:14 IST
        Reading(at=datetime(2026, 1, 14, 18, 45, tzinfo=UTC), mg_dl=200.0),  # 00:15 IST
        Reading(at=datetime(2026, 1, 14, 18, 29, tzinfo=UTC), mg_dl=300.0),  # 23:59 IST
    ]
    bins = agp_percentiles(readings, tz="Asia/Kolkata")
    assert (bins[0].count, bins[0].p50) == (1, 100.0)
    assert (bins[1].count, bins[1].p50) == (1, 200.0)
    assert (bins[95].count, bins[95].p50) == (1, 300.0)


def test_agp_puts_both_repeated_hours_of_a_25_hour_day_in_the_same_bins():
    readings = [
        Reading(at=datetime(2026, 10, 25, 0, 30, tzinfo=UTC), mg_dl=100.0),  # 02:30 CEST
        Reading(at=datetime(2026, 10, 25, 1, 30, tzinfo=UTC), mg_dl=200.0),  # 02:30 CET
    ]
    bins = agp_percentiles(readings, tz="Europe/Berlin")
    assert bins[10].label == "02:30"
    assert bins[10].count == 2
    assert bins[10].p50 == 150.0
    assert sum(b.count for b in bins) == 2


def test_agp_accepts_other_bin_sizes_that_divide_the_day():
    readings = at_minutes([(10, 100.0), (40, 200.0)])
    bins = agp_percentiles(readings, tz="UTC", bin_minutes=30)
    assert len(bins) == 48
    assert (bins[0].p50, bins[1].p50) == (100.0, 200.0)
    assert bins[1].as_dict() == {
        "time": "00:30",
        "count": 1,
        "p5": 200.0,
        "p25": 200.0,
        "p50": 200.0,
        "p75": 200.0,
        "p95": 200.0,
    }
    with pytest.raises(ValueError, match="divisor of 1440"):
        agp_percentiles(readings, tz="UTC", bin_minutes=7)
