"""Chart data for the client dashboard: lean JSON, a fixed number of queries per chart.

Times are epoch milliseconds (UTC); the browser draws them in the client's time zone.
Long glucose traces are downsampled (see `downsample`); metrics are always computed from
every reading.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apps.accounts.models import User
from apps.common.timeutils import iter_dates, local_day_bounds, local_range_bounds
from apps.days.selectors import day_timeline
from apps.fasting.models import FastingWindow
from apps.glucose.metrics import HYPER_L1_MGDL, HYPO_L1_MGDL
from apps.glucose.selectors import glucose_metrics_range, glucose_rows
from apps.nutrition.models import Meal
from apps.scoring.models import SafetyFlag
from apps.scoring.selectors import daily_scores_list

# A chart line has no use for more points than a laptop screen has pixels.
MAX_TRACE_POINTS = 1500
COMPONENT_ORDER = ("fasting", "amino_acids", "energy", "glycemia", "exercise")

# Consensus targets for the metrics table (GLUCOSE_METRICS.md; Battelino 2019).
METRIC_TARGETS: list[tuple[str, str, str, str | None, float | None]] = [
    # key, label, unit, comparison, target
    ("readings", "Readings", "", None, None),
    ("active_percent", "Sensor active", "%", "≥", 70),
    ("mean_mgdl", "Mean glucose", "mg/dL", None, None),
    ("gmi_percent", "GMI", "%", "<", 7),
    ("cv_percent", "Coefficient of variation", "%", "≤", 36),
    ("tir_percent", "Time in range 70–180", "%", ">", 70),
    ("tbr_percent", "Time below 70", "%", "<", 4),
    ("tbr_level2_percent", "Time below 54", "%", "<", 1),
    ("tar_percent", "Time above 180", "%", "<", 25),
    ("tar_level2_percent", "Time above 250", "%", "<", 5),
    ("hypo_events_l1", "Hypo events < 70 (≥ 15 min)", "", None, None),
    ("hypo_events_l2", "Hypo events < 54 (≥ 15 min)", "", None, None),
    ("hyper_events_l2", "Hyper events > 250 (≥ 15 min)", "", None, None),
]


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def client_tz(client: User) -> str:
    profile = getattr(client, "profile", None)
    return profile.timezone if profile is not None else "UTC"


def client_today(client: User, now: datetime) -> date:
    return now.astimezone(ZoneInfo(client_tz(client))).date()


def downsample(rows: list[tuple], *, start: datetime, end: datetime) -> tuple[list, int]:
    """At most ~MAX_TRACE_POINTS [ms, mg/dL] points and the bucket size in minutes (0 = raw).

    A bucket keeps its lowest value when that is below 70 mg/dL, else its highest when
    above 180, else its mean: averaging must not hide the lows and highs a coach looks for.
    """
    if len(rows) <= MAX_TRACE_POINTS:
        return [[_ms(at), round(value, 1)] for at, value, _ in rows], 0
    span_minutes = (end - start).total_seconds() / 60
    bucket_minutes = max(5, -(-int(span_minutes / MAX_TRACE_POINTS) // 5) * 5)
    while span_minutes / bucket_minutes > MAX_TRACE_POINTS:
        bucket_minutes += 5
    size_ms = bucket_minutes * 60_000
    origin = _ms(start)
    buckets: dict[int, list[float]] = defaultdict(list)
    for at, value, _ in rows:
        buckets[(_ms(at) - origin) // size_ms].append(value)
    points = []
    for index in sorted(buckets):
        values = buckets[index]
        low, high = min(values), max(values)
        if low < HYPO_L1_MGDL:
            value = low
        elif high > HYPER_L1_MGDL:
            value = high
        else:
            value = sum(values) / len(values)
        points.append([origin + index * size_ms + size_ms // 2, round(value, 1)])
    return points, bucket_minutes


def _fasts_between(client: User, start: datetime, end: datetime) -> list[FastingWindow]:
    return list(
        FastingWindow.objects.filter(user_id=client.pk, deleted_at__isnull=True, started_at__lt=end)
        .exclude(ended_at__isnull=False, ended_at__lte=start)
        .order_by("started_at")
    )


def glucose_trace(
    *, client: User, start_date: date, end_date: date, now: datetime
) -> dict[str, Any]:
    """The glucose trace of local days start..end with fasting windows and meals."""
    tz = client_tz(client)
    start, end = local_range_bounds(start_date, end_date, tz)
    rows = glucose_rows(user_id=client.pk, start=start, end=end)
    points, bucket = downsample(rows, start=start, end=end)
    fasts = [
        {
            "start": _ms(max(w.started_at, start)),
            "end": _ms(min(w.ended_at or now, end)),
            "ongoing": w.ended_at is None,
            "hours": round(((w.ended_at or now) - w.started_at).total_seconds() / 3600, 1),
        }
        for w in _fasts_between(client, start, end)
    ]
    meals = [
        {"t": _ms(at), "name": name, "kcal": round(kcal), "protein_g": protein}
        for at, name, kcal, protein in Meal.objects.filter(
            user_id=client.pk, deleted_at__isnull=True, eaten_at__gte=start, eaten_at__lt=end
        )
        .order_by("eaten_at")
        .values_list("eaten_at", "name", "kcal", "protein_g")
    ]
    return {
        "timezone": tz,
        "start_date": start_date.isoformat(),
        "end_date": end_date.isoformat(),
        "start": _ms(start),
        "end": _ms(end),
        "readings": len(rows),
        "bucket_minutes": bucket,
        "points": points,
        "fasts": fasts,
        "meals": meals,
    }


def glucose_agp(*, client: User, start_date: date, end_date: date) -> dict[str, Any]:
    """AGP percentile bins (15 min, local time) and the consensus metrics of the period."""
    result = glucose_metrics_range(
        user_id=client.pk, tz=client_tz(client), start_date=start_date, end_date=end_date, agp=True
    )
    return {
        "timezone": result["timezone"],
        "start_date": result["start_date"],
        "end_date": result["end_date"],
        "bins": result["agp"],
        "metrics": result["period"],
    }


def metrics_table(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows for the dashboard's metrics table: value, target and whether it is met."""
    table = []
    for key, label, unit, comparison, target in METRIC_TARGETS:
        value = metrics.get(key)
        met = None
        if value is not None and target is not None:
            met = {
                "≥": value >= target,
                ">": value > target,
                "<": value < target,
                "≤": value <= target,
            }[comparison]
        table.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "value": value,
                "target": f"{comparison} {target:g} {unit}".strip() if target is not None else "",
                "met": met,
            }
        )
    return table


def _contributions(components: dict[str, Any]) -> dict[str, float]:
    """Each available component's share of the score: value × weight ÷ Σ available weights
    (SCORING.md B1.3), so the stacked bars add up to the score."""
    usable = {
        key: c
        for key, c in components.items()
        if isinstance(c, dict)
        and c.get("value") is not None
        and c.get("available", True)
        and c.get("enabled", True)
        and (c.get("weight") or 0) > 0
    }
    total = sum(c["weight"] for c in usable.values())
    return {key: round(c["value"] * c["weight"] / total, 1) for key, c in usable.items()}


def _fasted_hours_by_day(
    fasts: list[FastingWindow], *, tz: str, days: list[date], now: datetime
) -> dict[date, float]:
    hours: dict[date, float] = defaultdict(float)
    zone = ZoneInfo(tz)
    for window in fasts:
        end = window.ended_at or now
        day = window.started_at.astimezone(zone).date()
        while day <= days[-1]:
            day_start, day_end = local_day_bounds(day, tz)
            if day_start >= end:
                break
            overlap = (min(end, day_end) - max(window.started_at, day_start)).total_seconds()
            if overlap > 0 and day >= days[0]:
                hours[day] += overlap / 3600
            day += timedelta(days=1)
    return hours


def daily_series(
    *, client: User, start_date: date, end_date: date, now: datetime
) -> dict[str, Any]:
    """Per local day: score with stacked components, fasted hours vs target, kcal, protein."""
    tz = client_tz(client)
    days = list(iter_dates(start_date, end_date))
    start, end = local_range_bounds(start_date, end_date, tz)
    # The scoring app's own read: current algorithm version, pending days marked.
    scores = daily_scores_list(user_id=client.pk, tz=tz, start=start_date, end=end_date)
    fasted = _fasted_hours_by_day(_fasts_between(client, start, end), tz=tz, days=days, now=now)
    kcal: dict[date, float] = defaultdict(float)
    protein: dict[date, float] = defaultdict(float)
    zone = ZoneInfo(tz)
    for eaten_at, meal_kcal, meal_protein in Meal.objects.filter(
        user_id=client.pk, deleted_at__isnull=True, eaten_at__gte=start, eaten_at__lt=end
    ).values_list("eaten_at", "kcal", "protein_g"):
        day = eaten_at.astimezone(zone).date()
        kcal[day] += meal_kcal
        protein[day] += meal_protein or 0
    flags: dict[str, list[str]] = defaultdict(list)
    for day, code in SafetyFlag.objects.filter(
        user_id=client.pk, local_date__gte=start_date, local_date__lte=end_date
    ).values_list("local_date", "code"):
        flags[day.isoformat()].append(code)
    contributions = [_contributions(s["components"] or {}) for s in scores]
    keys = [k for k in COMPONENT_ORDER if any(k in c for c in contributions)]
    keys += sorted({k for c in contributions for k in c} - set(keys))
    profile = getattr(client, "profile", None)
    return {
        "timezone": tz,
        "dates": [d.isoformat() for d in days],
        "score": [s["score"] for s in scores],
        "confidence": [s["confidence"] if s["has_data"] else None for s in scores],
        "status": [s["status"] for s in scores],
        "components": {k: [c.get(k) for c in contributions] for k in keys},
        "fasted_hours": [round(fasted.get(d, 0.0), 2) for d in days],
        "target_hours": profile.fasting_target_hours if profile is not None else 16.0,
        "kcal": [round(kcal[d]) if d in kcal else None for d in days],
        "protein_g": [round(protein[d], 1) if d in kcal else None for d in days],
        "flags": dict(flags),
    }


def day_detail(*, client: User, day: date, now: datetime) -> dict[str, Any]:
    """The day timeline (apps.days, which carries the day's score) plus its flags."""
    timeline = day_timeline(user_id=client.pk, tz=client_tz(client), day=day, now=now)
    timeline["flags"] = list(
        SafetyFlag.objects.filter(user_id=client.pk, local_date=day)
        .order_by("code")
        .values("code", "severity", "message", "acknowledged_at")
    )
    return timeline


EXPORT_COLUMNS = [
    "date",
    "score",
    "confidence",
    "status",
    "fasted_hours",
    "fasting_target_hours",
    "kcal",
    "protein_g",
    "glucose_readings",
    "glucose_mean_mgdl",
    "glucose_tir_percent",
    "glucose_tbr_percent",
    "glucose_tar_percent",
    "flags",
]


def export_rows(
    *, client: User, start_date: date, end_date: date, now: datetime
) -> list[dict[str, Any]]:
    """One row per local day: the daily series joined with that day's glucose metrics."""
    series = daily_series(client=client, start_date=start_date, end_date=end_date, now=now)
    glucose = glucose_metrics_range(
        user_id=client.pk, tz=client_tz(client), start_date=start_date, end_date=end_date
    )
    per_day = {d["date"]: d for d in glucose["days"]}
    rows = []
    for i, day in enumerate(series["dates"]):
        metrics = per_day.get(day, {})
        rows.append(
            {
                "date": day,
                "score": series["score"][i],
                "confidence": series["confidence"][i],
                "status": series["status"][i],
                "fasted_hours": series["fasted_hours"][i],
                "fasting_target_hours": series["target_hours"],
                "kcal": series["kcal"][i],
                "protein_g": series["protein_g"][i],
                "glucose_readings": metrics.get("readings", 0),
                "glucose_mean_mgdl": metrics.get("mean_mgdl"),
                "glucose_tir_percent": metrics.get("tir_percent"),
                "glucose_tbr_percent": metrics.get("tbr_percent"),
                "glucose_tar_percent": metrics.get("tar_percent"),
                "flags": " ".join(sorted(series["flags"].get(day, []))),
            }
        )
    return rows
