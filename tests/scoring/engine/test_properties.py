"""SCORING.md C1: every property as a Hypothesis test (200 derandomized examples each)."""

from __future__ import annotations

import json
import math
import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.scoring.engine import (
    COMPONENT_KEYS,
    DEFAULT_PARAMS,
    FastingWindow,
    Meal,
    Profile,
    UserInputs,
    fasting_depth,
    local_day_window,
    params_sha256,
    score_day,
    score_days,
)
from apps.scoring.engine.params import resolve_params
from apps.scoring.engine.rounding import round_half_even

from .strategies import (
    PROPERTY,
    TZS,
    Scenario,
    caloric,
    minutes_after,
    reference_fasting,
    reference_unlogged_intake,
    rise_scenarios,
    scenarios,
)

EPS = 1e-9


def fasting_raw(result) -> float | None:
    return result.components["fasting"].value_raw


def value_raw(result, key: str) -> float | None:
    return result.components[key].value_raw


def one_day(sc: Scenario, inputs: UserInputs | None = None, day: date | None = None):
    return score_day(inputs or sc.inputs, day or sc.day, as_of=sc.as_of)


def scored_interval(sc: Scenario, day: date) -> tuple[datetime, datetime]:
    start, end = local_day_window(day, sc.inputs.tz)
    hi = end if sc.as_of is None else min(end, sc.as_of)
    return max(start, sc.inputs.tracking_start), hi


# --- 1. Bounded ------------------------------------------------------------------------------


@PROPERTY
@given(scenarios())
def test_c1_1_bounded(sc: Scenario):
    for result in score_days(sc.inputs, sc.days, as_of=sc.as_of):
        for c in result.components.values():
            assert c.value is None or 0 <= c.value <= 100
            assert c.value_raw is None or 0 <= c.value_raw <= 100
            assert 0 <= c.quality <= 1
        assert result.score is None or 0 <= result.score <= 100
        assert 0 <= result.confidence <= 1
        assert 0 <= result.confidence_raw <= 1


# --- 2. Deterministic ------------------------------------------------------------------------


@PROPERTY
@given(scenarios(), st.randoms(use_true_random=False))
def test_c1_2_deterministic_and_order_free(sc: Scenario, rnd: random.Random):
    first = [r.as_dict() for r in score_days(sc.inputs, sc.days, as_of=sc.as_of)]
    again = [r.as_dict() for r in score_days(sc.inputs, sc.days, as_of=sc.as_of)]

    def shuffled(items):
        items = list(items)
        rnd.shuffle(items)
        return items

    inputs = sc.inputs
    reordered = UserInputs(
        tz=inputs.tz,
        tracking_start=inputs.tracking_start,
        profile=inputs.profile,
        meals=shuffled(inputs.meals),
        fasting_windows=shuffled(inputs.fasting_windows),
        confirmed_days=set(shuffled(inputs.confirmed_days)),
        glucose=shuffled(inputs.glucose),
        exercise=None if inputs.exercise is None else shuffled(inputs.exercise),
        no_exercise_days=set(inputs.no_exercise_days),
    )
    params = dict(reversed(list(resolve_params(DEFAULT_PARAMS).items())))
    params["weights"] = dict(shuffled(DEFAULT_PARAMS["weights"].items()))
    other = [r.as_dict() for r in score_days(reordered, sc.days, as_of=sc.as_of, params=params)]

    assert first == again == other


# --- 3. Fasting monotonicity -----------------------------------------------------------------


@PROPERTY
@given(scenarios(), st.integers(0, 10))
def test_c1_3_removing_a_caloric_meal_never_lowers_f(sc: Scenario, pick: int):
    meals = [m for m in sc.inputs.meals if caloric(m)]
    if not meals:
        return
    gone = meals[pick % len(meals)]
    fewer = list(sc.inputs.meals)
    fewer.remove(gone)
    for day in sc.days:
        before = fasting_raw(one_day(sc, day=day))
        after = fasting_raw(one_day(sc, replace(sc.inputs, meals=fewer), day))
        assert (before is None) == (after is None)
        if before is not None:
            assert after >= before - EPS


@PROPERTY
@given(scenarios(), st.integers(0, 10), st.integers(1, 48 * 60), st.booleans())
def test_c1_3_moving_a_caloric_meal(sc: Scenario, pick: int, shift_min: int, later: bool):
    meals = [m for m in sc.inputs.meals if caloric(m)]
    if not meals:
        return
    old = meals[pick % len(meals)]
    shift = timedelta(minutes=shift_min) * (1 if later else -1)
    new = replace(old, eaten_at=old.eaten_at + shift)
    moved = [new if m is old else m for m in sc.inputs.meals]
    for day in sc.days:
        lo, hi = scored_interval(sc, day)
        # Later: only days whose scored interval ends by t2; earlier: starting at or after t1.
        if (later and hi > new.eaten_at) or (not later and lo < old.eaten_at):
            continue
        before = fasting_raw(one_day(sc, day=day))
        after = fasting_raw(one_day(sc, replace(sc.inputs, meals=moved), day))
        if before is not None:
            assert after >= before - EPS


@PROPERTY
@given(scenarios(), st.data())
def test_c1_3_logging_a_window_or_confirming_never_lowers_f(sc: Scenario, data: st.DataObject):
    start = data.draw(minutes_after(sc.t0))
    hours = data.draw(st.one_of(st.none(), st.floats(0, 72)))
    window = FastingWindow(start, None if hours is None else start + timedelta(hours=hours))
    confirm = data.draw(st.sampled_from(sc.days))
    more = [
        replace(sc.inputs, fasting_windows=(*sc.inputs.fasting_windows, window)),
        replace(sc.inputs, confirmed_days=sc.inputs.confirmed_days | {confirm}),
    ]
    for day in sc.days:
        before = fasting_raw(one_day(sc, day=day))
        for inputs in more:
            after = fasting_raw(one_day(sc, inputs, day))
            if before is not None:
                assert after >= before - EPS


# --- 4. Leucine monotonicity -----------------------------------------------------------------


@PROPERTY
@given(scenarios(), st.data())
def test_c1_4_more_protein_or_meals_never_raises_l(sc: Scenario, data: st.DataObject):
    variants = []
    extra = Meal(
        data.draw(minutes_after(sc.t0)),
        data.draw(st.floats(0, 1500)),
        protein_g=data.draw(st.one_of(st.none(), st.floats(0, 80))),
        leucine_g=data.draw(st.one_of(st.none(), st.floats(0, 5))),
    )
    variants.append((*sc.inputs.meals, extra))
    if sc.inputs.meals:
        i = data.draw(st.integers(0, len(sc.inputs.meals) - 1))
        meal = sc.inputs.meals[i]
        more = data.draw(st.floats(0, 60))
        field = data.draw(st.sampled_from(["protein_g", "leucine_g"]))
        bumped = replace(meal, **{field: (getattr(meal, field) or 0.0) + more})
        variants.append(tuple(bumped if j == i else m for j, m in enumerate(sc.inputs.meals)))
    before = value_raw(one_day(sc), "amino_acids")
    for meals in variants:
        after = value_raw(one_day(sc, replace(sc.inputs, meals=meals)), "amino_acids")
        if before is not None and after is not None:
            assert after <= before + EPS


# --- 5. Adding a caloric meal never raises the score -----------------------------------------


@PROPERTY
@given(scenarios(), st.data())
def test_c1_5_adding_a_caloric_meal_never_raises_the_score(sc: Scenario, data: st.DataObject):
    extra = Meal(
        data.draw(minutes_after(sc.t0)),
        data.draw(st.floats(1, 1500)),
        protein_g=data.draw(st.one_of(st.none(), st.floats(0, 80))),
    )
    before = one_day(sc)
    after = one_day(sc, replace(sc.inputs, meals=(*sc.inputs.meals, extra)))
    avail = [[k for k, c in r.components.items() if c.available] for r in (before, after)]
    if avail[0] != avail[1] or before.score_raw is None:
        return
    assert after.score_raw <= before.score_raw + EPS


# --- 6. Energy monotonicity ------------------------------------------------------------------


@PROPERTY
@given(scenarios(), st.data())
def test_c1_6_cr_is_non_increasing_in_kcal(sc: Scenario, data: st.DataObject):
    # Confirmed days and a known maintenance, so that CR is available on tracked days.
    inputs = replace(
        sc.inputs,
        confirmed_days=frozenset(sc.days),
        profile=data.draw(
            st.sampled_from(
                [Profile(maintenance_kcal_override=2400), Profile("female", 50, 160, 60, 1.4)]
            )
        ),
    )
    start, end = local_day_window(sc.day, inputs.tz)
    extra = Meal(
        start + (end - start) * data.draw(st.floats(0, 0.999)), data.draw(st.floats(0, 900))
    )
    meals = (*inputs.meals, extra)
    bigger = replace(extra, kcal=extra.kcal + data.draw(st.floats(0, 3000)))
    before = one_day(sc, replace(inputs, meals=meals))
    after = one_day(sc, replace(inputs, meals=(*inputs.meals, bigger)))
    b, a = value_raw(before, "energy"), value_raw(after, "energy")
    if b is not None and a is not None:
        assert a <= b + EPS
        assert (
            after.components["energy"].details["kcal_day"]
            >= before.components["energy"].details["kcal_day"]
        )


# --- 7. Missing data -------------------------------------------------------------------------


@PROPERTY
@given(scenarios())
def test_c1_7_removing_a_data_source(sc: Scenario):
    before = one_day(sc)
    w = DEFAULT_PARAMS["weights"]
    w_total = sum(w.values())
    removals = {
        "glycemia": replace(sc.inputs, glucose=()),
        "exercise": replace(sc.inputs, exercise=None),
        "energy": replace(sc.inputs, profile=None),
    }
    for source, inputs in removals.items():
        after = one_day(sc, inputs)
        for key in COMPONENT_KEYS:
            if key != source:
                assert value_raw(after, key) == value_raw(before, key), (source, key)
        assert after.components[source].available is False
        # Only removing the CGM may lift the plausibility penalty on q_F.
        allowance = 0.0
        if source == "glycemia":
            allowance = w["fasting"] * before.components["fasting"].quality_raw / w_total
        assert after.confidence_raw <= before.confidence_raw + allowance + EPS


# --- 8. Time zones ---------------------------------------------------------------------------


@PROPERTY
@given(
    st.sampled_from(TZS),
    st.dates(date(2024, 1, 1), date(2026, 12, 31)),
    st.integers(1, 8),
)
def test_c1_8_scored_minutes_add_up_over_consecutive_days(tz: str, first: date, n: int):
    days = [first + timedelta(days=i) for i in range(n)]
    start, _ = local_day_window(days[0], tz)
    _, end = local_day_window(days[-1], tz)
    inputs = UserInputs(tz=tz, tracking_start=start - timedelta(days=3))

    results = score_days(inputs, days)

    total = sum(r.components["fasting"].details["scored_minutes"] for r in results)
    assert total == (end - start) / timedelta(minutes=1)
    for r in results:
        s, e = r.window_utc
        assert r.components["fasting"].details["day_minutes"] == (e - s) / timedelta(minutes=1)


# --- 9. Midnight-spanning fasts --------------------------------------------------------------


@PROPERTY
@given(scenarios(with_glucose=False), st.sampled_from(TZS), st.integers(12 * 60, 60 * 60))
def test_c1_9_another_time_zone_repartitions_the_same_minutes(
    sc: Scenario, other_tz: str, length_min: int
):
    # Same UTC stretch [ts, as_of), whole minutes, verification only by windows (per instant).
    ts = sc.t0 + timedelta(hours=18)
    as_of = ts + timedelta(minutes=length_min)
    totals = []
    for tz in (sc.inputs.tz, other_tz):
        inputs = replace(sc.inputs, tz=tz, tracking_start=ts, confirmed_days=frozenset())
        first = ts.astimezone(inputs.zone).date() - timedelta(days=1)
        last = as_of.astimezone(inputs.zone).date() + timedelta(days=1)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        g_sum, minutes, peak = 0.0, 0, 0.0
        for r in score_days(inputs, days, as_of=as_of):
            f = r.components["fasting"]
            if f.available:
                g_sum += f.details["mean_depth"] * f.details["scored_minutes"]
                minutes += f.details["scored_minutes"]
                peak = max(peak, f.details["peak_h"])
        totals.append((g_sum, minutes, peak))
    (g1, m1, p1), (g2, m2, p2) = totals
    assert m1 == m2 == length_min
    assert g1 == pytest.approx(g2, rel=1e-9, abs=1e-9)
    assert p1 == pytest.approx(p2, abs=1e-9)


# --- 10. Cap and flags -----------------------------------------------------------------------


@PROPERTY
@given(st.floats(72, 1e6, allow_nan=False), st.floats(0, 72, allow_nan=False))
def test_c1_10_depth_is_capped_at_72_h(h_over: float, h_under: float):
    assert fasting_depth(h_over) == 1.0
    assert 0.0 <= fasting_depth(h_under) <= 1.0


@PROPERTY
@given(scenarios())
def test_c1_10_prolonged_fast_iff_max_h_eff_over_72(sc: Scenario):
    for r in score_days(sc.inputs, sc.days, as_of=sc.as_of):
        f = r.components["fasting"]
        raised = [x for x in r.flags if x.code == "PROLONGED_FAST"]
        assert bool(raised) == (f.available and f.details["peak_h"] > 72)


@PROPERTY
@given(st.sampled_from(TZS), st.integers(0, 200 * 60), st.booleans())
def test_c1_10_nothing_beyond_the_cap_adds_score(tz: str, minutes_before: int, confirmed: bool):
    day = date(2025, 6, 12)
    start, _ = local_day_window(day, tz)
    last_meal = start - timedelta(minutes=minutes_before)
    inputs = UserInputs(
        tz=tz,
        tracking_start=start - timedelta(days=30),
        meals=[Meal(last_meal, 800)],
        confirmed_days={day} if confirmed else frozenset(),
    )
    r = score_day(inputs, day)
    f = r.components["fasting"]
    raised = [x.severity for x in r.flags if x.code == "PROLONGED_FAST"]
    if not confirmed:
        assert f.details["peak_h"] <= 16 and raised == []
        return
    assert bool(raised) == (f.details["peak_h"] > 72)
    if raised:
        assert raised == ["high" if f.details["peak_h"] > 120 else "warning"]
    if minutes_before >= 72 * 60:
        assert f.value_raw == 100.0  # every minute already at full depth
        further = replace(inputs, meals=[Meal(last_meal - timedelta(days=2), 800)])
        assert score_day(further, day).score_raw == r.score_raw


# --- 11. Version pinning ---------------------------------------------------------------------


def _mutations(value):
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1, float(value)]
    if isinstance(value, float):
        return [value + 0.5, value * 2 + 1]
    if isinstance(value, str):
        return [value + "x"]
    return []


@PROPERTY
@given(st.data())
def test_c1_11_any_change_changes_the_hash_and_key_order_does_not(data: st.DataObject):
    base = resolve_params(DEFAULT_PARAMS)
    key = data.draw(st.sampled_from(sorted(base)))
    changed = json.loads(json.dumps(base))
    if key == "weights":
        w = data.draw(st.sampled_from(sorted(base["weights"])))
        changed["weights"][w] = data.draw(st.sampled_from(_mutations(base["weights"][w])))
    elif key == "fast_knots":
        i = data.draw(st.integers(0, len(base["fast_knots"]) - 1))
        changed["fast_knots"][i][1] = base["fast_knots"][i][1] + 0.01
    else:
        changed[key] = data.draw(st.sampled_from(_mutations(base[key])))
    assert params_sha256(changed) != params_sha256(base)

    order = data.draw(st.permutations(sorted(base)))
    reordered = {k: base[k] for k in order}
    reordered["weights"] = dict(reversed(list(base["weights"].items())))
    assert params_sha256(reordered) == params_sha256(base) == params_sha256(DEFAULT_PARAMS)


# --- B6 / R1: the stepping implementation equals the literal minute loop ---------------------


@PROPERTY
@given(scenarios(with_glucose=False))
def test_fasting_equals_the_minute_loop_reference(sc: Scenario):
    result = one_day(sc)
    ref = reference_fasting(sc.inputs, sc.day, sc.as_of)
    f = result.components["fasting"]
    if ref is None:
        assert not f.available
        return
    assert f.details["scored_minutes"] == ref.scored
    assert f.value_raw == pytest.approx(ref.value, abs=1e-9)
    assert f.details["peak_h"] == pytest.approx(ref.peak_h, abs=1e-9)
    assert f.details["mean_depth"] == pytest.approx(ref.mean, abs=1e-12)
    assert f.quality_raw == pytest.approx(ref.quality, abs=1e-12)  # no CGM: no halving
    assert math.isfinite(f.value_raw)


def _check_plausibility(sc: Scenario) -> None:
    f = one_day(sc).components["fasting"]
    if not f.available:
        return
    expected = reference_unlogged_intake(sc.inputs, sc.day, sc.as_of)
    assert f.details["possible_unlogged_intake"] is expected
    assert f.quality_raw == pytest.approx(
        reference_fasting(sc.inputs, sc.day, sc.as_of).quality * (0.5 if expected else 1.0)
    )


@PROPERTY
@given(scenarios())
def test_plausibility_check_equals_the_literal_r19_reference(sc: Scenario):
    _check_plausibility(sc)


@PROPERTY
@given(rise_scenarios())
def test_plausibility_check_on_isolated_rises_near_meals_and_sessions(sc: Scenario):
    _check_plausibility(sc)


@PROPERTY
@given(
    st.one_of(
        st.floats(-1e6, 1e6, allow_nan=False),
        st.decimals(-1000, 1000, places=3).map(float),
        st.integers(-100000, 100000).map(lambda i: i / 200),
    ),
    st.integers(0, 4),
)
def test_r27_rounding_equals_decimal_half_even_on_the_repr(x: float, places: int):
    quantum = Decimal(1).scaleb(-places)
    expected = float(Decimal(repr(x)).quantize(quantum, rounding=ROUND_HALF_EVEN))
    assert round_half_even(x, places) == expected
