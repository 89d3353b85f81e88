"""The coach's weekly digest over consenting clients: who improved, who has open flags,
who stopped logging. A handful of grouped queries, whatever the number of clients."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from statistics import fmean
from typing import Any

from django.db.models import Count, Max

from apps.accounts.models import User
from apps.common.timeutils import local_date
from apps.fasting.models import FastingWindow
from apps.notifications.selectors import coach_clients
from apps.notifications.weeks import IsoWeek
from apps.nutrition.models import Meal
from apps.scoring.engine import ALGORITHM_VERSION
from apps.scoring.models import DailyScore, SafetyFlag

IMPROVED_POINTS = 5.0
FLAG_LOOKBACK_DAYS = 28
LOG_LOOKBACK_DAYS = 56


def coach_digest_build(*, coach: User, week: IsoWeek, now: datetime) -> dict[str, Any]:
    client_ids = [client.pk for client in coach_clients(coach=coach)]
    clients = list(
        User.objects.filter(pk__in=client_ids, is_active=True)
        .select_related("profile")
        .order_by("display_name", "email")
    )
    ids = [c.pk for c in clients]
    previous = week.previous()
    scores: dict[Any, dict[str, list[float]]] = defaultdict(lambda: {"this": [], "prev": []})
    for user_id, day, score in DailyScore.objects.filter(
        user_id__in=ids,
        algorithm_version=ALGORITHM_VERSION,
        local_date__gte=previous.monday,
        local_date__lte=week.sunday,
        score__isnull=False,
    ).values_list("user_id", "local_date", "score"):
        scores[user_id]["this" if day >= week.monday else "prev"].append(score)
    open_flags = dict(
        SafetyFlag.objects.filter(
            user_id__in=ids,
            acknowledged_at__isnull=True,
            local_date__gte=week.monday - timedelta(days=FLAG_LOOKBACK_DAYS),
            local_date__lte=week.sunday,
        )
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    logged_in_week, last_logged = _logs(clients, week)

    rows = []
    for client in clients:
        this, prev = scores[client.pk]["this"], scores[client.pk]["prev"]
        average = round(fmean(this), 1) if this else None
        previous_average = round(fmean(prev), 1) if prev else None
        last = last_logged.get(client.pk)
        rows.append(
            {
                "id": str(client.pk),
                "name": client.display_name or client.email,
                "average": average,
                "previous_average": previous_average,
                "change": (
                    round(average - previous_average, 1)
                    if average is not None and previous_average is not None
                    else None
                ),
                "open_flags": open_flags.get(client.pk, 0),
                "logged_this_week": client.pk in logged_in_week,
                "last_logged": None if last is None else local_date(last, _tz(client)).isoformat(),
            }
        )
    return {
        "week": week.label,
        "client_count": len(rows),
        "improved_points": IMPROVED_POINTS,
        "clients": rows,
        "improved": [r for r in rows if r["change"] is not None and r["change"] >= IMPROVED_POINTS],
        "open_flags": [r for r in rows if r["open_flags"]],
        "stopped_logging": [r for r in rows if not r["logged_this_week"]],
        "has_data": bool(rows),
    }


def _logs(clients: list[User], week: IsoWeek) -> tuple[set, dict[Any, datetime]]:
    """(clients who logged a meal or fast in their own local week, latest log per client)."""
    zones = {c.pk: _tz(c) for c in clients}
    bounds = {pk: week.bounds(tz) for pk, tz in zones.items()}
    if not bounds:
        return set(), {}
    earliest = min(start for start, _ in bounds.values())
    latest_end = max(end for _, end in bounds.values())
    since = earliest - timedelta(days=LOG_LOOKBACK_DAYS)
    in_week: set = set()
    latest: dict[Any, datetime] = {}
    for model, field in ((Meal, "eaten_at"), (FastingWindow, "started_at")):
        live = model.objects.filter(user_id__in=list(zones), deleted_at__isnull=True)
        for user_id, moment in live.filter(
            **{f"{field}__gte": earliest, f"{field}__lt": latest_end}
        ).values_list("user_id", field):
            start, end = bounds[user_id]
            if start <= moment < end:
                in_week.add(user_id)
        for user_id, moment in (
            live.filter(**{f"{field}__gte": since, f"{field}__lt": latest_end})
            .values("user_id")
            .annotate(last=Max(field))
            .values_list("user_id", "last")
        ):
            if user_id not in latest or moment > latest[user_id]:
                latest[user_id] = moment
    return in_week, latest


def _tz(user: User) -> str:
    profile = getattr(user, "profile", None)
    return profile.timezone if profile is not None else "UTC"
