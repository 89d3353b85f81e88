"""SCORING.md C2: worked vectors, unit anchors and the default parameter hash."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from apps.scoring.engine import (
    ALGORITHM_VERSION,
    DEFAULT_PARAMS,
    ExerciseSession,
    GlucoseReading,
    Meal,
    Profile,
    UserInputs,
    fasting_depth,
    leucine_pulse,
    local_day_window,
    maintenance_energy,
    params_sha256,
    score_day,
    score_days,
)

from .strategies import NO_EXERCISE

BERLIN = ZoneInfo("Europe/Berlin")
TRACKING_START = datetime(2025, 1, 1, tzinfo=UTC)  # "well before the scenario"
TDEE_2400 = Profile(maintenance_kcal_override=2400)
DEFAULT_SHA = "4a34c84d5cd40274aa2e511b322deae6f6eb596af634ec47a26fbe4673ee8597"


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


def inputs(meals, *, confirmed=(), glucose=(), exercise=None, profile=TDEE_2400) -> UserInputs:
    return UserInputs(
        tz="Europe/Berlin",
        tracking_start=TRACKING_START,
        profile=profile,
        meals=meals,
        confirmed_days=frozenset(confirmed),
        glucose=glucose,
        exercise=exercise,
    )


def close(actual: float | None, expected: float, tol: float = 0.05) -> bool:
    return actual is not None and abs(actual - expected) <= tol


def values(result) -> dict[str, float | None]:
    return {k: c.value for k, c in result.components.items()}


# --- vector 1 / 1b: 16:8 ---------------------------------------------------------------------

TUE = date(2025, 6, 10)


def sixteen_eight_meals(days: list[date]) -> list[Meal]:
    meals = []
    for d in days:
        meals += [
            Meal(berlin(d, 12), 800, protein_g=35),
            Meal(berlin(d, 16), 400, protein_g=15),
            Meal(berlin(d, 19, 30), 800, protein_g=40),
        ]
    return meals


def healthy_cgm(day: date) -> list[GlucoseReading]:
    """288 five-minute readings, mean 99 mg/dL, 6 readings above 140 (2.08 %), the
    excursion right after the 12:00 meal (so it is no "unlogged intake")."""
    start, _ = local_day_window(day, "Europe/Berlin")
    mg = [98.0] * 288
    for i in range(6):
        mg[(12 * 60 + 30) // 5 + i] = 145.0  # 12:30 ... 12:55 local
        mg[36 + i] = 99.0  # 03:00 ... 03:25 local
    return [GlucoseReading(start + timedelta(minutes=5 * i), v) for i, v in enumerate(mg)]


def test_vector_1_sixteen_eight():
    cgm = healthy_cgm(TUE)
    assert sum(r.mg_dl for r in cgm) / len(cgm) == 99.0
    data = inputs(sixteen_eight_meals([TUE - timedelta(days=1), TUE]), confirmed=[TUE], glucose=cgm)

    result = score_day(data, TUE, params=NO_EXERCISE)

    fasting = result.components["fasting"]
    assert close(fasting.value, 25.8)
    assert round(fasting.details["peak_h"], 2) == 16.48
    assert abs(fasting.details["peak_depth"] - 0.412) < 0.0005
    assert abs(fasting.details["mean_depth"] - 0.10) < 0.005
    assert close(result.components["amino_acids"].value, 45.0)
    assert abs(result.components["amino_acids"].details["pulses"] - 2.2) < 1e-9
    assert close(result.components["energy"].value, 66.7)
    assert close(result.components["glycemia"].value, 95.8)
    assert result.score == 45.7
    assert result.confidence == 0.96
    assert result.flags == ()
    assert result.components["exercise"].enabled is False


def test_vector_1b_with_45_min_moderate_exercise():
    session = ExerciseSession(berlin(TUE, 7), 45, "moderate")
    data = inputs(
        sixteen_eight_meals([TUE - timedelta(days=1), TUE]),
        confirmed=[TUE],
        glucose=healthy_cgm(TUE),
        exercise=[session],
    )

    result = score_day(data, TUE)  # default params: exercise enabled

    assert close(result.components["fasting"].value, 25.8)
    assert close(result.components["amino_acids"].value, 45.0)
    assert close(result.components["energy"].value, 66.7)
    assert close(result.components["glycemia"].value, 95.8)
    assert result.components["exercise"].value == 75.0
    assert result.score == 48.7


def test_b5_example_confidence_with_exercise_enabled_but_not_logged():
    data = inputs(
        sixteen_eight_meals([TUE - timedelta(days=1), TUE]),
        confirmed=[TUE],
        glucose=healthy_cgm(TUE),
    )

    result = score_day(data, TUE)

    assert result.confidence == 0.86  # B5: exercise enabled, q_E = 0
    assert result.components["exercise"].available is False
    assert result.score == 45.7


# --- vectors 2 / 2b: 36-h fast ---------------------------------------------------------------


def thirty_six_hour_fast(glucose=()) -> UserInputs:
    meals = [Meal(berlin(date(2025, 6, 9), 19), 800), Meal(berlin(date(2025, 6, 11), 7), 600)]
    return inputs(meals, confirmed=[TUE], glucose=glucose)


def test_vector_2_thirty_six_hour_fast_scored_on_tuesday():
    result = score_day(thirty_six_hour_fast(), TUE, params=NO_EXERCISE)

    assert close(result.components["fasting"].value, 52.2)
    assert round(result.components["fasting"].details["peak_h"], 2) == 28.98
    assert abs(result.components["fasting"].details["peak_depth"] - 0.652) < 0.0005
    assert result.components["amino_acids"].value == 100.0
    assert result.components["energy"].value == 100.0
    assert result.components["glycemia"].available is False
    assert result.score == 76.1


def test_vector_2b_with_cgm_mean_88():
    start, _ = local_day_window(TUE, "Europe/Berlin")
    cgm = [GlucoseReading(start + timedelta(minutes=5 * i), 88) for i in range(288)]

    result = score_day(thirty_six_hour_fast(cgm), TUE, params=NO_EXERCISE)

    assert close(result.components["fasting"].value, 52.2)
    assert result.components["glycemia"].value == 100.0
    assert result.score == 78.8


# --- vectors 3 / 3b: meals moving across days ------------------------------------------------

SUN, MON = date(2025, 6, 8), date(2025, 6, 9)
VECTOR_3_MEALS = [
    Meal(berlin(SUN, 19), 700),
    Meal(berlin(MON, 13), 700),
    Meal(berlin(MON, 20), 700),
    Meal(berlin(TUE, 12), 700),
    Meal(berlin(TUE, 19), 700),
]


def test_vector_3_confirmed_days():
    mon, tue = score_days(inputs(VECTOR_3_MEALS, confirmed=[MON, TUE]), [MON, TUE])

    assert close(mon.components["fasting"].value, 29.3)
    assert round(mon.components["fasting"].details["peak_h"], 2) == 17.98
    assert close(tue.components["fasting"].value, 25.1)
    assert round(tue.components["fasting"].details["peak_h"], 2) == 15.98


def test_vector_3b_unconfirmed_days_are_capped_at_16_h():
    mon, tue = score_days(inputs(VECTOR_3_MEALS), [MON, TUE])

    assert close(mon.components["fasting"].value, 26.7)
    assert mon.components["fasting"].details["peak_h"] == 16.0
    assert close(tue.components["fasting"].value, 25.1)
    assert mon.components["fasting"].quality == 0.6
    assert tue.components["fasting"].quality == 0.6


def test_c1_3_note_moving_monday_dinner_later_lowers_tuesday():
    moved = [
        Meal(berlin(MON, 21), 700) if m.eaten_at == berlin(MON, 20) else m for m in VECTOR_3_MEALS
    ]

    tue = score_day(inputs(moved, confirmed=[MON, TUE]), TUE)

    assert close(tue.components["fasting"].value, 22.4)


# --- vectors 4 / 5: DST days (left-endpoint minute sums, not the integral) -------------------


def test_vector_4_spring_forward_day_of_23_hours():
    day = date(2025, 3, 30)
    meals = [Meal(berlin(date(2025, 3, 29), 19), 700), Meal(berlin(day, 13), 700)]

    result = score_day(inputs(meals, confirmed=[day]), day)

    fasting = result.components["fasting"]
    assert fasting.details["day_minutes"] == 1380
    assert round(fasting.details["peak_h"], 2) == 16.98
    assert fasting.value == 28.7  # the continuous integral would give 28.8


def test_vector_5_fall_back_day_of_25_hours():
    day = date(2025, 10, 26)
    meals = [Meal(berlin(date(2025, 10, 25), 19), 700), Meal(berlin(day, 13), 700)]

    result = score_day(inputs(meals, confirmed=[day]), day)

    fasting = result.components["fasting"]
    assert fasting.details["day_minutes"] == 1500
    assert round(fasting.details["peak_h"], 2) == 18.98
    assert fasting.value == 32.4  # 32.5 would be wrong


# --- vectors 6 / 6b: a water fast ------------------------------------------------------------

FAST_DAYS = [date(2025, 6, 10) + timedelta(days=i) for i in range(4)]  # Tue ... Fri


@pytest.mark.parametrize(
    ("index", "fasting", "score"),
    [(0, 52.2, 76.1), (1, 82.8, 91.4), (2, 97.6, 98.8), (3, 100.0, 100.0)],
)
def test_vector_6_confirmed_water_fast(index, fasting, score):
    data = inputs([Meal(berlin(MON, 19), 800)], confirmed=FAST_DAYS)

    result = score_days(data, FAST_DAYS, params=NO_EXERCISE)[index]

    assert close(result.components["fasting"].value, fasting)
    assert result.components["amino_acids"].value == 100.0
    assert result.components["energy"].value == 100.0
    assert close(result.score, score)
    assert result.confidence == 0.89
    prolonged = [f for f in result.flags if f.code == "PROLONGED_FAST"]
    if index >= 2:  # Thu and Fri
        assert [f.severity for f in prolonged] == ["warning"]
    else:
        assert prolonged == []


@pytest.mark.parametrize(("index", "fasting"), [(0, 35.6), (1, 40.0), (2, 40.0), (3, 40.0)])
def test_vector_6b_unconfirmed_water_fast(index, fasting):
    data = inputs([Meal(berlin(MON, 19), 800)])

    result = score_days(data, FAST_DAYS, params=NO_EXERCISE)[index]

    assert close(result.components["fasting"].value, fasting)
    assert result.components["amino_acids"].available is False
    assert result.components["energy"].available is False
    assert result.components["glycemia"].available is False
    assert result.score == result.components["fasting"].value
    assert result.confidence == 0.27
    assert result.flags == ()  # the unverified cap keeps h_eff at 16 h


# --- unit anchors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "depth"),
    [
        (0, 0.0),
        (4, 0.0),
        (8, 0.125),
        (12, 0.25),
        (16, 0.40),
        (18, 0.45),
        (20, 0.50),
        (24, 0.60),
        (36, 0.725),
        (48, 0.85),
        (60, 0.925),
        (72, 1.0),
        (100, 1.0),
    ],
)
def test_depth_curve_anchors(hours, depth):
    assert fasting_depth(hours) == pytest.approx(depth, abs=1e-12)


@pytest.mark.parametrize(
    ("leucine", "pulse"), [(0.75, 0.1), (1.6, 0.44), (2.0, 0.6), (2.4, 0.76), (3.0, 1.0), (9, 1.0)]
)
def test_leucine_pulse_anchors(leucine, pulse):
    assert leucine_pulse(leucine) == pytest.approx(pulse, abs=1e-12)


def test_mifflin_st_jeor_anchors():
    man = Profile("male", 35, 180, 80, 1.55)
    woman = Profile("female", 45, 165, 65, 1.375)

    assert maintenance_energy(man).kcal == pytest.approx(2720.25, abs=0.005)
    assert maintenance_energy(man).quality == 0.8
    assert maintenance_energy(woman).kcal == pytest.approx(1780.97, abs=0.005)


def test_default_params_hash_and_version():
    assert params_sha256(DEFAULT_PARAMS) == DEFAULT_SHA
    assert params_sha256({}) == DEFAULT_SHA  # an empty partial object is the default set
    assert DEFAULT_PARAMS["version"] == ALGORITHM_VERSION == "mtor-heuristic/1.0.0"
    result = score_day(inputs([]), TUE)
    assert result.params_sha256 == DEFAULT_SHA
    assert result.algorithm_version == ALGORITHM_VERSION


def test_default_params_are_read_only():
    with pytest.raises(TypeError):
        DEFAULT_PARAMS["cr_full"] = 0.5  # type: ignore[index]
    with pytest.raises(TypeError):
        DEFAULT_PARAMS["weights"]["fasting"] = 1  # type: ignore[index]


def test_as_dict_has_the_b5_shape_and_is_json_serialisable():
    data = inputs(
        sixteen_eight_meals([TUE - timedelta(days=1), TUE]),
        confirmed=[TUE],
        glucose=healthy_cgm(TUE),
    )

    out = score_day(data, TUE).as_dict()

    assert json.loads(json.dumps(out, allow_nan=False)) == out
    assert out["window_utc"] == ["2025-06-09T22:00:00Z", "2025-06-10T22:00:00Z"]
    assert out["local_date"] == "2025-06-10"
    assert out["user_tz"] == "Europe/Berlin"
    assert out["provisional"] is False
    assert list(out["components"]) == ["fasting", "amino_acids", "energy", "glycemia", "exercise"]
    for component in out["components"].values():
        assert {"value", "weight", "quality", "available", "enabled", "explain"} <= set(component)
    assert out["components"]["fasting"]["explain"] == (
        "Longest fasted stretch 16.5 h (depth 41 %); mean depth 10 %"
    )
    assert out["components"]["energy"]["explain"] == (
        "2000 kcal vs ~2400 maintenance (16.7 % below)"
    )
    assert out["components"]["exercise"] == {
        "value": None,
        "weight": 10,
        "quality": 0.0,
        "available": False,
        "enabled": True,
        "explain": "Exercise not logged",
        "details": {},
    }
