"""Versioned parameter set (SCORING.md B6, R25, R28) and its identity hash."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

ALGORITHM_VERSION = "mtor-heuristic/1.0.0"

# Component keys in reporting order.
COMPONENT_KEYS: tuple[str, ...] = ("fasting", "amino_acids", "energy", "glycemia", "exercise")

# The B6 text verbatim: the hash is taken over json.loads of this text (R25), so the int/float
# spelling of every number is part of the version's identity.
DEFAULT_PARAMS_JSON = """{"version": "mtor-heuristic/1.0.0",
 "weights": {"fasting": 40, "amino_acids": 25, "energy": 15, "glycemia": 10, "exercise": 10},
 "fast_knots": [[0,0.0],[4,0.0],[12,0.25],[16,0.40],[24,0.60],[48,0.85],[72,1.0]],
 "fast_peak_weight": 0.5, "unverified_cap_h": 16, "fast_break_min_kcal": 0,
 "leu_lo_g": 0.5, "leu_hi_g": 3.0, "leu_frac_default": 0.08, "pulses_max": 4.0,
 "cr_full": 0.25,
 "glu_mean_best": 100.0, "glu_mean_worst": 154.0, "glu_ta140_worst_pct": 25.0,
 "ex_full_min": 60.0,
 "cgm_min_coverage": 0.70, "unlogged_rise_mg_dl": 30, "unlogged_rise_min": 60}"""


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_thaw(v) for v in value]
    return value


DEFAULT_PARAMS: Mapping[str, Any] = _freeze(json.loads(DEFAULT_PARAMS_JSON))


def resolve_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Shallow-merge a (possibly partial) params object over the defaults (R25)."""
    merged = _thaw(DEFAULT_PARAMS)
    if params is not None:
        merged.update(_thaw(params))
    return merged


def canonical_json(params: Mapping[str, Any] | None) -> str:
    return json.dumps(
        resolve_params(params),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        allow_nan=False,
    )


def params_sha256(params: Mapping[str, Any] | None = DEFAULT_PARAMS) -> str:
    """SHA-256 of the canonical JSON of the resolved parameter set (R25)."""
    return hashlib.sha256(canonical_json(params).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CompiledParams:
    """Validated, float-typed view of a resolved parameter set, used by the computations."""

    sha256: str
    weights: Mapping[str, float]  # every component key; 0 means disabled (R28)
    weights_reported: Mapping[str, int | float]  # as spelled in params, for the output
    knots: tuple[tuple[float, float], ...]
    knots_capped: tuple[tuple[float, float], ...]  # g(min(h, unverified_cap_h))
    fast_peak_weight: float
    unverified_cap_h: float
    fast_break_min_kcal: float
    leu_lo_g: float
    leu_hi_g: float
    leu_frac_default: float
    pulses_max: float
    cr_full: float
    glu_mean_best: float
    glu_mean_worst: float
    glu_ta140_worst_pct: float
    ex_full_min: float
    cgm_min_coverage: float
    unlogged_rise_mg_dl: float
    unlogged_rise_min: float

    def enabled(self, key: str) -> bool:
        return self.weights[key] > 0


def depth(h: float, knots: tuple[tuple[float, float], ...]) -> float:
    """Piecewise-linear depth curve g(h), constant outside the knots (B3.1)."""
    if h <= knots[0][0]:
        return knots[0][1]
    for (h0, g0), (h1, g1) in itertools.pairwise(knots):
        if h <= h1:
            return g0 + (g1 - g0) * (h - h0) / (h1 - h0)
    return knots[-1][1]


def _number(raw: dict[str, Any], key: str, *, positive: bool = False) -> float:
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"params.{key} must be a finite number")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"params.{key} must be {'> 0' if positive else '>= 0'}")
    return float(value)


def _compile(text: str) -> CompiledParams:
    raw = json.loads(text)
    weights_raw = raw["weights"]
    if not isinstance(weights_raw, dict) or set(weights_raw) - set(COMPONENT_KEYS):
        raise ValueError(f"params.weights keys must be a subset of {COMPONENT_KEYS}")
    weights = {}
    for key in COMPONENT_KEYS:
        w = weights_raw.get(key, 0)
        if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w) or w < 0:
            raise ValueError(f"params.weights.{key} must be a finite number >= 0")
        weights[key] = float(w)
    knots = tuple((float(h), float(g)) for h, g in raw["fast_knots"])
    if not knots or any(
        not (math.isfinite(h) and math.isfinite(g) and 0 <= g <= 1) for h, g in knots
    ):
        raise ValueError("params.fast_knots must be finite (h, g) pairs with 0 <= g <= 1")
    for (h0, g0), (h1, g1) in itertools.pairwise(knots):
        if not (h1 > h0 and g1 >= g0):
            raise ValueError("params.fast_knots: h strictly increasing, g non-decreasing")
    cap = _number(raw, "unverified_cap_h")
    capped = (*tuple((h, g) for h, g in knots if h < cap), (cap, depth(cap, knots)))
    cp = CompiledParams(
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        weights=MappingProxyType(weights),
        weights_reported=MappingProxyType({k: weights_raw.get(k, 0) for k in COMPONENT_KEYS}),
        knots=knots,
        knots_capped=capped,
        fast_peak_weight=_number(raw, "fast_peak_weight"),
        unverified_cap_h=cap,
        fast_break_min_kcal=_number(raw, "fast_break_min_kcal"),
        leu_lo_g=_number(raw, "leu_lo_g"),
        leu_hi_g=_number(raw, "leu_hi_g"),
        leu_frac_default=_number(raw, "leu_frac_default"),
        pulses_max=_number(raw, "pulses_max", positive=True),
        cr_full=_number(raw, "cr_full", positive=True),
        glu_mean_best=_number(raw, "glu_mean_best"),
        glu_mean_worst=_number(raw, "glu_mean_worst"),
        glu_ta140_worst_pct=_number(raw, "glu_ta140_worst_pct", positive=True),
        ex_full_min=_number(raw, "ex_full_min", positive=True),
        cgm_min_coverage=_number(raw, "cgm_min_coverage", positive=True),
        unlogged_rise_mg_dl=_number(raw, "unlogged_rise_mg_dl"),
        unlogged_rise_min=_number(raw, "unlogged_rise_min"),
    )
    if cp.fast_peak_weight > 1:
        raise ValueError("params.fast_peak_weight must be in [0, 1]")
    if cp.leu_hi_g <= cp.leu_lo_g:
        raise ValueError("params.leu_hi_g must be greater than leu_lo_g")
    if cp.glu_mean_worst <= cp.glu_mean_best:
        raise ValueError("params.glu_mean_worst must be greater than glu_mean_best")
    return cp


_compile_cached = lru_cache(maxsize=64)(_compile)
_DEFAULT_COMPILED = _compile_cached(canonical_json(DEFAULT_PARAMS))


def compile_params(params: Mapping[str, Any] | None) -> CompiledParams:
    """Resolve, validate and compile; cached on the canonical JSON text."""
    if params is None or params is DEFAULT_PARAMS:
        return _DEFAULT_COMPILED
    return _compile_cached(canonical_json(params))
