"""Pure-Python scoring engine `mtor-heuristic/1.0.0` (/work/shared/SCORING.md).

Standard library only: nothing from Django or other `apps.*` packages (DESIGN.md rule 9;
enforced by tests/scoring/engine/test_purity.py). No I/O, no clock, no randomness.

Public API
----------
Inputs (frozen dataclasses; every datetime must be timezone-aware and is normalised to UTC;
amounts finite and >= 0; collections are stored sorted, so input order never matters):

* ``Meal(eaten_at, kcal, protein_g=None, carbs_g=None, fat_g=None, leucine_g=None)``
* ``FastingWindow(start, end=None)`` -- ``end=None`` is an open fast (R7).
* ``GlucoseReading(at, mg_dl)``
* ``ExerciseSession(start, minutes, intensity)`` -- "light" | "moderate" | "vigorous".
* ``Profile(sex=None, age_y=None, height_cm=None, weight_kg=None, activity_factor=None,
  maintenance_kcal_override=None, medical_context=frozenset())``
* ``UserInputs(tz, tracking_start, profile=None, meals=(), fasting_windows=(),
  confirmed_days=frozenset(), glucose=(), exercise=None, no_exercise_days=frozenset(),
  maintenance_kcal_override=None, medical_context=frozenset())`` -- ``exercise=None``
  means "not logged" (R21); medical contexts of the inputs and the profile are united.

Scoring:

* ``score_day(inputs, day, as_of=None, params=DEFAULT_PARAMS) -> DayScore``
* ``score_days(inputs, days, as_of=None, params=DEFAULT_PARAMS) -> list[DayScore]``
  (prepares the inputs once for all days).
* ``DayScore(algorithm_version, params_sha256, user_tz, local_date, window_utc, as_of,
  provisional, score, confidence, components, flags, score_raw, confidence_raw)``;
  ``components`` maps "fasting", "amino_acids", "energy", "glycemia", "exercise" (in that
  order) to ``ComponentScore(key, value, weight, quality, available, enabled, explain,
  details, value_raw, quality_raw)``; ``flags`` is a tuple of ``Flag(code, severity,
  evidence)`` sorted by code. ``score`` / ``value`` (1 decimal) and ``confidence`` /
  ``quality`` (2 decimals) are the reported figures (R27); ``*_raw`` keep them unrounded.
  ``score`` is None when nothing is available, or when fasting is enabled but unavailable
  (R31). ``DayScore.as_dict()`` gives the B5 JSON shape (ISO instants with Z, details and
  evidence rounded to 4 decimals).

Parameters: ``ALGORITHM_VERSION``, ``DEFAULT_PARAMS`` (read-only mapping of the B6 JSON),
``params_sha256(params)``, ``resolve_params(params)`` (plain dict); a partial params mapping
is shallow-merged over the defaults (R25). Invalid input raises ``InputError`` (a ``ValueError``).

Helpers: ``local_day_window(day, tz)``, ``fasting_depth(h)``, ``leucine_pulse(g)``,
``maintenance_energy(profile, override=None)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .components import Maintenance, maintenance_energy
from .components import leucine_pulse as _leucine_pulse
from .inputs import (
    MEDICAL_CONTEXTS,
    ExerciseSession,
    FastingWindow,
    GlucoseReading,
    InputError,
    Meal,
    Profile,
    UserInputs,
)
from .output import ComponentScore, DayScore, Flag
from .params import (
    ALGORITHM_VERSION,
    COMPONENT_KEYS,
    DEFAULT_PARAMS,
    compile_params,
    depth,
    params_sha256,
    resolve_params,
)
from .score import score_day, score_days
from .timeutil import local_day_window


def fasting_depth(h: float, params: Mapping[str, Any] = DEFAULT_PARAMS) -> float:
    """g(h): fasting depth in [0, 1] after h hours without caloric intake (B3.1)."""
    return depth(h, compile_params(params).knots)


def leucine_pulse(leucine_g: float, params: Mapping[str, Any] = DEFAULT_PARAMS) -> float:
    """a(l): share of a full mTORC1 pulse for a meal with l grams of leucine (B3.2)."""
    return _leucine_pulse(leucine_g, compile_params(params))


__all__ = [
    "ALGORITHM_VERSION",
    "COMPONENT_KEYS",
    "DEFAULT_PARAMS",
    "MEDICAL_CONTEXTS",
    "ComponentScore",
    "DayScore",
    "ExerciseSession",
    "FastingWindow",
    "Flag",
    "GlucoseReading",
    "InputError",
    "Maintenance",
    "Meal",
    "Profile",
    "UserInputs",
    "fasting_depth",
    "leucine_pulse",
    "local_day_window",
    "maintenance_energy",
    "params_sha256",
    "resolve_params",
    "score_day",
    "score_days",
]
