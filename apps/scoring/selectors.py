"""Score reads: daily scores as the API returns them, and the span of a user's data."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Exists, Max, Min

from apps.common.timeutils import iter_dates, local_date, local_day_bounds
from apps.scoring.engine import ALGORITHM_VERSION, DEFAULT_PARAMS, params_sha256
from apps.scoring.models import DailyScore, DirtyDay, ScoreStatus


def user_data_date_range(*, user_id: UUID) -> tuple[date, date] | None:
    """First and last local day with any data (for re-scoring a whole history)."""
    from django.utils import timezone

    from apps.accounts.models import Profile
    from apps.fasting.models import FastingWindow
    from apps.glucose.models import GlucoseReading
    from apps.nutrition.models import Meal

    profile = Profile.objects.filter(user_id=user_id).only("timezone").first()
    if profile is None:
        return None
    firsts = []
    for model, field in (
        (Meal, "eaten_at"),
        (GlucoseReading, "measured_at"),
        (FastingWindow, "started_at"),
    ):
        first = model.objects.filter(user_id=user_id, deleted_at__isnull=True).aggregate(
            first=Min(field), last=Max(field)
        )["first"]
        if first is not None:
            firsts.append(first)
    if not firsts:
        return None
    tz = profile.timezone
    return local_date(min(firsts), tz), local_date(timezone.now(), tz)


def _no_data(day: date, tz: str, status: str) -> dict[str, Any]:
    start, end = local_day_bounds(day, tz)
    return {
        "algorithm_version": ALGORITHM_VERSION,
        "params_sha256": params_sha256(DEFAULT_PARAMS),
        "user_tz": tz,
        "local_date": day.isoformat(),
        "window_utc": [_iso(start), _iso(end)],
        "provisional": False,
        "score": None,
        "confidence": 0.0,
        "components": {},
        "flags": [],
        "status": status,
        "has_data": False,
        "computed_at": None,
    }


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def score_as_dict(row: DailyScore, *, pending: bool) -> dict[str, Any]:
    return {
        "algorithm_version": row.algorithm_version,
        "params_sha256": row.params_sha256,
        "user_tz": row.timezone,
        "local_date": row.local_date.isoformat(),
        "window_utc": [_iso(row.window_start), _iso(row.window_end)],
        "provisional": row.status == ScoreStatus.PROVISIONAL,
        "score": row.score,
        "confidence": row.confidence,
        "components": row.components,
        "flags": row.flags,
        "status": ScoreStatus.PENDING if pending else row.status,
        "has_data": row.has_data,
        "computed_at": _iso(row.computed_at),
    }


def daily_scores_list(*, user_id: UUID, tz: str, start: date, end: date) -> list[dict[str, Any]]:
    """One entry per local day in [start, end]; days never scored say so (score null)."""
    rows = {
        row.local_date: row
        for row in DailyScore.objects.filter(
            user_id=user_id,
            algorithm_version=ALGORITHM_VERSION,
            local_date__gte=start,
            local_date__lte=end,
        )
    }
    pending = set(
        DirtyDay.objects.filter(
            user_id=user_id, local_date__gte=start, local_date__lte=end
        ).values_list("local_date", flat=True)
    )
    out = []
    for day in iter_dates(start, end):
        row = rows.get(day)
        if row is None:
            out.append(
                _no_data(day, tz, ScoreStatus.PENDING if day in pending else ScoreStatus.FINAL)
            )
        else:
            out.append(score_as_dict(row, pending=day in pending))
    return out


def daily_score_get(*, user_id: UUID, tz: str, day: date) -> dict[str, Any]:
    """One day in one query when it has been scored (the common case)."""
    pending = DirtyDay.objects.filter(user_id=user_id, local_date=day)
    row = (
        DailyScore.objects.filter(
            user_id=user_id, algorithm_version=ALGORITHM_VERSION, local_date=day
        )
        .annotate(pending=Exists(pending))
        .first()
    )
    if row is None:
        status = ScoreStatus.PENDING if pending.exists() else ScoreStatus.FINAL
        return _no_data(day, tz, status)
    return score_as_dict(row, pending=row.pending)
