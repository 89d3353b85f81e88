"""Frozen output dataclasses and the B5 JSON shape (R27, R30)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .rounding import round_half_even
from .timeutil import iso_z, to_us

SEVERITIES = ("info", "warning", "high")


@dataclass(frozen=True, slots=True)
class ComponentScore:
    """One component of one day. `value` / `quality` are reported (rounded) figures; the
    unrounded ones are kept in `value_raw` / `quality_raw` (the score uses those, R27)."""

    key: str
    value: float | None  # 1 decimal; None when unavailable or disabled
    weight: int | float
    quality: float  # 2 decimals; 0 when unavailable
    available: bool
    enabled: bool
    explain: str
    details: Mapping[str, Any]  # unrounded; rounded to 4 decimals by as_dict()
    value_raw: float | None
    quality_raw: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "weight": self.weight,
            "quality": self.quality,
            "available": self.available,
            "enabled": self.enabled,
            "explain": self.explain,
            "details": _jsonable(self.details),
        }


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    severity: str  # "info" | "warning" | "high"
    evidence: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "evidence": _jsonable(self.evidence)}


@dataclass(frozen=True, slots=True)
class DayScore:
    algorithm_version: str
    params_sha256: str
    user_tz: str
    local_date: date
    window_utc: tuple[datetime, datetime]  # [s_D, e_D) in UTC
    as_of: datetime | None
    provisional: bool
    score: float | None  # 1 decimal; None when nothing is available or by R31
    confidence: float  # 2 decimals
    components: Mapping[str, ComponentScore]  # fixed order: fasting ... exercise
    flags: tuple[Flag, ...]  # one per code, sorted by code
    score_raw: float | None
    confidence_raw: float

    def as_dict(self) -> dict[str, Any]:
        """The B5 JSON shape: ISO instants with Z, floats, lists; json.dumps-ready."""
        return {
            "algorithm_version": self.algorithm_version,
            "params_sha256": self.params_sha256,
            "user_tz": self.user_tz,
            "local_date": self.local_date.isoformat(),
            "window_utc": [iso_z(to_us(t)) for t in self.window_utc],
            "as_of": None if self.as_of is None else iso_z(to_us(self.as_of)),
            "provisional": self.provisional,
            "score": self.score,
            "confidence": self.confidence,
            "components": {k: c.as_dict() for k, c in self.components.items()},
            "flags": [f.as_dict() for f in self.flags],
        }


def _jsonable(value: Any) -> Any:
    """Details and evidence: floats to 4 decimals (R27), instants to ISO Z, tuples to lists."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return round_half_even(value, 4)
    if isinstance(value, datetime):
        return iso_z(to_us(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        items = sorted(value) if isinstance(value, frozenset | set) else value
        return [_jsonable(v) for v in items]
    raise TypeError(f"not JSON-serialisable: {type(value).__name__}")
