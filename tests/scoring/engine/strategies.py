"""Hypothesis strategies and a literal minute-loop reference for the engine tests."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from apps.scoring.engine import (
    DEFAULT_PARAMS,
    ExerciseSession,
    FastingWindow,
    GlucoseReading,
    Meal,
    Profile,
    UserInputs,
    fasting_depth,
    local_day_window,
)

PROPERTY = settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

NO_EXERCISE = {"weights": {"fasting": 40, "amino_acids": 25, "energy": 15, "glycemia": 10}}

TZS = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "America/Santiago",
    "UTC",
]
# First day of each scenario: ordinary days and days next to DST transitions.
BASE_DAYS = [
    date(2025, 6, 9),
    date(2025, 3, 29),  # Berlin spring forward on the 30th
    date(2025, 10, 25),  # Berlin fall back on the 26th
    date(2025, 3, 8),  # New York spring forward on the 9th
    date(2025, 4, 5),  # Lord Howe: 30-min shift back on the 6th
    date(2025, 10, 4),  # Lord Howe: 30-min shift forward on the 5th
    date(2025, 9, 6),  # Santiago: midnight does not exist on the 7th
]
SPAN_DAYS = 3


@dataclass(frozen=True)
class Scenario:
    inputs: UserInputs
    days: tuple[date, ...]
    day: date  # the day a single-day property looks at
    as_of: datetime | None
    t0: datetime  # start of the generated time range


def minutes_after(t0: datetime) -> st.SearchStrategy[datetime]:
    """Instants over the scenario: mostly whole minutes, sometimes with seconds."""
    horizon = (SPAN_DAYS + 2) * 24 * 60
    return st.builds(
        lambda m, sec: t0 + timedelta(minutes=m, seconds=sec),
        st.integers(0, horizon),
        st.one_of(st.just(0), st.integers(0, 59)),
    )


amounts = st.one_of(st.none(), st.floats(0, 80, allow_nan=False, allow_infinity=False))


@st.composite
def scenarios(draw: st.DrawFn, *, tz: str | None = None, with_glucose: bool = True) -> Scenario:
    tz = tz or draw(st.sampled_from(TZS))
    base = draw(st.sampled_from(BASE_DAYS))
    days = tuple(base + timedelta(days=i) for i in range(SPAN_DAYS))
    t0 = local_day_window(base, tz)[0] - timedelta(days=1)
    when = minutes_after(t0)
    meals = draw(
        st.lists(
            st.builds(
                Meal,
                eaten_at=when,
                kcal=st.one_of(st.sampled_from([0.0, 300.0, 800.0]), st.floats(0, 2000)),
                protein_g=amounts,
                leucine_g=st.one_of(st.none(), st.floats(0, 5)),
            ),
            max_size=7,
        )
    )
    windows = draw(
        st.lists(
            st.builds(
                lambda start, hours: FastingWindow(
                    start, None if hours is None else start + timedelta(hours=hours)
                ),
                when,
                st.one_of(st.none(), st.floats(0, 60)),
            ),
            max_size=2,
        )
    )
    glucose: list[GlucoseReading] = []
    if with_glucose and draw(st.integers(0, 2)):
        # A few CGM stretches: a level plus a repeating profile (rises, dips, plateaus).
        for _ in range(draw(st.integers(1, 2))):
            around = local_day_window(draw(st.sampled_from(days)), tz)[0]
            t = around + timedelta(minutes=draw(st.integers(-180, 24 * 60)))
            level = draw(st.sampled_from([45.0, 62.0, 95.0, 110.0, 130.0, 240.0]))
            profile = draw(st.lists(st.integers(-40, 40), min_size=1, max_size=12))
            step = draw(st.sampled_from([5, 5, 5, 1, 15]))
            for i in range(draw(st.sampled_from([3, 12, 60, 150, 288, 500]))):
                mg = min(401.0, max(39.0, level + profile[i % len(profile)]))
                glucose.append(GlucoseReading(t, mg))
                t += timedelta(minutes=step + (7 if i % 50 == 49 else 0))
    exercise = draw(
        st.one_of(
            st.none(),
            st.lists(
                st.builds(
                    ExerciseSession,
                    start=when,
                    minutes=st.sampled_from([0, 10, 45, 90]),
                    intensity=st.sampled_from(["light", "moderate", "vigorous"]),
                ),
                max_size=2,
            ),
        )
    )
    profile = None
    if draw(st.integers(0, 3)):
        profile = draw(
            st.builds(
                Profile,
                sex=st.sampled_from([None, "male", "female", "other"]),
                age_y=st.one_of(st.none(), st.integers(18, 90)),
                height_cm=st.one_of(st.none(), st.floats(140, 210)),
                weight_kg=st.one_of(st.none(), st.floats(40, 150)),
                activity_factor=st.sampled_from([None, 1.2, 1.55, 1.9]),
                maintenance_kcal_override=st.sampled_from([2400.0, None, 0.0]),
                medical_context=st.sampled_from([frozenset(), frozenset({"insulin"})]),
            )
        )
    tracking_start = t0 - timedelta(days=30) if draw(st.integers(0, 2)) else draw(when)
    inputs = UserInputs(
        tz=tz,
        tracking_start=tracking_start,
        profile=profile,
        meals=meals,
        fasting_windows=windows,
        confirmed_days=frozenset(d for d in days if draw(st.integers(0, 2))),
        glucose=glucose,
        exercise=exercise,
        no_exercise_days=frozenset(draw(st.sets(st.sampled_from(days)))),
    )
    as_of = draw(st.one_of(st.none(), when))
    return Scenario(inputs, days, draw(st.sampled_from(days)), as_of, t0)


def with_(inputs: UserInputs, **changes: object) -> UserInputs:
    return replace(inputs, **changes)


def caloric(meal: Meal) -> bool:
    return meal.kcal > 0


# --- literal reference of B6 / R1 (one step per minute) ------------------------------------


@dataclass(frozen=True)
class RefFasting:
    value: float
    peak_h: float
    mean: float
    quality: float  # before the CGM plausibility halving
    scored: int


def reference_fasting(
    inputs: UserInputs, day: date, as_of: datetime | None, params=DEFAULT_PARAMS
) -> RefFasting | None:
    """B6 pseudo-code with R1, R3, R5, R7 and R8 applied literally, minute by minute."""
    s, e = local_day_window(day, inputs.tz)
    hi = e if as_of is None else min(e, as_of)
    ts = inputs.tracking_start
    if ts >= hi:
        return None
    meals = [m for m in inputs.meals if as_of is None or m.eaten_at <= as_of]
    cal = sorted(m.eaten_at for m in meals if caloric(m))
    far = datetime.max.replace(tzinfo=UTC)
    windows = []
    for w in inputs.fasting_windows:
        after = [c for c in cal if c > w.start]
        end = min(w.end or far, after[0] if after else far, as_of or far)
        if end > w.start:
            windows.append((w.start, end))
    confirmed = day in inputs.confirmed_days
    cap = DEFAULT_PARAMS["unverified_cap_h"]
    day_minutes = math.ceil((e - s) / timedelta(minutes=1))
    values, h_max, q = [], 0.0, 0.0
    for k in range(day_minutes):
        t = s + timedelta(minutes=k)
        if not (ts <= t < hi):
            continue
        prior = [c for c in cal if ts <= c <= t]
        anchor = prior[-1] if prior else ts
        h = (t - anchor).total_seconds() / 3600
        verified = confirmed or any(a <= t < b for a, b in windows)
        if not verified:
            h = min(h, cap)
        values.append(fasting_depth(h, params))
        h_max = max(h_max, h)
        q += 1.0 if verified else 0.6 if prior else 0.2
    if not values:
        return None
    peak, mean = fasting_depth(h_max, params), sum(values) / len(values)
    alpha = DEFAULT_PARAMS["fast_peak_weight"]
    return RefFasting(
        value=100 * (alpha * peak + (1 - alpha) * mean),
        peak_h=h_max,
        mean=mean,
        quality=q / day_minutes,
        scored=len(values),
    )


def reference_unlogged_intake(inputs: UserInputs, day: date, as_of: datetime | None) -> bool:
    """R19 read literally: some reading pair r1 -> r2 rose >= 30 mg/dL within 60 min."""
    s, e = local_day_window(day, inputs.tz)
    hi = e if as_of is None else min(e, as_of)
    ts = inputs.tracking_start
    window = timedelta(minutes=DEFAULT_PARAMS["unlogged_rise_min"])
    readings = [r for r in inputs.glucose if as_of is None or r.at <= as_of]
    cal = [
        m.eaten_at for m in inputs.meals if caloric(m) and (as_of is None or m.eaten_at <= as_of)
    ]
    sessions = []
    for x in inputs.exercise or ():
        if as_of is not None and x.start >= as_of:
            continue
        end = x.start + timedelta(minutes=x.minutes)
        sessions.append((x.start, end if as_of is None else min(end, as_of)))

    def overlaps(start: datetime, end: datetime, a: datetime, b: datetime) -> bool:
        return a <= start <= b if end == start else start <= b and end > a

    for r2 in readings:
        if not (max(s, ts) <= r2.at < hi):
            continue
        for r1 in readings:
            if not (timedelta(0) < r2.at - r1.at <= window) or r1.at < ts:
                continue
            if r2.mg_dl - r1.mg_dl < DEFAULT_PARAMS["unlogged_rise_mg_dl"]:
                continue
            anchor = max([c for c in cal if ts <= c <= r1.at] + [ts])
            if r1.at - anchor < timedelta(hours=4):
                continue
            if any(r1.at < c <= r2.at for c in cal):
                continue
            if any(overlaps(a, b, r1.at - window, r2.at) for a, b in sessions):
                continue
            return True
    return False


@st.composite
def rise_scenarios(draw: st.DrawFn) -> Scenario:
    """A day with a few two-reading glucose jumps near meals, sessions and tracking_start:
    every clause of R19 decides the outcome in some examples."""
    tz = draw(st.sampled_from(TZS))
    day = draw(st.sampled_from(BASE_DAYS))
    s, _ = local_day_window(day, tz)
    base = s + timedelta(minutes=draw(st.integers(0, 24 * 60)))

    def near(hours: int) -> datetime:
        return base + timedelta(minutes=draw(st.integers(-hours * 60, hours * 60)))

    def offset(edges: list[int], lo: int, hi: int) -> timedelta:
        # Exact rule edges (a fast of exactly 4 h, a gap of exactly 60 min...) plus a range.
        return timedelta(minutes=draw(st.one_of(st.sampled_from(edges), st.integers(lo, hi))))

    glucose: list[GlucoseReading] = []
    for _ in range(draw(st.integers(1, 3))):
        t, mg = near(2), draw(st.sampled_from([80.0, 100.0]))
        gap = offset([60, 61, 1], 0, 70)
        rise = draw(st.sampled_from([30, 35, 25]))
        glucose += [GlucoseReading(t, mg), GlucoseReading(t + gap, mg + rise)]

    def some_reading() -> datetime:
        return draw(st.sampled_from(glucose)).at

    meals = [
        Meal(
            some_reading() - offset([240, 239, 241, 0, -1], -120, 420),
            draw(st.sampled_from([500.0, 0.0])),
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    exercise = None
    if draw(st.integers(0, 2)):
        exercise = [
            ExerciseSession(
                some_reading() + offset([-60, -61, -80, -120, 0], -150, 30),
                draw(st.sampled_from([20, 60, 0])),
                draw(st.sampled_from(["light", "moderate"])),
            )
            for _ in range(draw(st.integers(0, 2)))
        ]
    inputs = UserInputs(
        tz=tz,
        tracking_start=near(12) if draw(st.integers(0, 3)) == 0 else s - timedelta(days=30),
        meals=meals,
        glucose=glucose,
        exercise=exercise,
        confirmed_days=frozenset({day}) if draw(st.booleans()) else frozenset(),
    )
    as_of = near(6) if draw(st.integers(0, 3)) == 0 else None
    return Scenario(inputs, (day,), day, as_of, s)
