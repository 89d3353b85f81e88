"""Reading a user's rows into the pure engine's input dataclasses."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models.expressions import RawSQL

from apps.accounts.models import Profile
from apps.activity.models import ExerciseSession
from apps.common.timeutils import local_day_bounds
from apps.days.models import DayConfirmation
from apps.fasting.models import FastingWindow
from apps.glucose.models import GlucoseReading
from apps.nutrition.models import Meal
from apps.scoring import engine

# LOW_PROTEIN_7D looks back seven days; the fasted hours look back to the previous meal.
LOOKBACK = timedelta(days=8)
# Epoch microseconds, as the engine keeps them (exact: timestamptz has microsecond precision).
EPOCH_US_SQL = {
    True: "(extract(epoch FROM measured_at) * 1000000)::bigint",
    False: "CAST(round((julianday(measured_at) - 2440587.5) * 86400000000.0) AS INTEGER)",
}


@dataclass(frozen=True)
class LoadedInputs:
    inputs: engine.UserInputs
    start: datetime
    end: datetime
    # Per-table change markers, to digest what a day's score was computed from.
    markers: dict[str, list[tuple[datetime, int]]]


def _age_years(birth: date | None, on: date) -> float | None:
    if birth is None:
        return None
    return (on - birth).days / 365.25


def engine_profile(profile: Profile, on: date) -> engine.Profile:
    return engine.Profile(
        sex=profile.sex,
        age_y=_age_years(profile.birth_date, on),
        height_cm=profile.height_cm,
        weight_kg=profile.weight_kg,
        activity_factor=profile.activity_factor,
        maintenance_kcal_override=profile.maintenance_kcal,
        medical_context=frozenset(profile.medical_context or ()),
    )


def load_inputs(*, profile: Profile, first: date, last: date) -> LoadedInputs:
    """Everything the engine needs to score the local days first..last of one user."""
    user_id = profile.user_id
    tz = profile.timezone
    day_start, _ = local_day_bounds(first, tz)
    _, end = local_day_bounds(last, tz)
    start = day_start - LOOKBACK

    meal_rows = list(
        Meal.objects.filter(
            user_id=user_id, deleted_at__isnull=True, eaten_at__gte=start, eaten_at__lt=end
        )
        .order_by("eaten_at")
        .values_list("eaten_at", "kcal", "protein_g", "carbs_g", "fat_g", "leucine_g", "change_seq")
    )
    # The caloric intake before the window anchors the first fasted hours.
    anchor = (
        Meal.objects.filter(
            user_id=user_id, deleted_at__isnull=True, eaten_at__lt=start, kcal__gt=0
        )
        .order_by("-eaten_at")
        .values_list("eaten_at", "kcal", "protein_g", "carbs_g", "fat_g", "leucine_g", "change_seq")
        .first()
    )
    if anchor is not None:
        meal_rows.insert(0, anchor)
    window_rows = list(
        FastingWindow.objects.filter(user_id=user_id, deleted_at__isnull=True, started_at__lt=end)
        .exclude(ended_at__isnull=False, ended_at__lte=start)
        .values_list("started_at", "ended_at", "change_seq")
    )
    # Epoch floats from the database: parsing thousands of timestamps in Python is the
    # single largest cost of a recompute otherwise.
    glucose_rows = [
        (engine.GlucoseReading.from_storage(us, value), seq)
        for us, value, seq in GlucoseReading.objects.filter(
            user_id=user_id,
            deleted_at__isnull=True,
            measured_at__gte=day_start,
            measured_at__lt=end,
        )
        .order_by("measured_at")
        .annotate(us=RawSQL(EPOCH_US_SQL[connection.vendor == "postgresql"], ()))  # noqa: S611
        .values_list("us", "value_mgdl", "change_seq")
    ]
    exercise_rows = list(
        ExerciseSession.objects.filter(
            user_id=user_id,
            deleted_at__isnull=True,
            started_at__gte=start - timedelta(days=1),
            started_at__lt=end,
        ).values_list("started_at", "minutes", "intensity", "change_seq")
    )
    confirmations = list(
        DayConfirmation.objects.filter(
            user_id=user_id, deleted_at__isnull=True, date__gte=first - LOOKBACK, date__lte=last
        ).values_list("date", "food_log_complete", "no_exercise", "change_seq")
    )
    inputs = engine.UserInputs(
        tz=tz,
        tracking_start=profile.tracking_start,
        profile=engine_profile(profile, last),
        meals=tuple(
            engine.Meal(eaten_at=at, kcal=kcal, protein_g=p, carbs_g=c, fat_g=f, leucine_g=leu)
            for at, kcal, p, c, f, leu, _ in meal_rows
        ),
        fasting_windows=tuple(engine.FastingWindow(start=s, end=e) for s, e, _ in window_rows),
        confirmed_days=frozenset(d for d, food, _, _ in confirmations if food),
        glucose=tuple(reading for reading, _ in glucose_rows),
        exercise=tuple(
            engine.ExerciseSession(start=s, minutes=m, intensity=i) for s, m, i, _ in exercise_rows
        ),
        no_exercise_days=frozenset(d for d, _, none, _ in confirmations if none),
    )
    markers = {
        "meals": [(r[0], r[6]) for r in meal_rows],
        "glucose": [(r.at, seq) for r, seq in glucose_rows],
        "windows": [(r[0], r[2]) for r in window_rows],
        "exercise": [(r[0], r[3]) for r in exercise_rows],
    }
    return LoadedInputs(inputs=inputs, start=start, end=end, markers=markers)


def inputs_digest(loaded: LoadedInputs, profile: Profile, day: date, params_hash: str) -> str:
    """What a day's score was computed from: the profile and the change marks of its rows."""
    start, end = local_day_bounds(day, profile.timezone)
    lookback = start - LOOKBACK
    digest = hashlib.sha256()
    digest.update(
        repr(
            (
                params_hash,
                profile.timezone,
                profile.tracking_start,
                profile.sex,
                profile.birth_date,
                profile.height_cm,
                profile.weight_kg,
                profile.activity_level,
                profile.maintenance_kcal,
                sorted(profile.medical_context or ()),
            )
        ).encode()
    )
    for name, marks in loaded.markers.items():
        low = start if name == "glucose" else lookback
        relevant = [seq for at, seq in marks if low <= at < end or name == "windows"]
        digest.update(f"{name}:{len(relevant)}:{sum(relevant)}:{max(relevant, default=0)}".encode())
    return digest.hexdigest()


def day_has_data(loaded: LoadedInputs, profile: Profile, day: date) -> bool:
    start, end = local_day_bounds(day, profile.timezone)
    inputs = loaded.inputs
    return (
        any(start <= m.eaten_at < end for m in inputs.meals)
        or any(start <= g.at < end for g in inputs.glucose)
        or any(w.start < end and (w.end is None or w.end > start) for w in inputs.fasting_windows)
        or any(start <= e.start < end for e in inputs.exercise or ())
        or day in inputs.confirmed_days
    )
