"""JSON chart data, autocomplete and exports behind the /coach/ pages (session auth)."""

from __future__ import annotations

import csv
from datetime import date, timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.accounts.models import User
from apps.api.problems import problem_response
from apps.coaching import charts
from apps.coaching.audit import audit_record
from apps.coaching.models import AuditAction
from apps.coaching.selectors import client_search
from apps.coaching.web.access import coach_client_view, coach_required

TRACE_RANGES = {"day": 1, "7d": 7, "14d": 14}
AGP_DAYS = (7, 14, 30)
DAILY_DAYS = (30, 90)
EXPORT_FORMATS = ("csv", "json")
# Nobody coaches clients on data from before the Unix epoch or far in the future.
MIN_DATE = date(1970, 1, 2)


def _json(data, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, encoder=DjangoJSONEncoder, safe=False)
    response["Cache-Control"] = "private, no-store"  # health data: never in shared caches
    return response


def _bad(field: str, message: str) -> JsonResponse:
    return problem_response(
        400,
        detail=message,
        slug="validation-error",
        errors=[{"field": field, "code": "invalid", "message": message}],
    )


def _end_date(request: HttpRequest, today: date) -> date | None:
    raw = request.GET.get("end", "")
    if not raw:
        return today
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        return None
    return value if MIN_DATE <= value <= today + timedelta(days=1) else None


def _choice(request: HttpRequest, name: str, choices, default):
    raw = request.GET.get(name, "")
    if not raw:
        return default
    for choice in choices:
        if str(choice) == raw:
            return choice
    return None


@require_GET
@coach_required
def client_search_json(request: HttpRequest) -> JsonResponse:
    results = client_search(coach=request.user, query=request.GET.get("q", ""))
    audit_record(
        request=request, subject_ids=[r["id"] for r in results], action=AuditAction.CLIENT_SEARCH
    )
    return _json(
        {
            "results": [
                {"id": str(r["id"]), "name": r["display_name"] or r["email"], "email": r["email"]}
                for r in results
            ]
        }
    )


@require_GET
@coach_client_view
def glucose_data(request: HttpRequest, client: User) -> JsonResponse:
    now = timezone.now()
    span = _choice(request, "range", TRACE_RANGES, "day")
    if span is None:
        return _bad("range", "range must be one of day, 7d, 14d.")
    end = _end_date(request, charts.client_today(client, now))
    if end is None:
        return _bad("end", "end must be a date YYYY-MM-DD, not in the future.")
    start = end - timedelta(days=TRACE_RANGES[span] - 1)
    data = charts.glucose_trace(client=client, start_date=start, end_date=end, now=now)
    audit_record(
        request=request,
        subject_ids=[client.pk],
        action=AuditAction.CHART_GLUCOSE,
        object_type="glucose_trace",
        object_id=f"{start}/{end}",
    )
    return _json({"range": span, **data})


@require_GET
@coach_client_view
def agp_data(request: HttpRequest, client: User) -> JsonResponse:
    days = _choice(request, "days", AGP_DAYS, 14)
    if days is None:
        return _bad("days", "days must be one of 7, 14, 30.")
    end = charts.client_today(client, timezone.now())
    start = end - timedelta(days=days - 1)
    data = charts.glucose_agp(client=client, start_date=start, end_date=end)
    audit_record(
        request=request,
        subject_ids=[client.pk],
        action=AuditAction.CHART_AGP,
        object_type="agp",
        object_id=f"{start}/{end}",
    )
    return _json(data)


@require_GET
@coach_client_view
def daily_data(request: HttpRequest, client: User) -> JsonResponse:
    now = timezone.now()
    days = _choice(request, "days", DAILY_DAYS, 30)
    if days is None:
        return _bad("days", "days must be 30 or 90.")
    end = charts.client_today(client, now)
    start = end - timedelta(days=days - 1)
    data = charts.daily_series(client=client, start_date=start, end_date=end, now=now)
    audit_record(
        request=request,
        subject_ids=[client.pk],
        action=AuditAction.CHART_DAILY,
        object_type="daily_series",
        object_id=f"{start}/{end}",
    )
    return _json(data)


@require_GET
@coach_client_view
def day_data(request: HttpRequest, client: User, day: date) -> JsonResponse:
    data = charts.day_detail(client=client, day=day, now=timezone.now())
    audit_record(
        request=request,
        subject_ids=[client.pk],
        action=AuditAction.DAY_TIMELINE,
        object_type="day",
        object_id=day.isoformat(),
    )
    return _json(data)


@require_GET
@coach_client_view
def export(request: HttpRequest, client: User) -> HttpResponse:
    fmt = _choice(request, "format", EXPORT_FORMATS, "csv")
    days = _choice(request, "days", DAILY_DAYS, 90)
    if fmt is None:
        return _bad("format", "format must be csv or json.")
    if days is None:
        return _bad("days", "days must be 30 or 90.")
    now = timezone.now()
    end = charts.client_today(client, now)
    start = end - timedelta(days=days - 1)
    rows = charts.export_rows(client=client, start_date=start, end_date=end, now=now)
    audit_record(
        request=request,
        subject_ids=[client.pk],
        action=AuditAction.EXPORT,
        object_type=f"daily_{fmt}",
        object_id=f"{start}/{end}",
    )
    filename = f"lowtide-client-{client.pk}-{start}-{end}.{fmt}"
    if fmt == "json":
        response = _json(
            {"client_id": str(client.pk), "timezone": charts.client_tz(client), "days": rows}
        )
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        writer = csv.DictWriter(response, fieldnames=charts.EXPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
