"""Amino acids L, energy CR, glycemia G and exercise E (B3.2-B3.5, R10-R15, R18, R21)."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .inputs import Meal, Profile
from .params import CompiledParams
from .rounding import fmt
from .timeutil import MINUTE

# Constants of version 1.0.0 (R26).
Q_LEUCINE_ESTIMATED = 0.85
Q_NOT_COMPLETE = 0.7
Q_OVERRIDE = 1.0
Q_MIFFLIN = 0.8
DEFAULT_ACTIVITY_FACTOR = 1.2
CGM_SLOT = 5 * MINUTE
MV_INTENSITIES = frozenset({"moderate", "vigorous"})


@dataclass(frozen=True, slots=True)
class Part:
    """One computed component before weighting; value None means unavailable."""

    value: float | None
    quality: float
    explain: str
    details: Mapping[str, Any] = field(default_factory=dict)


def clamp01(x: float) -> float:
    return 0.0 if x <= 0 else 1.0 if x >= 1 else x


# --- amino acids -------------------------------------------------------------------------


def meal_leucine_g(meal: Meal, cp: CompiledParams) -> float:
    """Explicit leucine, else 8 % of protein, else 0 (R13: only this keeps C1.4 true)."""
    if meal.leucine_g is not None:
        return meal.leucine_g
    if meal.protein_g is not None:
        return meal.protein_g * cp.leu_frac_default
    return 0.0


def leucine_pulse(leucine_g: float, cp: CompiledParams) -> float:
    """Share of a full mTORC1 pulse, saturating between leu_lo_g and leu_hi_g (B3.2)."""
    return clamp01((leucine_g - cp.leu_lo_g) / (cp.leu_hi_g - cp.leu_lo_g))


def amino_acids(
    meals: Sequence[Meal], *, complete: bool, weight_kg: float | None, cp: CompiledParams
) -> Part:
    """L over the day's meals; the caller has established availability (R10)."""
    pulses = math.fsum(leucine_pulse(meal_leucine_g(m, cp), cp) for m in meals)
    value = 100.0 * (1.0 - min(pulses, cp.pulses_max) / cp.pulses_max)
    if meals:
        share = sum(m.protein_g is not None or m.leucine_g is not None for m in meals) / len(meals)
        explicit = all(m.leucine_g is not None for m in meals)
    else:
        share, explicit = 1.0, True
    quality = (
        share * (1.0 if explicit else Q_LEUCINE_ESTIMATED) * (1.0 if complete else Q_NOT_COMPLETE)
    )
    protein = math.fsum(m.protein_g for m in meals if m.protein_g is not None)
    details = {
        "pulses": pulses,
        "meals": len(meals),
        "protein_g": protein,
        "protein_g_per_kg": protein / weight_kg if weight_kg else None,
    }
    explain = f"{fmt(pulses, 1)} of {fmt(cp.pulses_max)} leucine pulses"
    return Part(value, quality, explain, details)


# --- energy ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Maintenance:
    kcal: float
    quality: float
    source: str  # "override" | "mifflin_st_jeor"


def maintenance_energy(
    profile: Profile | None, override: float | None = None
) -> Maintenance | None:
    """TDEE by R11: an override > 0 wins; else Mifflin-St Jeor x activity factor."""
    for candidate in (override, profile.maintenance_kcal_override if profile else None):
        if candidate is not None and candidate > 0:
            return Maintenance(candidate, Q_OVERRIDE, "override")
    if profile is None:
        return None
    w, h, a = profile.weight_kg, profile.height_cm, profile.age_y
    if w is None or h is None or a is None or min(w, h, a) <= 0:
        return None
    # Unknown or non-male sex takes -161, so the estimate never overstates maintenance.
    ree = 10.0 * w + 6.25 * h - 5.0 * a + (5.0 if profile.sex == "male" else -161.0)
    factor = DEFAULT_ACTIVITY_FACTOR if profile.activity_factor is None else profile.activity_factor
    tdee = ree * factor
    if tdee <= 0:
        return None
    return Maintenance(tdee, Q_MIFFLIN, "mifflin_st_jeor")


def energy(kcal_day: float, maintenance: Maintenance, cp: CompiledParams) -> Part:
    deficit = 1.0 - kcal_day / maintenance.kcal
    value = 100.0 * clamp01(deficit / cp.cr_full)
    direction = "below" if deficit >= 0 else "above"
    explain = (
        f"{fmt(kcal_day)} kcal vs ~{fmt(maintenance.kcal)} maintenance "
        f"({fmt(abs(deficit) * 100, 1)} % {direction})"
    )
    details = {
        "kcal_day": kcal_day,
        "maintenance_kcal": maintenance.kcal,
        "maintenance_source": maintenance.source,
        "deficit": deficit,
    }
    return Part(value, maintenance.quality, explain, details)


# --- glycemia ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GlucoseDay:
    """The local day's readings summarised once (R15, R17): shares are shares of readings."""

    readings: int
    mean: float
    pct_above_140: float
    pct_below_70: float
    pct_below_54: float
    coverage: float


def glucose_day(
    times: Sequence[int], values: Sequence[float], s: int, day_minutes: int
) -> GlucoseDay:
    n = len(values)
    expected = -(-day_minutes // 5)  # 5-min slots in the whole local day
    coverage = len({(t - s) // CGM_SLOT for t in times}) / expected if expected else 0.0
    if not n:
        return GlucoseDay(0, math.nan, 0.0, 0.0, 0.0, coverage)
    ordered = sorted(values)  # counts by bisection: one C sort instead of three passes
    return GlucoseDay(
        readings=n,
        mean=math.fsum(values) / n,
        pct_above_140=100.0 * (n - bisect_right(ordered, 140.0)) / n,
        pct_below_70=100.0 * bisect_left(ordered, 70.0) / n,
        pct_below_54=100.0 * bisect_left(ordered, 54.0) / n,
        coverage=coverage,
    )


def glycemia(day: GlucoseDay, cp: CompiledParams) -> Part:
    """G from the day's readings (the caller checks there is at least one)."""
    mean, pct_above = day.mean, day.pct_above_140
    s_mean = clamp01((cp.glu_mean_worst - mean) / (cp.glu_mean_worst - cp.glu_mean_best))
    s_exc = clamp01(1.0 - pct_above / cp.glu_ta140_worst_pct)
    value = 100.0 * (0.5 * s_mean + 0.5 * s_exc)
    quality = min(1.0, day.coverage / cp.cgm_min_coverage)
    explain = f"mean {fmt(mean)} mg/dL, {fmt(pct_above, 1)} % of readings > 140"
    details = {
        "mean_mg_dl": mean,
        "pct_above_140": pct_above,
        "readings": day.readings,
        "coverage": day.coverage,
    }
    return Part(value, quality, explain, details)


# --- exercise ----------------------------------------------------------------------------


def exercise(mv_minutes: float, cp: CompiledParams) -> Part:
    value = 100.0 * clamp01(mv_minutes / cp.ex_full_min)
    explain = f"{fmt(mv_minutes)} moderate-or-vigorous minutes"
    return Part(value, 1.0, explain, {"mv_minutes": mv_minutes})
