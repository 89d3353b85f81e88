"""Server-rendered /coach/ pages: clients, client dashboard, flags, notes, invites."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.models import User
from apps.coaching import services
from apps.coaching.audit import audit_record
from apps.coaching.charts import client_today, client_tz, glucose_agp, metrics_table
from apps.coaching.models import AuditAction
from apps.coaching.selectors import (
    SORT_KEYS,
    client_flags,
    clients_overview,
    clients_overview_sorted,
    coach_client_ids,
    coach_clients_annotated,
    coach_notes,
    coach_open_flags,
    search_term,
)
from apps.coaching.web.access import coach_client_view, coach_required, error_page
from apps.common.errors import DomainError, NotFound

METRICS_DAYS = 14
FILTERS = {"": "All clients", "flagged": "With open flags", "inactive": "No data for 3+ days"}
COLUMNS = [
    ("name", "Client"),
    ("score", "Latest score"),
    ("avg", "7-day average"),
    ("flags", "Open flags"),
    ("adherence", "Fasting this week"),
    ("last_data", "Last data"),
]


@require_GET
@coach_required
def clients_page(request: HttpRequest) -> HttpResponse:
    query = search_term(request.GET.get("q", ""))
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") not in SORT_KEYS:
        sort = "name"
    only = request.GET.get("only", "")
    if only not in FILTERS:
        only = ""
    clients = list(coach_clients_annotated(coach=request.user, query=query))
    rows = clients_overview_sorted(
        clients_overview(clients=clients, now=timezone.now()), sort=sort, only=only
    )
    audit_record(request=request, subject_ids=[r.id for r in rows], action=AuditAction.CLIENT_LIST)
    columns = [
        {
            "key": key,
            "label": label,
            "active": sort.lstrip("-") == key,
            "descending": sort == f"-{key}",
            "next_sort": key if sort == f"-{key}" else f"-{key}" if sort == key else key,
        }
        for key, label in COLUMNS
    ]
    return render(
        request,
        "coaching/clients.html",
        {
            "rows": rows,
            "query": query,
            "sort": sort,
            "only": only,
            "filters": FILTERS,
            "columns": columns,
            "nav": "clients",
        },
    )


@require_GET
@coach_client_view
def dashboard_page(request: HttpRequest, client: User) -> HttpResponse:
    now = timezone.now()
    today = client_today(client, now)
    agp = glucose_agp(
        client=client, start_date=today - timedelta(days=METRICS_DAYS - 1), end_date=today
    )
    audit_record(
        request=request, subject_ids=[client.pk], action=AuditAction.DASHBOARD, object_type="user"
    )
    config = {
        "timezone": client_tz(client),
        "today": today.isoformat(),
        "urls": {
            "glucose": reverse("coach:glucose-data", args=[client.pk]),
            "agp": reverse("coach:agp-data", args=[client.pk]),
            "daily": reverse("coach:daily-data", args=[client.pk]),
            "day": reverse("coach:day-data", args=[client.pk, today]),
        },
        "metricsDays": METRICS_DAYS,
    }
    return render(
        request,
        "coaching/dashboard.html",
        {
            "client": client,
            "profile": getattr(client, "profile", None),
            "today": today,
            "metrics_start": today - timedelta(days=METRICS_DAYS - 1),
            "metrics": agp["metrics"],
            "metrics_rows": metrics_table(agp["metrics"]),
            "flags": client_flags(client=client),
            "notes": coach_notes(coach=request.user, client=client),
            "config": config,
            "nav": "clients",
        },
    )


@require_GET
@coach_required
def flags_page(request: HttpRequest) -> HttpResponse:
    flags = coach_open_flags(coach=request.user)
    audit_record(
        request=request,
        subject_ids=[f.user_id for f in flags],
        action=AuditAction.FLAGS,
        object_type="safety_flag",
    )
    return render(request, "coaching/flags.html", {"flags": flags, "nav": "flags"})


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/coach/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return fallback


@require_POST
@coach_required
def flag_acknowledge(request: HttpRequest, flag_id: int) -> HttpResponse:
    try:
        flag = services.safety_flag_acknowledge(
            actor=request.user, flag_id=flag_id, client_ids=coach_client_ids(coach=request.user)
        )
    except NotFound:
        return error_page(request, 404, "No flag at this address.")
    audit_record(
        request=request,
        subject_ids=[flag.user_id],
        action=AuditAction.FLAG_ACKNOWLEDGE,
        object_type="safety_flag",
        object_id=str(flag.pk),
    )
    return redirect(_back(request, reverse("coach:flags")))


@require_POST
@coach_client_view
def note_create(request: HttpRequest, client: User) -> HttpResponse:
    try:
        services.coach_note_create(
            coach=request.user, client=client, body=request.POST.get("body", "")
        )
    except DomainError as exc:
        return error_page(request, 400, exc.message)
    return redirect(reverse("coach:dashboard", args=[client.pk]) + "#notes")


@require_POST
@coach_client_view
def note_delete(request: HttpRequest, client: User, note_id) -> HttpResponse:
    try:
        services.coach_note_delete(coach=request.user, client=client, note_id=note_id)
    except NotFound:
        return error_page(request, 404, "No note at this address.")
    return redirect(reverse("coach:dashboard", args=[client.pk]) + "#notes")


@require_POST
@coach_required
def invite_create(request: HttpRequest) -> HttpResponse:
    try:
        new = services.invite_create(coach=request.user)
    except services.InviteLimitReached as exc:
        response = error_page(request, 429, exc.message)
        response["Retry-After"] = str(exc.retry_after)
        return response
    return render(
        request,
        "coaching/invite.html",
        {"code": new.code, "expires_at": new.invite.expires_at, "nav": "clients"},
        status=201,
    )
