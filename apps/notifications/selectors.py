"""Notification reads: summary inputs, stored summaries, the inbox, preferences, devices."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.common.errors import NotFound
from apps.fasting.models import FastingWindow
from apps.glucose.selectors import glucose_epoch_rows
from apps.notifications.models import Notification, WeeklySummary
from apps.notifications.summary import (
    LOOKBACK_DAYS,
    FastRow,
    FlagRow,
    MealRow,
    SummaryInputs,
    summary_compute,
)
from apps.notifications.weeks import IsoWeek, current_week
from apps.nutrition.models import Meal
from apps.scoring.engine import ALGORITHM_VERSION
from apps.scoring.models import DailyScore, SafetyFlag

FUTURE_WEEK = "This week has not started yet."
SUMMARY_NOT_FOUND = "No weekly summary for this week."


def user_for_notifications(*, user_id: UUID | str) -> User | None:
    """The user with profile and preferences in one query, or None if gone."""
    return (
        User.objects.select_related("profile", "notification_preference").filter(pk=user_id).first()
    )


def weekly_summary_inputs(*, user: User, week: IsoWeek, now: datetime) -> SummaryInputs:
    profile = user.profile
    tz = profile.timezone
    start, end = week.bounds(tz)
    lookback = start - timedelta(days=LOOKBACK_DAYS)
    fasts = [
        FastRow(*row)
        for row in FastingWindow.objects.filter(
            user_id=user.pk, deleted_at__isnull=True, started_at__lt=end
        )
        .exclude(ended_at__isnull=False, ended_at__lt=lookback)
        .order_by("started_at")
        .values_list("started_at", "ended_at", "target_hours")
    ]
    meals = [
        MealRow(*row)
        for row in Meal.objects.filter(
            user_id=user.pk, deleted_at__isnull=True, eaten_at__gte=lookback, eaten_at__lt=end
        ).values_list("eaten_at", "kcal", "protein_g")
    ]
    previous = week.previous()
    scores = dict(
        DailyScore.objects.filter(
            user_id=user.pk,
            algorithm_version=ALGORITHM_VERSION,
            local_date__gte=previous.monday,
            local_date__lte=week.sunday,
            score__isnull=False,
        ).values_list("local_date", "score")
    )
    flags = [
        FlagRow(day, code, severity, message, acknowledged is None)
        for day, code, severity, message, acknowledged in SafetyFlag.objects.filter(
            user_id=user.pk, local_date__gte=week.monday, local_date__lte=week.sunday
        ).values_list("local_date", "code", "severity", "message", "acknowledged_at")
    ]
    return SummaryInputs(
        week=week,
        tz=tz,
        now=now,
        glucose_unit=profile.glucose_unit,
        fasting_target_hours=profile.fasting_target_hours,
        fasts=fasts,
        meals=meals,
        glucose_rows=glucose_epoch_rows(user_id=user.pk, start=start, end=end),
        scores=scores,
        flags=flags,
    )


def weekly_summary_live(*, user: User, week: IsoWeek, now: datetime) -> dict[str, Any]:
    """Compute a week's summary from the data as it is now (nothing is stored)."""
    return summary_compute(weekly_summary_inputs(user=user, week=week, now=now))


def weekly_summaries_list(*, user: User) -> QuerySet[WeeklySummary]:
    return WeeklySummary.objects.filter(user=user).order_by("-week_start")


def weekly_summary_get(*, user: User, week: IsoWeek, now: datetime) -> dict[str, Any]:
    """The stored summary (what was sent), else one computed live; future weeks are 404."""
    tz = user.profile.timezone
    if week > current_week(now=now, tz=tz):
        raise NotFound(FUTURE_WEEK)
    stored = WeeklySummary.objects.filter(user=user, week=week.label).first()
    if stored is not None:
        return {**stored.data, "built_at": stored.built_at}
    return {**weekly_summary_live(user=user, week=week, now=now), "built_at": now}


def inbox_list(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    queryset = Notification.objects.filter(user=user)
    if unread is not None:
        queryset = queryset.filter(read_at__isnull=unread)
    return queryset


def coach_clients(*, coach: User) -> Iterable[User]:
    """The clients who currently consent to `coach` reading their data.

    Seam: apps.coaching owns consent. Until it offers `apps.coaching.selectors.coach_clients`
    (same keyword signature) nobody is listed, so a digest can never show a client who has
    not consented.
    """
    try:
        from apps.coaching.selectors import coach_clients as coaching_coach_clients
    except ImportError:
        return []
    return coaching_coach_clients(coach=coach)
