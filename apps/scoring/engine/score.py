"""score_day / score_days: preparation (R3, R7), components, combination (B4), flags."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from . import components as comp
from . import flags as fl
from .cgm import EVENT_RULES, Event, Rise, find_events, unlogged_rise
from .fasting import FastingResult, effective_windows, fasting_component
from .inputs import InputError, Meal, UserInputs, _utc
from .output import ComponentScore, DayScore, Flag
from .params import ALGORITHM_VERSION, COMPONENT_KEYS, DEFAULT_PARAMS, CompiledParams
from .params import compile_params as _compile_params
from .rounding import fmt, round_half_even
from .timeutil import MINUTE, ceil_div, day_bounds_us, from_us, to_us


@dataclass(frozen=True, slots=True)
class _Prepared:
    """Inputs as seen at `as_of` (R3), sorted, as int-µs arrays; shared by all days."""

    inputs: UserInputs
    cp: CompiledParams
    as_of: int | None
    ts: int
    meals: tuple[Meal, ...]
    meal_t: list[int]
    cal_t: list[int]  # caloric intakes (kcal > fast_break_min_kcal)
    win_starts: list[int]  # merged effective fasting windows (R7)
    win_ends: list[int]
    glu_t: list[int]
    glu_v: list[float]
    sessions: tuple[tuple[int, int, str], ...] | None  # (start, end, intensity); None = untracked
    ex_starts: list[int]
    ex_bounds: list[int]  # prefix max of the earliest r1 each session allows (R19)
    ex_longest: int  # longest session, µs
    events: dict[str, list[Event]]
    maintenance: comp.Maintenance | None
    weight_kg: float | None


def _prepare(inputs: UserInputs, as_of: int | None, cp: CompiledParams) -> _Prepared:
    meal_t = [m._us for m in inputs.meals]
    meals = inputs.meals
    glu_t = [r._us for r in inputs.glucose]
    glu_v = [r.mg_dl for r in inputs.glucose]
    if as_of is not None:  # R3: what is stamped after as_of does not exist yet
        cut = bisect_right(meal_t, as_of)
        meals, meal_t = meals[:cut], meal_t[:cut]
        cut = bisect_right(glu_t, as_of)
        glu_t, glu_v = glu_t[:cut], glu_v[:cut]
    cal_t = [t for t, m in zip(meal_t, meals, strict=True) if m.kcal > cp.fast_break_min_kcal]
    windows = [(w._us, w._end_us) for w in inputs.fasting_windows]
    win_starts, win_ends = effective_windows(windows, cal_t, as_of)

    sessions = None
    ex_starts: list[int] = []
    ex_bounds: list[int] = []
    if inputs.exercise is not None:
        rise_window = round(cp.unlogged_rise_min * MINUTE)
        kept = []
        for x in inputs.exercise:
            start = x._us
            if as_of is not None and start >= as_of:
                continue
            end = start + round(x.minutes * MINUTE)
            if as_of is not None:
                end = min(end, as_of)
            kept.append((start, end, x.intensity))
            # R19: r1 must satisfy r1 - window >= end (a zero-length session: > start).
            bound = end + rise_window if end > start else start + rise_window + 1
            ex_starts.append(start)
            ex_bounds.append(max(bound, ex_bounds[-1]) if ex_bounds else bound)
        sessions = tuple(kept)
    ex_longest = max((end - start for start, end, _ in sessions or ()), default=0)

    profile = inputs.profile
    weight = profile.weight_kg if profile and profile.weight_kg and profile.weight_kg > 0 else None
    return _Prepared(
        inputs=inputs,
        cp=cp,
        as_of=as_of,
        ts=to_us(inputs.tracking_start),
        meals=meals,
        meal_t=meal_t,
        cal_t=cal_t,
        win_starts=win_starts,
        win_ends=win_ends,
        glu_t=glu_t,
        glu_v=glu_v,
        sessions=sessions,
        ex_starts=ex_starts,
        ex_bounds=ex_bounds,
        ex_longest=ex_longest,
        events={code: find_events(glu_t, glu_v, *rule) for code, rule in EVENT_RULES.items()},
        maintenance=comp.maintenance_energy(profile, inputs.maintenance_kcal_override),
        weight_kg=weight,
    )


def _covered(p: _Prepared, s: int, e: int) -> bool:
    """[s, e) lies inside one merged effective window."""
    i = bisect_right(p.win_starts, s) - 1
    return i >= 0 and p.win_ends[i] >= e


def _complete(p: _Prepared, day: date, s: int, e: int) -> bool:
    """R9: confirmed, or the whole local day inside one merged effective window."""
    return day in p.inputs.confirmed_days or _covered(p, s, e)


def _window_overlaps(p: _Prepared, a: int, b: int) -> bool:
    i = bisect_right(p.win_ends, a)  # first window ending after a
    return i < len(p.win_starts) and p.win_starts[i] < b


def _session_overlaps(start: int, end: int, a: int, b: int) -> bool:
    if end > start:
        return start < b and end > a
    return a <= start < b  # a zero-length session is "logged" at its start


def _fasting_part(
    fast: FastingResult, rise: Rise | None, p: _Prepared, day_minutes: int
) -> comp.Part:
    quality = fast.quality * (0.5 if rise is not None else 1.0)  # B4: halved once per day
    details: dict[str, Any] = {
        "peak_h": fast.peak_h,
        "peak_depth": fast.peak_depth,
        "mean_depth": fast.mean_depth,
        "scored_minutes": fast.scored_minutes,
        "verified_minutes": fast.verified_minutes,
        "day_minutes": day_minutes,
        "possible_unlogged_intake": rise is not None,
    }
    if rise is not None:
        details["unlogged_rise"] = {
            "from": from_us(p.glu_t[rise.r1]),
            "to": from_us(p.glu_t[rise.r2]),
            "rise_mg_dl": p.glu_v[rise.r2] - p.glu_v[rise.r1],
        }
    explain = (
        f"Longest fasted stretch {fmt(fast.peak_h, 1)} h (depth {fmt(fast.peak_depth * 100)} %);"
        f" mean depth {fmt(fast.mean_depth * 100)} %"
    )
    return comp.Part(fast.value, quality, explain, details)


def _missing(reason: str) -> comp.Part:
    return comp.Part(None, 0.0, reason, {})


def _score_one(p: _Prepared, day: date) -> DayScore:
    inputs, cp = p.inputs, p.cp
    s, e = day_bounds_us(inputs.tz, day)
    day_minutes = ceil_div(e - s, MINUTE)
    as_of = p.as_of
    hi = e if as_of is None else min(e, as_of)
    parts: dict[str, comp.Part] = {}
    flags: list[Flag | None] = []

    if as_of is not None and as_of <= s:  # R4: the day has not started
        for key in COMPONENT_KEYS:
            parts[key] = _missing("Day has not started")
        return _assemble(p, day, s, e, parts, [])

    ts = p.ts
    tracked = ts < hi  # R6
    complete = _complete(p, day, s, e)
    confirmed = day in inputs.confirmed_days
    m0, m1 = bisect_left(p.meal_t, s), bisect_left(p.meal_t, e)
    day_meals = p.meals[m0:m1]
    kcal_day = math.fsum(m.kcal for m in day_meals)  # R14: all meals, any kcal
    g0, g1 = bisect_left(p.glu_t, s), bisect_left(p.glu_t, e)
    day_glu_t, day_glu_v = p.glu_t[g0:g1], p.glu_v[g0:g1]

    # F (B3.1, R1, R5, R8) and the CGM plausibility check (R19).
    fast = None
    if tracked:
        fast = fasting_component(
            s=s,
            day_minutes=day_minutes,
            hi=hi,
            tracking_start=ts,
            cal_t=p.cal_t,
            win_starts=p.win_starts,
            win_ends=p.win_ends,
            confirmed=confirmed,
            cp=cp,
        )
    if fast is None:
        parts["fasting"] = _missing("No tracked minute in this day yet")
    else:
        rise = unlogged_rise(
            times=p.glu_t,
            values=p.glu_v,
            lo=max(s, ts),
            hi=hi,
            tracking_start=ts,
            cal_t=p.cal_t,
            ex_starts=p.ex_starts,
            ex_bounds=p.ex_bounds,
            rise_mg_dl=cp.unlogged_rise_mg_dl,
            rise_window=round(cp.unlogged_rise_min * MINUTE),
        )
        parts["fasting"] = _fasting_part(fast, rise, p, day_minutes)

    # L (B3.2, R10, R12, R13).
    if not tracked:
        parts["amino_acids"] = _missing("Before tracking start")
    elif day_meals or confirmed or _window_overlaps(p, s, hi):
        parts["amino_acids"] = comp.amino_acids(
            day_meals, complete=complete, weight_kg=p.weight_kg, cp=cp
        )
    else:
        parts["amino_acids"] = _missing("Food log status unknown (no meal, fast or confirmation)")

    # CR (B3.3, R9, R11).
    if not tracked:
        parts["energy"] = _missing("Before tracking start")
    elif not complete:
        parts["energy"] = _missing("Food log not confirmed complete")
    elif p.maintenance is None:
        parts["energy"] = _missing("No maintenance estimate (body data or override missing)")
    else:
        parts["energy"] = comp.energy(kcal_day, p.maintenance, cp)

    # G (B3.4, R15).
    glu_day = comp.glucose_day(day_glu_t, day_glu_v, s, day_minutes)
    if glu_day.readings:
        parts["glycemia"] = comp.glycemia(glu_day, cp)
    else:
        parts["glycemia"] = _missing("No glucose readings")

    # E (B3.5, R18, R21).
    if p.sessions is None:
        parts["exercise"] = _missing("Exercise not logged")
    else:
        # Sessions are sorted by start and last at most ex_longest: bisect the candidates.
        first = bisect_left(p.ex_starts, s - p.ex_longest)
        candidates = p.sessions[first : bisect_left(p.ex_starts, hi)]
        logged = [x for x in candidates if _session_overlaps(x[0], x[1], s, hi)]
        if logged or day in inputs.no_exercise_days:
            mv = math.fsum(
                max(0, min(end, hi) - max(start, s)) / MINUTE
                for start, end, intensity in logged
                if intensity in comp.MV_INTENSITIES
            )
            parts["exercise"] = comp.exercise(mv, cp)
        else:
            parts["exercise"] = _missing("No exercise logged and not marked as a rest day")

    # Flags (B4).
    flags.extend(fl.event_flags(p.events, p.glu_t, p.glu_v, g0, g1))
    if glu_day.readings:
        flags.append(
            fl.tbr_flag(
                glu_day.pct_below_70, glu_day.pct_below_54, glu_day.coverage, cp.cgm_min_coverage
            )
        )
    flags.append(
        fl.elevated_fasting_glucose_flag(
            cal_t=p.cal_t,
            lo=max(s, ts),
            hi=hi,
            tracking_start=ts,
            times=p.glu_t,
            values=p.glu_v,
        )
    )
    flags.append(fl.prolonged_fast_flag(fast))
    if tracked and complete:
        flags.append(fl.very_low_calorie_flag(kcal_day))
    flags.append(fl.low_protein_flag(_protein_days(p, day), p.weight_kg))
    flags.append(fl.medical_context_flag(inputs.medical_contexts))
    return _assemble(p, day, s, e, parts, [f for f in flags if f is not None])


def _protein_days(p: _Prepared, day: date) -> list[tuple[date, float]]:
    """Protein of the tracked, complete days among D-6 ... D (R24)."""
    if p.weight_kg is None:
        return []
    out = []
    for d in fl.protein_window_days(day):
        s, e = day_bounds_us(p.inputs.tz, d)
        hi = e if p.as_of is None else min(e, p.as_of)
        if p.ts >= hi or not _complete(p, d, s, e):
            continue
        meals = p.meals[bisect_left(p.meal_t, s) : bisect_left(p.meal_t, e)]
        out.append((d, fl.day_protein_g(meals)))
    return out


def _assemble(
    p: _Prepared, day: date, s: int, e: int, parts: dict[str, comp.Part], flags: list[Flag]
) -> DayScore:
    cp = p.cp
    components: dict[str, ComponentScore] = {}
    for key in COMPONENT_KEYS:
        part = parts[key]
        enabled = cp.enabled(key)
        if not enabled:
            part = comp.Part(None, 0.0, "Disabled in this parameter set", {})
        value_raw = None if part.value is None else min(100.0, max(0.0, part.value))
        quality_raw = min(1.0, max(0.0, part.quality)) if value_raw is not None else 0.0
        components[key] = ComponentScore(
            key=key,
            value=None if value_raw is None else round_half_even(value_raw, 1),
            weight=cp.weights_reported[key],
            quality=round_half_even(quality_raw, 2),
            available=value_raw is not None,
            enabled=enabled,
            explain=part.explain,
            details=MappingProxyType(dict(part.details)),
            value_raw=value_raw,
            quality_raw=quality_raw,
        )

    enabled_keys = [k for k in COMPONENT_KEYS if cp.enabled(k)]
    avail = [k for k in enabled_keys if components[k].available]
    score_raw = None
    # R31: no score when the fasting component is enabled but unavailable.
    if avail and not (cp.enabled("fasting") and not components["fasting"].available):
        total = math.fsum(cp.weights[k] for k in avail)
        score_raw = math.fsum(cp.weights[k] * components[k].value_raw for k in avail) / total
        score_raw = min(100.0, max(0.0, score_raw))
    w_enabled = math.fsum(cp.weights[k] for k in enabled_keys)
    confidence_raw = 0.0
    if w_enabled > 0:
        confidence_raw = (
            math.fsum(cp.weights[k] * components[k].quality_raw for k in enabled_keys) / w_enabled
        )
        confidence_raw = min(1.0, max(0.0, confidence_raw))

    as_of = p.as_of
    return DayScore(
        algorithm_version=ALGORITHM_VERSION,
        params_sha256=cp.sha256,
        user_tz=p.inputs.tz,
        local_date=day,
        window_utc=(from_us(s), from_us(e)),
        as_of=None if as_of is None else from_us(as_of),
        provisional=as_of is not None and as_of < e,
        score=None if score_raw is None else round_half_even(score_raw, 1),
        confidence=round_half_even(confidence_raw, 2),
        components=MappingProxyType(components),
        flags=tuple(sorted(flags, key=lambda f: f.code)),
        score_raw=score_raw,
        confidence_raw=confidence_raw,
    )


def _check_day(day: object) -> date:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise InputError("day must be a date (the user's local day), not a datetime")
    return day


def score_days(
    inputs: UserInputs,
    days: Iterable[date],
    as_of: datetime | None = None,
    params: Mapping[str, Any] = DEFAULT_PARAMS,
) -> list[DayScore]:
    """Score several local days of one user, sharing the preparation work."""
    if not isinstance(inputs, UserInputs):
        raise InputError("inputs must be a UserInputs")
    cp = _compile_params(params)
    as_of_us = None if as_of is None else to_us(_utc("as_of", as_of))
    prepared = _prepare(inputs, as_of_us, cp)
    return [_score_one(prepared, _check_day(d)) for d in days]


def score_day(
    inputs: UserInputs,
    day: date,
    as_of: datetime | None = None,
    params: Mapping[str, Any] = DEFAULT_PARAMS,
) -> DayScore:
    """Score one local day. `as_of` = now for today's provisional score, None for past days."""
    return score_days(inputs, [day], as_of, params)[0]
