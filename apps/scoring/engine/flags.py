"""Safety flags (B4 table, R16, R17, R20, R22-R24, R29). Independent of the score."""

from __future__ import annotations

import math
import statistics
from bisect import bisect_left
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from .cgm import EVENT_RULES, Event
from .fasting import FastingResult
from .inputs import Meal
from .output import Flag
from .timeutil import HOUR, MINUTE, from_us

# Constants of version 1.0.0 (R26).
EVENT_SEVERITY = {"HYPO_L1_EVENT": "warning", "HYPO_L2_EVENT": "high", "HYPER_L2_EVENT": "warning"}
TBR70_MAX_PCT = 4.0
TBR54_MAX_PCT = 1.0
FASTING_GLUCOSE_MIN_FAST = 8 * HOUR
FASTING_GLUCOSE_LOOKBACK = 60 * MINUTE
FASTING_GLUCOSE_WARNING = 126.0
FASTING_GLUCOSE_INFO = 100.0
PROLONGED_FAST_H = 72.0
PROLONGED_FAST_HIGH_H = 120.0
VERY_LOW_CALORIE_KCAL = 800.0
LOW_PROTEIN_G_PER_KG = 0.8
LOW_PROTEIN_DAYS = 7
LOW_PROTEIN_MIN_DAYS = 4


def event_flags(
    events: dict[str, list[Event]], times: Sequence[int], values: Sequence[float], g0: int, g1: int
) -> list[Flag]:
    """R16: an event is reported on every local day holding one of its readings."""
    flags = []
    for code in EVENT_RULES:
        hits = [ev for ev in events[code] if ev.first < g1 and ev.last >= g0]
        if not hits:
            continue
        extreme = max if code == "HYPER_L2_EVENT" else min
        evidence = {
            "events": [
                {
                    "start": from_us(times[ev.first]),
                    "end": from_us(times[ev.last]),
                    "extreme_mg_dl": extreme(values[ev.first : ev.last + 1]),
                }
                for ev in hits
            ]
        }
        flags.append(Flag(code, EVENT_SEVERITY[code], evidence))
    return flags


def tbr_flag(
    tbr70_pct: float, tbr54_pct: float, coverage: float, min_coverage: float
) -> Flag | None:
    """R17: only on days with sufficient CGM data; shares of the day's readings."""
    if coverage < min_coverage:
        return None
    if tbr70_pct > TBR70_MAX_PCT or tbr54_pct > TBR54_MAX_PCT:
        evidence = {"tbr70_pct": tbr70_pct, "tbr54_pct": tbr54_pct, "coverage": coverage}
        return Flag("TBR_ABOVE_TARGET", "warning", evidence)
    return None


def elevated_fasting_glucose_flag(
    *,
    cal_t: Sequence[int],
    lo: int,
    hi: int,
    tracking_start: int,
    times: Sequence[int],
    values: Sequence[float],
) -> Flag | None:
    """R20: median CGM in the last hour of each fast >= 8 h that ends in [lo, hi)."""
    best: dict[str, Any] | None = None
    for i in range(bisect_left(cal_t, lo), bisect_left(cal_t, hi)):
        m = cal_t[i]
        j = bisect_left(cal_t, m) - 1  # the previous intake strictly before m
        start = max(cal_t[j], tracking_start) if j >= 0 else tracking_start
        if m - start < FASTING_GLUCOSE_MIN_FAST:
            continue
        window = values[bisect_left(times, m - FASTING_GLUCOSE_LOOKBACK) : bisect_left(times, m)]
        if not window:
            continue
        median = statistics.median(window)
        if median >= FASTING_GLUCOSE_INFO and (best is None or median > best["median_mg_dl"]):
            best = {
                "median_mg_dl": float(median),
                "fast_end": from_us(m),
                "fast_hours": (m - start) / HOUR,
            }
    if best is None:
        return None
    severity = "warning" if best["median_mg_dl"] >= FASTING_GLUCOSE_WARNING else "info"
    return Flag("ELEVATED_FASTING_GLUCOSE", severity, best)


def prolonged_fast_flag(fast: FastingResult | None) -> Flag | None:
    """R22: on h_eff, so an unverified fast (capped at 16 h) never raises it."""
    if fast is None or not fast.peak_h > PROLONGED_FAST_H:
        return None
    severity = "high" if fast.peak_h > PROLONGED_FAST_HIGH_H else "warning"
    return Flag("PROLONGED_FAST", severity, {"max_fasted_h": fast.peak_h})


def very_low_calorie_flag(kcal_day: float) -> Flag | None:
    """R23: the caller checks that the day is tracked and complete."""
    if 0 < kcal_day < VERY_LOW_CALORIE_KCAL:
        return Flag("VERY_LOW_CALORIE", "warning", {"kcal_day": kcal_day})
    return None


def low_protein_flag(
    daily_protein: Sequence[tuple[date, float]], weight_kg: float | None
) -> Flag | None:
    """R24: `daily_protein` holds the tracked, complete days among D-6 ... D."""
    if not weight_kg or weight_kg <= 0 or len(daily_protein) < LOW_PROTEIN_MIN_DAYS:
        return None
    mean = math.fsum(p for _, p in daily_protein) / len(daily_protein)
    per_kg = mean / weight_kg
    if per_kg >= LOW_PROTEIN_G_PER_KG:
        return None
    evidence = {
        "mean_protein_g_per_kg": per_kg,
        "days": [d for d, _ in daily_protein],
    }
    return Flag("LOW_PROTEIN_7D", "warning", evidence)


def protein_window_days(day: date) -> list[date]:
    return [day - timedelta(days=i) for i in range(LOW_PROTEIN_DAYS - 1, -1, -1)]


def day_protein_g(meals: Sequence[Meal]) -> float:
    return math.fsum(m.protein_g for m in meals if m.protein_g is not None)


def medical_context_flag(contexts: frozenset[str]) -> Flag | None:
    """R29 (adopted): one high-severity flag on every started day; the score is unchanged."""
    if not contexts:
        return None
    return Flag("MEDICAL_CONTEXT", "high", {"context": sorted(contexts)})
