"""Frozen input dataclasses (SCORING.md B2, R21, R29, R30).

Every instant must be timezone-aware; it is normalised to UTC. Amounts must be finite and
>= 0. Collections are stored as tuples / frozensets in a canonical order, so the order in
which the caller lists them never matters (C1.2).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .timeutil import EPOCH, US, from_us

MEDICAL_CONTEXTS = frozenset(
    {"insulin", "sulfonylurea", "type1_diabetes", "pregnancy", "eating_disorder", "mtor_inhibitor"}
)


class InputError(ValueError):
    """Invalid engine input (naive datetime, negative amount, end before start...)."""


def _utc(name: str, value: object) -> datetime:
    if type(value) is datetime and value.tzinfo is UTC:
        return value  # fast path: already an aware UTC datetime
    if not isinstance(value, datetime):
        raise InputError(f"{name} must be a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(f"{name} must be timezone-aware (naive datetimes are errors)")
    return value.astimezone(UTC)


def _amount(name: str, value: object) -> float:
    if type(value) is float and 0.0 <= value < math.inf:
        return value  # fast path (NaN fails the comparison)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{name} must be a number")
    if not math.isfinite(value) or value < 0:
        raise InputError(f"{name} must be finite and >= 0")
    return float(value)


def _instant(obj: object, name: str, label: str) -> int:
    """Normalise obj.<name> to UTC and return it as int microseconds since the epoch."""
    value = _utc(label, getattr(obj, name))
    _set(obj, name, value)
    return (value - EPOCH) // US


def _opt_amount(name: str, value: object) -> float | None:
    return None if value is None else _amount(name, value)


def _opt_finite(name: str, value: object) -> float | None:
    # Body data: R11 treats values <= 0 as missing, but NaN / inf are errors.
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{name} must be a finite number or None")
    return float(value)


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)  # normalising a frozen dataclass in __post_init__


def _opt_key(value: float | None) -> tuple[int, float]:
    return (0, 0.0) if value is None else (1, value)


def _days(name: str, values: Iterable[date]) -> frozenset[date]:
    days = frozenset(values)
    for d in days:
        if isinstance(d, datetime) or not isinstance(d, date):
            raise InputError(f"{name} must contain dates (local days), not datetimes")
    return days


def _contexts(values: Iterable[str]) -> frozenset[str]:
    ctx = frozenset(values)
    unknown = ctx - MEDICAL_CONTEXTS
    if unknown:
        raise InputError(f"unknown medical_context values: {sorted(unknown)}")
    return ctx


@dataclass(frozen=True, slots=True)
class Meal:
    eaten_at: datetime
    kcal: float
    protein_g: float | None = None
    carbs_g: float | None = None
    fat_g: float | None = None
    leucine_g: float | None = None
    # The instant as int µs since the epoch, computed once here: converting instants is the
    # hottest step of scoring a day (R32 hands the engine ~900 readings per day).
    _us: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _set(self, "_us", _instant(self, "eaten_at", "meal.eaten_at"))
        _set(self, "kcal", _amount("meal.kcal", self.kcal))
        for name in ("protein_g", "carbs_g", "fat_g", "leucine_g"):
            _set(self, name, _opt_amount(f"meal.{name}", getattr(self, name)))

    def sort_key(self) -> tuple:
        return (
            self._us,
            self.kcal,
            _opt_key(self.protein_g),
            _opt_key(self.carbs_g),
            _opt_key(self.fat_g),
            _opt_key(self.leucine_g),
        )


@dataclass(frozen=True, slots=True)
class FastingWindow:
    start: datetime
    end: datetime | None = None  # None = still open (R7 ends it at the next caloric intake)
    _us: int = field(init=False, repr=False, compare=False)
    _end_us: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _set(self, "_us", _instant(self, "start", "fasting_window.start"))
        end_us = None
        if self.end is not None:
            end_us = _instant(self, "end", "fasting_window.end")
            if end_us < self._us:
                raise InputError("fasting_window.end must not be before start")
        _set(self, "_end_us", end_us)

    def sort_key(self) -> tuple:
        return (self._us, self.end is None, self._end_us or 0)


@dataclass(frozen=True, slots=True)
class GlucoseReading:
    at: datetime
    mg_dl: float
    _us: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Inlined fast path: a day's inputs hold ~900 readings (R32).
        at, mg = self.at, self.mg_dl
        if type(at) is not datetime or at.tzinfo is not UTC:
            at = _utc("glucose.at", at)
            _set(self, "at", at)
        _set(self, "_us", (at - EPOCH) // US)
        if type(mg) is not float or not 0.0 <= mg < math.inf:
            _set(self, "mg_dl", _amount("glucose.mg_dl", mg))

    @classmethod
    def from_storage(cls, us: int, mg_dl: float) -> GlucoseReading:
        """A stored reading (validated on the way in) from its epoch microseconds: a recompute
        builds thousands of these, and the checks above are its largest Python cost."""
        reading = object.__new__(cls)
        _set(reading, "at", from_us(us))
        _set(reading, "_us", us)
        _set(reading, "mg_dl", float(mg_dl))
        return reading


@dataclass(frozen=True, slots=True)
class ExerciseSession:
    start: datetime
    minutes: float
    intensity: str  # "light" | "moderate" | "vigorous"; others count as logged, 0 MV minutes
    _us: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _set(self, "_us", _instant(self, "start", "exercise.start"))
        _set(self, "minutes", _amount("exercise.minutes", self.minutes))
        if not isinstance(self.intensity, str):
            raise InputError("exercise.intensity must be a string")

    def sort_key(self) -> tuple:
        return (self._us, self.minutes, self.intensity)


@dataclass(frozen=True, slots=True)
class Profile:
    sex: str | None = None  # "male" adds +5 in Mifflin-St Jeor; anything else -161 (R11)
    age_y: float | None = None
    height_cm: float | None = None
    weight_kg: float | None = None
    activity_factor: float | None = None  # None -> 1.2 (R11)
    maintenance_kcal_override: float | None = None
    medical_context: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.sex is not None and not isinstance(self.sex, str):
            raise InputError("profile.sex must be a string or None")
        for name in (
            "age_y",
            "height_cm",
            "weight_kg",
            "activity_factor",
            "maintenance_kcal_override",
        ):
            _set(self, name, _opt_finite(f"profile.{name}", getattr(self, name)))
        _set(self, "medical_context", _contexts(self.medical_context))


@dataclass(frozen=True)
class UserInputs:
    """Everything the engine knows about one user (B2, with R21 and R29 additions)."""

    tz: str
    tracking_start: datetime
    profile: Profile | None = None
    meals: tuple[Meal, ...] = ()
    fasting_windows: tuple[FastingWindow, ...] = ()
    confirmed_days: frozenset[date] = frozenset()
    glucose: tuple[GlucoseReading, ...] = ()
    exercise: tuple[ExerciseSession, ...] | None = None  # None = not logged (R21, R28)
    no_exercise_days: frozenset[date] = frozenset()
    maintenance_kcal_override: float | None = None  # R11: top-level override, wins if > 0
    medical_context: frozenset[str] = frozenset()  # R29; united with profile.medical_context
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.tz, str) or not self.tz:
            raise InputError("tz must be an IANA time zone name")
        try:
            _set(self, "_zone", ZoneInfo(self.tz))
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise InputError(f"unknown time zone {self.tz!r}") from exc
        _set(self, "tracking_start", _utc("tracking_start", self.tracking_start))
        if self.profile is not None and not isinstance(self.profile, Profile):
            raise InputError("profile must be a Profile or None")
        _set(self, "meals", _sorted("meals", self.meals, Meal, Meal.sort_key))
        _set(
            self,
            "fasting_windows",
            _sorted("fasting_windows", self.fasting_windows, FastingWindow, FastingWindow.sort_key),
        )
        _set(
            self,
            "glucose",
            _sorted("glucose", self.glucose, GlucoseReading, attrgetter("_us", "mg_dl")),
        )
        if self.exercise is not None:
            _set(
                self,
                "exercise",
                _sorted("exercise", self.exercise, ExerciseSession, ExerciseSession.sort_key),
            )
        _set(self, "confirmed_days", _days("confirmed_days", self.confirmed_days))
        _set(self, "no_exercise_days", _days("no_exercise_days", self.no_exercise_days))
        _set(
            self,
            "maintenance_kcal_override",
            _opt_finite("maintenance_kcal_override", self.maintenance_kcal_override),
        )
        _set(self, "medical_context", _contexts(self.medical_context))

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    @property
    def medical_contexts(self) -> frozenset[str]:
        """Union of the top-level and the profile's medical context (R29)."""
        profile_ctx = self.profile.medical_context if self.profile else frozenset()
        return self.medical_context | profile_ctx


def _sorted(name: str, items: Iterable[Any], kind: type, key: Callable[[Any], Any]) -> tuple:
    items = tuple(items)
    for item in items:
        if not isinstance(item, kind):
            raise InputError(f"{name} must contain {kind.__name__} objects")
    return tuple(sorted(items, key=key))
