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
from apps.scoring.engine.timeutil import to_us

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


MEAL_FIELDS = ("eaten_at", "kcal", "protein_g", "carbs_g", "fat_g", "leucine_g", "change_seq")
# Requests whose ranges fit in this span share one query per table (a batch of users
# scoring the same recent days); wider ones would drag in rows nobody needs.
SHARED_SPAN = timedelta(days=45)


@dataclass(frozen=True)
class _Request:
    profile: Profile
    first: date
    last: date
    day_start: datetime  # the first day's local midnight; glucose starts here
    start: datetime  # LOOKBACK before it; meals, windows and exercise start here
    end: datetime


def load_inputs(*, profile: Profile, first: date, last: date) -> LoadedInputs:
    """Everything the engine needs to score the local days first..last of one user."""
    return load_inputs_many([(profile, first, last)])[0]


def load_inputs_many(requests: list[tuple[Profile, date, date]]) -> list[LoadedInputs]:
    """load_inputs for many (user, days) at once: requests whose ranges are close share one
    query per table, and each gets exactly the rows load_inputs reads for it alone."""
    prepared = []
    for profile, first, last in requests:
        day_start, _ = local_day_bounds(first, profile.timezone)
        _, end = local_day_bounds(last, profile.timezone)
        prepared.append(_Request(profile, first, last, day_start, day_start - LOOKBACK, end))
    loaded: dict[int, LoadedInputs] = {}
    for group in _groups(prepared):
        rows = _RowsOf(prepared, group)
        for index in group:
            loaded[index] = rows.loaded(prepared[index])
    return [loaded[index] for index in range(len(prepared))]


def _groups(requests: list[_Request]) -> list[list[int]]:
    groups: list[list[int]] = []
    low = high = None
    for index in sorted(range(len(requests)), key=lambda i: requests[i].start):
        request = requests[index]
        if groups and max(high, request.end) - low <= SHARED_SPAN:
            groups[-1].append(index)
            high = max(high, request.end)
        else:
            groups.append([index])
            low, high = request.start, request.end
    return groups


class _RowsOf:
    """One query per table for a group of requests, rows kept per user."""

    def __init__(self, requests: list[_Request], group: list[int]) -> None:
        members = [requests[i] for i in group]
        users = {r.profile.user_id for r in members}
        low = min(r.start for r in members)
        high = max(r.end for r in members)
        self.meals = _by_user(
            Meal.objects.filter(
                user_id__in=users, deleted_at__isnull=True, eaten_at__gte=low, eaten_at__lt=high
            )
            .order_by("eaten_at")
            .values_list("user_id", *MEAL_FIELDS)
        )
        self.anchors = _anchors(users, before=low)
        self.windows = _by_user(
            FastingWindow.objects.filter(
                user_id__in=users, deleted_at__isnull=True, started_at__lt=high
            )
            .exclude(ended_at__isnull=False, ended_at__lte=low)
            .values_list("user_id", "started_at", "ended_at", "change_seq")
        )
        self.glucose = _glucose_by_user(
            GlucoseReading.objects.filter(
                user_id__in=users,
                deleted_at__isnull=True,
                measured_at__gte=min(r.day_start for r in members),
                measured_at__lt=high,
            )
        )
        self.exercise = _by_user(
            ExerciseSession.objects.filter(
                user_id__in=users,
                deleted_at__isnull=True,
                started_at__gte=low - timedelta(days=1),
                started_at__lt=high,
            ).values_list("user_id", "started_at", "minutes", "intensity", "change_seq")
        )
        self.confirmations = _by_user(
            DayConfirmation.objects.filter(
                user_id__in=users,
                deleted_at__isnull=True,
                date__gte=min(r.first for r in members) - LOOKBACK,
                date__lte=max(r.last for r in members),
            ).values_list("user_id", "date", "food_log_complete", "no_exercise", "change_seq")
        )

    def loaded(self, r: _Request) -> LoadedInputs:
        user_id = r.profile.user_id
        meals = self.meals.get(user_id, [])
        meal_rows = [m for m in meals if r.start <= m[0] < r.end]
        # The caloric intake before the range anchors the first fasted hours.
        earlier = [m for m in meals if m[0] < r.start and m[1] > 0]
        anchor = earlier[-1] if earlier else self.anchors.get(user_id)
        if anchor is not None:
            meal_rows.insert(0, anchor)
        window_rows = [
            w
            for w in self.windows.get(user_id, [])
            if w[0] < r.end and (w[1] is None or w[1] > r.start)
        ]
        low_us, high_us = to_us(r.day_start), to_us(r.end)
        glucose_rows = [
            (engine.GlucoseReading.from_storage(us, value), seq)
            for us, value, seq in self.glucose.get(user_id, [])
            if low_us <= us < high_us
        ]
        exercise_rows = [
            e for e in self.exercise.get(user_id, []) if r.start - timedelta(days=1) <= e[0] < r.end
        ]
        confirmations = [
            c for c in self.confirmations.get(user_id, []) if r.first - LOOKBACK <= c[0] <= r.last
        ]
        inputs = engine.UserInputs(
            tz=r.profile.timezone,
            tracking_start=r.profile.tracking_start,
            profile=engine_profile(r.profile, r.last),
            meals=tuple(
                engine.Meal(eaten_at=at, kcal=kcal, protein_g=p, carbs_g=c, fat_g=f, leucine_g=leu)
                for at, kcal, p, c, f, leu, _ in meal_rows
            ),
            fasting_windows=tuple(engine.FastingWindow(start=s, end=e) for s, e, _ in window_rows),
            confirmed_days=frozenset(d for d, food, _, _ in confirmations if food),
            glucose=tuple(reading for reading, _ in glucose_rows),
            exercise=tuple(
                engine.ExerciseSession(start=s, minutes=m, intensity=i)
                for s, m, i, _ in exercise_rows
            ),
            no_exercise_days=frozenset(d for d, _, none, _ in confirmations if none),
        )
        markers = {
            "meals": [(m[0], m[6]) for m in meal_rows],
            "glucose": [(reading.at, seq) for reading, seq in glucose_rows],
            "windows": [(w[0], w[2]) for w in window_rows],
            "exercise": [(e[0], e[3]) for e in exercise_rows],
        }
        return LoadedInputs(inputs=inputs, start=r.start, end=r.end, markers=markers)


def _by_user(rows) -> dict:
    grouped: dict = {}
    for user_id, *values in rows:
        grouped.setdefault(user_id, []).append(tuple(values))
    return grouped


def _glucose_by_user(readings) -> dict:
    """Each user's (epoch microseconds, mg/dL, change seq) in time order. Microseconds come
    from the database (parsing thousands of timestamps in Python is otherwise the largest
    cost of a recompute); on PostgreSQL as three arrays per user, which saves decoding a
    user id on each of the thousands of rows."""
    epoch_us = RawSQL(EPOCH_US_SQL[connection.vendor == "postgresql"], ())  # noqa: S611
    if connection.vendor != "postgresql":
        return _by_user(
            readings.order_by("user_id", "measured_at")
            .annotate(us=epoch_us)
            .values_list("user_id", "us", "value_mgdl", "change_seq")
        )
    from django.contrib.postgres.aggregates import ArrayAgg

    per_user = (
        readings.order_by()
        .values("user_id")
        .annotate(
            us=ArrayAgg(epoch_us, order_by="measured_at"),
            mg=ArrayAgg("value_mgdl", order_by="measured_at"),
            seq=ArrayAgg("change_seq", order_by="measured_at"),
        )
        .values_list("user_id", "us", "mg", "seq")
    )
    return {user_id: list(zip(us, mg, seq, strict=True)) for user_id, us, mg, seq in per_user}


def _anchors(users: set, *, before: datetime) -> dict:
    """Each user's last caloric meal before `before`: one DISTINCT ON query on PostgreSQL."""
    meals = Meal.objects.filter(deleted_at__isnull=True, eaten_at__lt=before, kcal__gt=0)
    if connection.vendor == "postgresql":
        rows = (
            meals.filter(user_id__in=users)
            .order_by("user_id", "-eaten_at")
            .distinct("user_id")
            .values_list("user_id", *MEAL_FIELDS)
        )
        return {user_id: tuple(values) for user_id, *values in rows}
    anchors = {}
    for user_id in users:
        row = meals.filter(user_id=user_id).order_by("-eaten_at").values_list(*MEAL_FIELDS).first()
        if row is not None:
            anchors[user_id] = row
    return anchors


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
