"""Coaching reads: who a coach may see, and the clients overview.

Every coach-facing read starts from `coach_clients()`, the one definition of consent, so
that lists, search, filters, dashboards and exports cannot disagree about it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import fmean
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from apps.accounts.models import User
from apps.coaching.models import CoachClientLink, CoachNote
from apps.common.errors import NotFound
from apps.fasting.models import FastingWindow
from apps.glucose.models import GlucoseReading
from apps.nutrition.models import Meal
from apps.scoring.engine import ALGORITHM_VERSION
from apps.scoring.models import DailyScore, SafetyFlag

TREND_DAYS = 7
INACTIVE_AFTER_DAYS = 3
SEARCH_MAX_CHARS = 100


def search_term(raw: str) -> str:
    """Trimmed, bounded, and without NUL characters (PostgreSQL rejects them in text)."""
    return raw.replace("\x00", "").strip()[:SEARCH_MAX_CHARS]


def coach_clients(*, coach: User) -> QuerySet[User]:
    """Users who currently consent to `coach` reading their data."""
    active = CoachClientLink.objects.filter(
        coach_id=coach.pk, client=OuterRef("pk"), revoked_at__isnull=True
    )
    return User.objects.filter(Exists(active))


def member_coaches(*, member: User) -> QuerySet[CoachClientLink]:
    """The active links through which coaches can read the member's data."""
    return CoachClientLink.objects.filter(client=member, revoked_at__isnull=True).select_related(
        "coach"
    )


def coach_client_get(*, coach: User, client_id: UUID) -> User:
    """A consenting client with profile, or NotFound (existence is never revealed)."""
    client = coach_clients(coach=coach).select_related("profile").filter(pk=client_id).first()
    if client is None:
        raise NotFound("Not found.")
    return client


def coach_client_ids(*, coach: User) -> list[UUID]:
    return list(coach_clients(coach=coach).values_list("pk", flat=True))


def _latest(model, order: tuple[str, ...], value: str, **filters) -> Subquery:
    return Subquery(
        model.objects.filter(user=OuterRef("pk"), **filters).order_by(*order).values(value)[:1]
    )


def coach_clients_annotated(*, coach: User, query: str = "") -> QuerySet[User]:
    """Consenting clients with their latest score, open flags and last upload, one query."""
    queryset = coach_clients(coach=coach).select_related("profile")
    query = search_term(query)
    if query:
        queryset = queryset.filter(Q(email__icontains=query) | Q(display_name__icontains=query))
    open_flags = (
        SafetyFlag.objects.filter(user=OuterRef("pk"), acknowledged_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    score_order = ("-local_date",)
    scored = {"score__isnull": False, "algorithm_version": ALGORITHM_VERSION}
    # The highest change_seq is the newest write; (user, change_seq) indexes make these
    # one-row index scans, whatever the size of the history.
    return queryset.annotate(
        granted_at=Subquery(
            CoachClientLink.objects.filter(
                coach_id=coach.pk, client=OuterRef("pk"), revoked_at__isnull=True
            ).values("granted_at")[:1]
        ),
        latest_score=_latest(DailyScore, score_order, "score", **scored),
        latest_score_date=_latest(DailyScore, score_order, "local_date", **scored),
        open_flags=Coalesce(Subquery(open_flags, output_field=IntegerField()), 0),
        last_glucose_at=_latest(GlucoseReading, ("-change_seq",), "updated_at"),
        last_meal_at=_latest(Meal, ("-change_seq",), "updated_at"),
        last_fast_at=_latest(FastingWindow, ("-change_seq",), "updated_at"),
    )


@dataclass
class ClientRow:
    id: UUID
    email: str
    display_name: str
    timezone: str
    granted_at: datetime | None
    latest_score: float | None
    latest_score_date: date | None
    open_flags: int
    last_data_at: datetime | None
    days_since_data: int | None = None
    trend: list[float | None] = field(default_factory=list)  # oldest → today
    avg_score_7d: float | None = None
    prev_avg_score_7d: float | None = None
    fasting_days_met: int = 0
    week_days: int = 0

    @property
    def name(self) -> str:
        return self.display_name or self.email

    @property
    def adherence_percent(self) -> float | None:
        return round(100 * self.fasting_days_met / self.week_days) if self.week_days else None

    @property
    def trend_delta(self) -> float | None:
        if self.avg_score_7d is None or self.prev_avg_score_7d is None:
            return None
        return round(self.avg_score_7d - self.prev_avg_score_7d, 1)

    @property
    def inactive(self) -> bool:
        return self.days_since_data is None or self.days_since_data >= INACTIVE_AFTER_DAYS


def _local_today(tz: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(tz)).date()


def clients_overview(*, clients: list[User], now: datetime) -> list[ClientRow]:
    """Rows for annotated clients (see `coach_clients_annotated`): two more queries in all,
    whatever the number of clients."""
    rows: list[ClientRow] = []
    today: dict[UUID, date] = {}
    for client in clients:
        tz = client.profile.timezone if hasattr(client, "profile") else "UTC"
        today[client.pk] = _local_today(tz, now)
        stamps = [client.last_glucose_at, client.last_meal_at, client.last_fast_at]
        last = max((s for s in stamps if s is not None), default=None)
        rows.append(
            ClientRow(
                id=client.pk,
                email=client.email,
                display_name=client.display_name,
                timezone=tz,
                granted_at=client.granted_at,
                latest_score=client.latest_score,
                latest_score_date=client.latest_score_date,
                open_flags=client.open_flags,
                last_data_at=last,
                days_since_data=None if last is None else max(0, (now - last).days),
            )
        )
    if rows:
        _add_score_trends(rows, today)
        _add_fasting_adherence(rows, clients, today, now)
    return rows


def _add_score_trends(rows: list[ClientRow], today: dict[UUID, date]) -> None:
    first = min(today.values()) - timedelta(days=2 * TREND_DAYS)
    by_user: dict[UUID, dict[date, float]] = defaultdict(dict)
    for user_id, day, score in DailyScore.objects.filter(
        user_id__in=list(today),
        local_date__gte=first,
        score__isnull=False,
        algorithm_version=ALGORITHM_VERSION,
    ).values_list("user_id", "local_date", "score"):
        by_user[user_id][day] = score
    for row in rows:
        scores = by_user.get(row.id, {})
        end = today[row.id]
        week = [scores.get(end - timedelta(days=i)) for i in range(TREND_DAYS - 1, -1, -1)]
        before = [scores.get(end - timedelta(days=i)) for i in range(2 * TREND_DAYS - 1, 6, -1)]
        row.trend = week
        present = [s for s in week if s is not None]
        previous = [s for s in before if s is not None]
        row.avg_score_7d = round(fmean(present), 1) if present else None
        row.prev_avg_score_7d = round(fmean(previous), 1) if previous else None


def _add_fasting_adherence(
    rows: list[ClientRow], clients: list[User], today: dict[UUID, date], now: datetime
) -> None:
    """Share of this ISO week's local days (Monday → today) on which a fast reaching its
    target ended (or an ongoing fast passed it today)."""
    targets = {
        c.pk: (c.profile.fasting_target_hours if hasattr(c, "profile") else 16.0) for c in clients
    }
    zones = {row.id: ZoneInfo(row.timezone) for row in rows}
    met: dict[UUID, set[date]] = defaultdict(set)
    fasts = (
        FastingWindow.objects.filter(user_id__in=list(today), deleted_at__isnull=True)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=now - timedelta(days=8)))
        .values_list("user_id", "started_at", "ended_at", "target_hours")
    )
    for user_id, started_at, ended_at, target_hours in fasts:
        end = ended_at or now
        hours = (end - started_at).total_seconds() / 3600
        if hours >= (target_hours or targets[user_id]):
            met[user_id].add(end.astimezone(zones[user_id]).date())
    for row in rows:
        monday = today[row.id] - timedelta(days=today[row.id].weekday())
        row.week_days = today[row.id].weekday() + 1
        row.fasting_days_met = sum(1 for d in met[row.id] if monday <= d <= today[row.id])


SORT_KEYS = {
    "name": lambda r: r.name.lower(),
    "score": lambda r: (r.latest_score is None, r.latest_score or 0),
    "avg": lambda r: (r.avg_score_7d is None, r.avg_score_7d or 0),
    "flags": lambda r: r.open_flags,
    "adherence": lambda r: (r.adherence_percent is None, r.adherence_percent or 0),
    "last_data": lambda r: (r.days_since_data is None, r.days_since_data or 0),
}


def clients_overview_sorted(
    rows: list[ClientRow], *, sort: str = "name", only: str = ""
) -> list[ClientRow]:
    """Sort by a SORT_KEYS key (prefix '-' for descending) and apply a quick filter:
    'flagged' (open flags) or 'inactive' (no upload for 3 days)."""
    if only == "flagged":
        rows = [r for r in rows if r.open_flags]
    elif only == "inactive":
        rows = [r for r in rows if r.inactive]
    descending = sort.startswith("-")
    key = SORT_KEYS.get(sort.lstrip("-"), SORT_KEYS["name"])
    ordered = sorted(rows, key=key, reverse=descending)
    if descending:  # keep "no data" rows last either way
        ordered = [r for r in ordered if not _missing(r, sort)] + [
            r for r in ordered if _missing(r, sort)
        ]
    return ordered


def _missing(row: ClientRow, sort: str) -> bool:
    value = SORT_KEYS.get(sort.lstrip("-"), SORT_KEYS["name"])(row)
    return isinstance(value, tuple) and value[0] is True


def coach_open_flags(*, coach: User, limit: int = 500) -> list[SafetyFlag]:
    """Open safety flags of the coach's consenting clients, newest first."""
    return list(
        SafetyFlag.objects.filter(user__in=coach_clients(coach=coach), acknowledged_at__isnull=True)
        .select_related("user")
        .order_by("-local_date", "-created_at", "code")[:limit]
    )


def client_flags(*, client: User, limit: int = 50) -> list[SafetyFlag]:
    """One client's flags: open ones first, then the newest acknowledged ones."""
    return list(
        SafetyFlag.objects.filter(user=client)
        .select_related("acknowledged_by")
        .order_by(F("acknowledged_at").desc(nulls_first=True), "-local_date", "code")[:limit]
    )


def coach_notes(*, coach: User, client: User, limit: int = 100) -> list[CoachNote]:
    return list(CoachNote.objects.filter(coach=coach, client=client)[:limit])


def client_search(*, coach: User, query: str, limit: int = 10) -> list[dict]:
    """Autocomplete: consenting clients whose name or email contains the query."""
    query = search_term(query)
    if not query:
        return []
    return list(
        coach_clients(coach=coach)
        .filter(Q(email__icontains=query) | Q(display_name__icontains=query))
        .order_by("display_name", "email")
        .values("id", "email", "display_name")[:limit]
    )
