"""SCORING.md Part R: one example per precise rule."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.scoring.engine import (
    DEFAULT_PARAMS,
    ExerciseSession,
    FastingWindow,
    GlucoseReading,
    InputError,
    Meal,
    Profile,
    UserInputs,
    local_day_window,
    maintenance_energy,
    params_sha256,
    score_day,
    score_days,
)
from apps.scoring.engine.rounding import round_half_even

BERLIN = ZoneInfo("Europe/Berlin")
TS = datetime(2025, 1, 1, tzinfo=UTC)
MON, TUE, WED = date(2025, 6, 9), date(2025, 6, 10), date(2025, 6, 11)


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=BERLIN)


def user(**kw) -> UserInputs:
    kw.setdefault("tz", "Europe/Berlin")
    kw.setdefault("tracking_start", TS)
    kw.setdefault("profile", Profile(maintenance_kcal_override=2400))
    return UserInputs(**kw)


def cgm(day: date, values: list[float], start_hour: int = 0, step: int = 5) -> list[GlucoseReading]:
    start = at(day, start_hour)
    return [GlucoseReading(start + timedelta(minutes=step * i), v) for i, v in enumerate(values)]


def codes(result) -> list[str]:
    return [f.code for f in result.flags]


def flag(result, code):
    return next(f for f in result.flags if f.code == code)


# --- R2: day windows -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "day", "minutes"),
    [
        ("Europe/Berlin", date(2025, 3, 30), 1380),
        ("Europe/Berlin", date(2025, 6, 10), 1440),
        ("Europe/Berlin", date(2025, 10, 26), 1500),
        ("Australia/Lord_Howe", date(2025, 10, 5), 1410),
        ("Australia/Lord_Howe", date(2025, 4, 6), 1470),
        ("Asia/Kolkata", date(2025, 6, 10), 1440),
        ("America/Santiago", date(2025, 9, 7), 1380),
    ],
)
def test_r2_day_lengths(tz, day, minutes):
    start, end = local_day_window(day, tz)
    assert (end - start) / timedelta(minutes=1) == minutes


def test_r2_half_hour_zone_and_non_existent_midnight():
    assert local_day_window(date(2025, 6, 10), "Asia/Kolkata")[0] == datetime(
        2025, 6, 9, 18, 30, tzinfo=UTC
    )
    # Santiago skips 00:00-01:00 on 2025-09-07: the day starts at the transition instant.
    start, _ = local_day_window(date(2025, 9, 7), "America/Santiago")
    assert start == datetime(2025, 9, 7, 4, 0, tzinfo=UTC)
    assert local_day_window(date(2025, 9, 6), "America/Santiago")[1] == start


# --- R1: the minute grid ---------------------------------------------------------------------


def test_r1_meal_exactly_on_a_minute_ends_the_fast_at_that_minute():
    exact = user(meals=[Meal(at(MON, 20), 500), Meal(at(TUE, 12), 500)], confirmed_days={TUE})
    late = user(meals=[Meal(at(MON, 20), 500), Meal(at(TUE, 12, 0, 30), 500)], confirmed_days={TUE})

    peak_exact = score_day(exact, TUE).components["fasting"].details["peak_h"]
    peak_late = score_day(late, TUE).components["fasting"].details["peak_h"]

    assert peak_exact == pytest.approx(16 - 1 / 60)  # 11:59 is the last fasted minute
    assert peak_late == pytest.approx(16)  # minute 12:00 still belongs to the fast


def test_r1_grid_is_anchored_at_the_day_start_not_at_tracking_start():
    data = user(tracking_start=at(TUE, 6, 0, 30), confirmed_days={TUE})

    fasting = score_day(data, TUE).components["fasting"]

    # First scored minute is 06:01; minutes before tracking_start count 0 in q_F.
    assert fasting.details["scored_minutes"] == 1440 - 6 * 60 - 1
    assert fasting.quality_raw == pytest.approx((1440 - 361) / 1440)


# --- R3 / R4: as_of --------------------------------------------------------------------------


def test_r3_provisional_day_ignores_what_happens_after_as_of():
    meals = [Meal(at(MON, 19), 800, protein_g=40), Meal(at(TUE, 18), 900, protein_g=50)]
    data = user(meals=meals, confirmed_days={TUE})

    result = score_day(data, TUE, as_of=at(TUE, 14))

    assert result.provisional is True
    assert result.components["fasting"].details["scored_minutes"] == 14 * 60
    assert result.components["amino_acids"].details["meals"] == 0
    assert result.components["energy"].details["kcal_day"] == 0.0
    assert score_day(data, TUE, as_of=at(WED, 0)).provisional is False


def test_r4_day_not_started_has_no_score_no_confidence_and_no_flags():
    data = user(medical_context={"insulin"}, glucose=cgm(TUE, [50] * 10))

    result = score_day(data, TUE, as_of=at(TUE, 0))

    assert result.score is None
    assert result.confidence == 0.0
    assert result.flags == ()
    assert not any(c.available for c in result.components.values())


# --- R5 / R6 / R31: tracking_start -----------------------------------------------------------


def test_r6_r31_untracked_day_has_glycemia_but_no_score():
    data = user(
        tracking_start=at(WED, 8),
        meals=[Meal(at(TUE, 12), 300, protein_g=20)],
        confirmed_days={TUE},
        glucose=cgm(TUE, [95] * 288),
    )

    result = score_day(data, TUE)

    assert [k for k, c in result.components.items() if c.available] == ["glycemia"]
    assert result.score is None
    assert result.confidence > 0


def test_r5_meals_before_tracking_start_are_not_anchors():
    data = user(tracking_start=at(TUE, 6), meals=[Meal(at(TUE, 5), 500)])

    fasting = score_day(data, TUE).components["fasting"]

    assert fasting.details["scored_minutes"] == 18 * 60
    assert fasting.quality_raw == pytest.approx(18 * 60 * 0.2 / 1440)  # anchored by tracking start


# --- R7 / R8 / R9: effective windows and completeness ----------------------------------------


def test_r7_an_open_window_ends_at_the_next_caloric_intake():
    data = user(
        fasting_windows=[FastingWindow(at(MON, 20))],
        meals=[Meal(at(MON, 20), 600), Meal(at(TUE, 14), 600)],
    )

    tue, wed = score_days(data, [TUE, WED])

    assert tue.components["fasting"].details["peak_h"] == pytest.approx(18 - 1 / 60)
    assert wed.components["fasting"].details["verified_minutes"] == 0
    assert wed.components["energy"].available is False  # no forgotten window makes days complete


def test_r9_a_day_inside_one_logged_window_is_complete():
    data = user(
        meals=[Meal(at(MON, 19), 700)],
        fasting_windows=[FastingWindow(at(MON, 19), at(WED, 7))],
    )

    result = score_day(data, TUE)

    assert result.components["energy"].value == 100.0
    assert result.components["amino_acids"].quality == 1.0
    # Provisional: effective windows stop at as_of, so only a confirmation makes it complete.
    assert score_day(data, TUE, as_of=at(TUE, 20)).components["energy"].available is False


def test_r7_touching_windows_merge_and_make_the_day_complete():
    data = user(
        meals=[Meal(at(MON, 19), 700)],
        fasting_windows=[
            FastingWindow(at(MON, 19), at(TUE, 12)),
            FastingWindow(at(TUE, 12), at(WED, 7)),
        ],
    )

    assert score_day(data, TUE).components["energy"].value == 100.0


def test_r10_zero_kcal_protein_is_a_pulse_but_not_a_fast_break():
    shake = Meal(at(TUE, 8), 0, leucine_g=3.0)
    data = user(meals=[Meal(at(MON, 20), 700), shake], confirmed_days={TUE})

    result = score_day(data, TUE)

    assert result.components["amino_acids"].value == 75.0
    assert result.components["fasting"].details["peak_h"] == pytest.approx(28 - 1 / 60)


# --- R11 / R12: maintenance and q_L ----------------------------------------------------------


def test_r11_unknown_sex_and_default_activity_factor():
    other = maintenance_energy(Profile("other", 40, 170, 70, None))
    assert other.kcal == pytest.approx((700 + 1062.5 - 200 - 161) * 1.2)
    assert maintenance_energy(Profile("male", 40, 170, None, 1.5)) is None
    assert maintenance_energy(Profile(maintenance_kcal_override=0)) is None
    assert maintenance_energy(Profile("male", 40, 170, 70), override=2000).kcal == 2000


def test_r12_quality_of_amino_acids():
    meals = [Meal(at(TUE, 12), 500, protein_g=30), Meal(at(TUE, 18), 500)]

    unconfirmed = score_day(user(meals=meals), TUE).components["amino_acids"]
    confirmed = score_day(user(meals=meals, confirmed_days={TUE}), TUE).components["amino_acids"]

    assert unconfirmed.quality_raw == pytest.approx(0.5 * 0.85 * 0.7)
    assert confirmed.quality_raw == pytest.approx(0.5 * 0.85)


# --- R15 / R16 / R17: CGM --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "day", "slots"),
    [
        ("Europe/Berlin", date(2025, 3, 30), 276),
        ("Europe/Berlin", date(2025, 10, 26), 300),
        ("Australia/Lord_Howe", date(2025, 10, 5), 282),
        ("Australia/Lord_Howe", date(2025, 4, 6), 294),
    ],
)
def test_r15_coverage_counts_five_minute_slots_of_the_whole_local_day(tz, day, slots):
    start, _ = local_day_window(day, tz)
    readings = [GlucoseReading(start + timedelta(minutes=5 * i), 90) for i in range(138)]
    readings.append(GlucoseReading(start + timedelta(minutes=1), 90))  # same slot: once

    glycemia = score_day(user(tz=tz, glucose=readings), day).components["glycemia"]

    assert glycemia.details["coverage"] == pytest.approx(138 / slots)


def test_r16_hypo_event_spanning_midnight_is_reported_on_both_days():
    readings = cgm(MON, [65, 60, 52, 50, 53, 66], start_hour=23, step=5)
    readings = [GlucoseReading(r.at + timedelta(minutes=40), r.mg_dl) for r in readings]
    data = user(glucose=readings)

    mon, tue = score_days(data, [MON, TUE])

    for result in (mon, tue):
        assert "HYPO_L1_EVENT" in codes(result)
        assert flag(result, "HYPO_L2_EVENT").severity == "high"


def test_r16_short_runs_and_gaps_are_not_events():
    two = cgm(TUE, [60, 60, 100], start_hour=3)
    gap = cgm(TUE, [60, 60], start_hour=5) + cgm(TUE, [60], start_hour=6)  # 55-min gap
    assert codes(score_day(user(glucose=two + gap), TUE)) == []
    three = cgm(TUE, [260, 270, 255], start_hour=3)
    assert codes(score_day(user(glucose=three), TUE)) == ["HYPER_L2_EVENT"]


def test_r17_tbr_needs_seventy_percent_coverage():
    low_day = [
        GlucoseReading(r.at, 65 if i % 20 == 0 else 90) for i, r in enumerate(cgm(TUE, [0] * 288))
    ]
    assert "TBR_ABOVE_TARGET" in codes(score_day(user(glucose=low_day), TUE))
    sparse = low_day[:150]
    assert "TBR_ABOVE_TARGET" not in codes(score_day(user(glucose=sparse), TUE))


# --- R18 / R21: exercise ---------------------------------------------------------------------


def test_r18_r21_exercise_minutes_and_availability():
    sessions = [
        ExerciseSession(at(MON, 23, 30), 60, "vigorous"),  # 30 min on each day
        ExerciseSession(at(TUE, 9), 30, "light"),
    ]
    tue = score_day(user(exercise=sessions), TUE).components["exercise"]
    assert tue.details["mv_minutes"] == 30.0
    assert tue.value == 50.0
    assert score_day(user(exercise=[]), TUE).components["exercise"].available is False
    rest = score_day(user(exercise=[], no_exercise_days={TUE}), TUE).components["exercise"]
    assert (rest.available, rest.value) == (True, 0.0)
    assert (
        score_day(user(exercise=None, no_exercise_days={TUE}), TUE).components["exercise"].available
        is False
    )


# --- R19: CGM plausibility check -------------------------------------------------------------


def fasting_morning(glucose, exercise=None) -> UserInputs:
    return user(
        meals=[Meal(at(MON, 20), 700), Meal(at(TUE, 12), 700)],
        confirmed_days={TUE},
        glucose=glucose,
        exercise=exercise,
    )


def test_r19_unexplained_rise_during_a_fast_halves_q_f():
    rise = cgm(TUE, [90, 92, 95, 125, 130, 128], start_hour=7)

    fasting = score_day(fasting_morning(rise), TUE).components["fasting"]

    assert fasting.details["possible_unlogged_intake"] is True
    assert fasting.quality == 0.5
    assert fasting.value == score_day(fasting_morning([]), TUE).components["fasting"].value


def test_r19_exercise_or_a_logged_meal_explains_the_rise():
    rise = cgm(TUE, [90, 92, 95, 125, 130, 128], start_hour=7)
    run = [ExerciseSession(at(TUE, 6, 30), 20, "light")]
    after_meal = cgm(TUE, [90, 92, 95, 125, 130, 128], start_hour=12)

    assert score_day(fasting_morning(rise, run), TUE).components["fasting"].quality == 1.0
    assert score_day(fasting_morning(after_meal), TUE).components["fasting"].quality == 1.0


def test_r19_session_overlap_edges():
    rise = cgm(TUE, [90, 125], start_hour=7, step=30)  # 07:00 -> 07:30, +35 mg/dL

    def quality(session: ExerciseSession) -> float:
        return score_day(fasting_morning(rise, [session]), TUE).components["fasting"].quality

    # [r1 - 60 min, r2] is closed: a session ending exactly at 06:00 does not overlap it...
    assert quality(ExerciseSession(at(TUE, 5, 30), 30, "light")) == 0.5
    # ...one ending a minute later does, and so does a zero-length session at 06:00.
    assert quality(ExerciseSession(at(TUE, 5, 31), 30, "light")) == 1.0
    assert quality(ExerciseSession(at(TUE, 6), 0, "light")) == 1.0
    assert quality(ExerciseSession(at(TUE, 5, 59), 0, "light")) == 0.5
    assert quality(ExerciseSession(at(TUE, 7, 30), 10, "light")) == 1.0  # starts at r2


# --- R20 / R22 / R23 / R24 / R29: flags ------------------------------------------------------


def test_r20_elevated_fasting_glucose_before_breakfast():
    pre_meal = cgm(TUE, [128] * 12, start_hour=11)
    result = score_day(fasting_morning(pre_meal), TUE)
    elevated = flag(result, "ELEVATED_FASTING_GLUCOSE")
    assert elevated.severity == "warning"
    assert elevated.evidence["median_mg_dl"] == 128.0
    info = score_day(fasting_morning(cgm(TUE, [105] * 12, start_hour=11)), TUE)
    assert flag(info, "ELEVATED_FASTING_GLUCOSE").severity == "info"


def test_r22_prolonged_fast_is_high_beyond_five_days():
    data = user(
        meals=[Meal(at(date(2025, 6, 4), 19), 800)],
        confirmed_days={date(2025, 6, 4) + timedelta(days=i) for i in range(7)},
    )
    assert flag(score_day(data, TUE), "PROLONGED_FAST").severity == "high"


def test_r23_very_low_calorie_needs_a_complete_day():
    meals = [Meal(at(TUE, 12), 700, protein_g=50)]
    assert "VERY_LOW_CALORIE" in codes(score_day(user(meals=meals, confirmed_days={TUE}), TUE))
    assert "VERY_LOW_CALORIE" not in codes(score_day(user(meals=meals), TUE))


def test_r24_low_protein_needs_four_complete_days_and_a_weight():
    days = [TUE - timedelta(days=i) for i in range(4)]
    meals = [Meal(at(d, 12), 1800, protein_g=40) for d in days]
    profile = Profile(weight_kg=80, maintenance_kcal_override=2400)

    result = score_day(user(meals=meals, confirmed_days=set(days), profile=profile), TUE)
    assert flag(result, "LOW_PROTEIN_7D").evidence["mean_protein_g_per_kg"] == 0.5

    three = user(meals=meals, confirmed_days=set(days[:3]), profile=profile)
    assert "LOW_PROTEIN_7D" not in codes(score_day(three, TUE))
    no_weight = user(meals=meals, confirmed_days=set(days))
    assert "LOW_PROTEIN_7D" not in codes(score_day(no_weight, TUE))


def test_r29_medical_context_flag_leaves_the_score_alone():
    meals = [Meal(at(MON, 20), 700), Meal(at(TUE, 12), 700)]
    plain = score_day(user(meals=meals), TUE)
    profile = Profile(maintenance_kcal_override=2400, medical_context={"pregnancy"})

    flagged = score_day(user(meals=meals, profile=profile, medical_context={"insulin"}), TUE)

    assert flagged.score == plain.score
    assert flag(flagged, "MEDICAL_CONTEXT").severity == "high"
    assert flagged.as_dict()["flags"] == [
        {
            "code": "MEDICAL_CONTEXT",
            "severity": "high",
            "evidence": {"context": ["insulin", "pregnancy"]},
        }
    ]


# --- R25 / R27 / R28: params, rounding, disabled components ----------------------------------


def test_r25_partial_params_are_merged_and_spelling_is_identity():
    assert params_sha256({"unverified_cap_h": 16}) == params_sha256(DEFAULT_PARAMS)
    assert params_sha256({"unverified_cap_h": 16.0}) != params_sha256(DEFAULT_PARAMS)


def test_r27_decimal_half_even_rounding_of_the_shortest_repr():
    assert round_half_even(45.85, 1) == 45.8
    assert round_half_even(0.15, 1) == 0.2
    assert round_half_even(0.125, 2) == 0.12


def test_r28_disabled_component_is_left_out_of_both_denominators():
    data = user(meals=[Meal(at(MON, 20), 700)], confirmed_days={TUE})
    only_fasting = {"weights": {"fasting": 40}}

    result = score_day(data, TUE, params=only_fasting)

    assert result.score == result.components["fasting"].value
    assert result.confidence == 1.0
    assert [c.enabled for c in result.components.values()] == [True, False, False, False, False]


# --- R30: validation and canonical output ----------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: Meal(datetime(2025, 6, 10, 12), 500),  # naive
        lambda: Meal(at(TUE, 12), -1),
        lambda: Meal(at(TUE, 12), 500, protein_g=math.nan),
        lambda: GlucoseReading(at(TUE, 12), math.inf),
        lambda: ExerciseSession(at(TUE, 12), -5, "moderate"),
        lambda: FastingWindow(at(TUE, 12), at(TUE, 11)),
        lambda: user(tz="Mars/Olympus"),
        lambda: user(medical_context={"vitamins"}),
        lambda: user(confirmed_days={at(TUE, 0)}),
        lambda: score_day(user(), TUE, as_of=datetime(2025, 6, 10, 12)),
        lambda: score_day(user(), at(TUE, 0)),
    ],
)
def test_r30_invalid_inputs_are_errors(build):
    with pytest.raises(InputError):
        build()


def test_r30_flags_are_sorted_by_code_and_unique():
    data = user(
        meals=[Meal(at(date(2025, 6, 5), 19), 800)],
        confirmed_days={date(2025, 6, 5) + timedelta(days=i) for i in range(6)},
        glucose=cgm(TUE, [50] * 288),
        medical_context={"insulin"},
    )

    flag_codes = codes(score_day(data, TUE))

    assert flag_codes == sorted(set(flag_codes))
    assert {"HYPO_L1_EVENT", "HYPO_L2_EVENT", "MEDICAL_CONTEXT", "PROLONGED_FAST"} <= set(
        flag_codes
    )
