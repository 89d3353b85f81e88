"""Three short plain-language highlights of a week, picked from what the data supports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apps.common.units import MMOLL

MAX_HIGHLIGHTS = 3
MIN_STREAK_DAYS = 3
NOTHING_LOGGED = "Nothing was logged this week."
NUDGE = "Log a meal or start a fast and next week's summary will show how it went."


def hours_text(value: float) -> str:
    """18.5 → "18.5 h", 2.0 → "2 h"."""
    return f"{value:.1f}".rstrip("0").rstrip(".") + " h"


def range_text(unit: str) -> str:
    return "3.9–10.0 mmol/L" if unit == MMOLL else "70–180 mg/dL"


def _flags(summary: dict[str, Any]) -> str | None:
    count = len(summary["flags"])
    if not count:
        return None
    if count == 1:
        return "You had 1 safety flag this week; please review it in the app."
    return f"You had {count} safety flags this week; please review them in the app."


def _longest_fast(summary: dict[str, Any]) -> str | None:
    fasting = summary["fasting"]
    longest, previous = fasting["longest_fast_hours"], fasting["previous_longest_fast_hours"]
    if longest is None:
        return None
    text = f"Your longest fast was {hours_text(longest)}"
    if previous is None:
        return text + "."
    diff = round(longest - previous, 1)
    if diff == 0:
        return text + ", the same as last week."
    word = "longer" if diff > 0 else "shorter"
    return f"{text}, {hours_text(abs(diff))} {word} than last week."


def _score(summary: dict[str, Any]) -> str | None:
    score = summary["score"]
    if score["average"] is None:
        return None
    text = f"Your average mTOR score was {score['average']:.0f}"
    if score["trend"] in ("up", "down"):
        return f"{text}, {score['trend']} {abs(score['change']):.0f} from last week."
    if score["trend"] == "flat":
        return f"{text}, steady compared with last week."
    return text + "."


def _glucose(summary: dict[str, Any], unit: str) -> str | None:
    glucose = summary["glucose"]
    if glucose["tir_percent"] is None:
        return None
    return (
        f"You spent {glucose['tir_percent']:.0f} % of your CGM readings "
        f"in range ({range_text(unit)})."
    )


def _nutrition(summary: dict[str, Any]) -> str | None:
    nutrition = summary["nutrition"]
    if not nutrition["days_logged"]:
        return None
    days = nutrition["days_logged"]
    return (
        f"You logged meals on {days} of 7 days, about {nutrition['avg_kcal_per_day']:,} kcal "
        f"and {nutrition['avg_protein_g_per_day']:.0f} g protein a day."
    )


def _streak(summary: dict[str, Any]) -> str | None:
    days = summary["streaks"]["logging_days"]
    if days < MIN_STREAK_DAYS:
        return None
    return f"You're on a {days}-day logging streak."


def highlights_for(summary: dict[str, Any], *, unit: str) -> list[str]:
    if not summary["has_data"]:
        return [NOTHING_LOGGED, NUDGE]
    pickers: list[Callable[[], str | None]] = [
        lambda: _flags(summary),
        lambda: _longest_fast(summary),
        lambda: _score(summary),
        lambda: _glucose(summary, unit),
        lambda: _nutrition(summary),
        lambda: _streak(summary),
    ]
    chosen: list[str] = []
    for pick in pickers:
        text = pick()
        if text:
            chosen.append(text)
        if len(chosen) == MAX_HIGHLIGHTS:
            break
    return chosen
