"""Thin views: weekly summaries, the inbox, preferences, devices, one-click unsubscribe."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.pagination import CursorPagination
from apps.api.renderers import JSONRenderer
from apps.api.schema import ok_example, problems
from apps.common.errors import DomainError
from apps.notifications import selectors, services
from apps.notifications.serializers import (
    DeviceInputSerializer,
    DeviceSerializer,
    InboxQuerySerializer,
    NotificationSerializer,
    PreferenceSerializer,
    UnsubscribedSerializer,
    UnsubscribeSerializer,
    WeeklySummarySerializer,
)
from apps.notifications.weeks import INVALID_WEEK, IsoWeek

SUMMARY_EXAMPLE = {
    "week": "2026-W44",
    "start_date": "2026-10-26",
    "end_date": "2026-11-01",
    "timezone": "America/Los_Angeles",
    "hours": 169.0,
    "complete": True,
    "has_data": True,
    "fasting": {
        "has_data": True,
        "total_fasted_hours": 101.5,
        "fasts_completed": 6,
        "fasts_16h_plus": 5,
        "longest_fast_hours": 18.5,
        "previous_longest_fast_hours": 16.5,
        "target_hours": 16.0,
        "fasts_reaching_target": 5,
        "adherence_percent": 83.3,
    },
    "nutrition": {
        "has_data": True,
        "days_logged": 6,
        "meals_logged": 14,
        "avg_kcal_per_day": 1850,
        "avg_protein_g_per_day": 92.5,
    },
    "glucose": {
        "has_data": True,
        "unit": "mmol/L",
        "mean": 5.4,
        "readings": 1990,
        "active_percent": 98.1,
        "mean_mgdl": 97.3,
        "sd_mgdl": 16.2,
        "cv_percent": 16.6,
        "gmi_percent": 5.64,
        "tir_percent": 98.7,
        "tbr_percent": 1.1,
        "tbr_level2_percent": 0.0,
        "tar_percent": 0.2,
        "tar_level2_percent": 0.0,
        "hypo_events_l1": 1,
        "hypo_events_l2": 0,
        "hyper_events_l2": 0,
        "sufficient": False,
        "days": 7,
        "interval_minutes": 5.0,
    },
    "score": {
        "has_data": True,
        "days_scored": 7,
        "average": 64.3,
        "best_day": {"date": "2026-10-29", "score": 71.0},
        "previous_average": 60.1,
        "change": 4.2,
        "trend": "up",
    },
    "flags": [],
    "streaks": {"logging_days": 12, "fasting_target_days": 4},
    "highlights": [
        "Your longest fast was 18.5 h, 2 h longer than last week.",
        "Your average mTOR score was 64, up 4 from last week.",
        "You spent 99 % of your CGM readings in range (3.9–10.0 mmol/L).",
    ],
    "built_at": "2026-11-02T16:00:04Z",
}
NOTIFICATION_EXAMPLE = {
    "id": "5b7c2f0e-1a7d-4c1e-9d55-2f5e8f1c9a01",
    "kind": "weekly_summary",
    "severity": "",
    "title": "Your week, 26 Oct – 01 Nov 2026",
    "body": "Your longest fast was 18.5 h, 2 h longer than last week.",
    "data": {"week": "2026-W44"},
    "created_at": "2026-11-02T16:00:04Z",
    "read_at": None,
    "read": False,
}
PREFERENCE_EXAMPLE = {
    "email_enabled": True,
    "push_enabled": True,
    "in_app_enabled": True,
    "coach_digest_enabled": True,
    "empty_week_nudge": True,
    "send_day": "monday",
    "send_hour": 8,
    "timezone": "America/Los_Angeles",
    "next_send_at": "2026-11-30T16:00:00Z",
}
DEVICE_EXAMPLE = {
    "id": "0d3c8a4e-2b6f-4f7e-8a1c-3e9b5d7f1a22",
    "platform": "ios",
    "token": "fcm-registration-token",
    "active": True,
    "created_at": "2026-11-26T09:12:00Z",
}


class WeekCursorPagination(CursorPagination):
    ordering = "-week_start"


def _parse_week(value: str) -> IsoWeek:
    try:
        return IsoWeek.parse(value)
    except ValueError:
        raise DomainError(INVALID_WEEK, field="week", code="invalid_week") from None


class WeeklySummaryListApi(generics.ListAPIView):
    serializer_class = WeeklySummarySerializer
    pagination_class = WeekCursorPagination

    def get_queryset(self):
        return selectors.weekly_summaries_list(user=self.request.user)

    @extend_schema(
        tags=["summaries"],
        summary="Weekly summaries that were sent, newest first",
        responses={200: WeeklySummarySerializer(many=True), **problems(400)},
        examples=[
            ok_example("Page", {"next": None, "previous": None, "results": [SUMMARY_EXAMPLE]})
        ],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        items = [{**row.data, "built_at": row.built_at} for row in page]
        return self.get_paginated_response(WeeklySummarySerializer(items, many=True).data)


class WeeklySummaryDetailApi(APIView):
    @extend_schema(
        tags=["summaries"],
        summary="One ISO week's summary (as sent, or computed now if never sent)",
        parameters=[
            OpenApiParameter(
                "week", OpenApiTypes.STR, OpenApiParameter.PATH, description="e.g. 2026-W48"
            )
        ],
        responses={200: WeeklySummarySerializer, **problems(400, 404)},
        examples=[ok_example("Week", SUMMARY_EXAMPLE)],
    )
    def get(self, request: Request, week: str) -> Response:
        data = selectors.weekly_summary_get(
            user=request.user, week=_parse_week(week), now=timezone.now()
        )
        return Response(WeeklySummarySerializer(data).data)


class NotificationListApi(generics.ListAPIView):
    serializer_class = NotificationSerializer
    pagination_class = CursorPagination

    def get_queryset(self):
        query = InboxQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.inbox_list(user=self.request.user, unread=query.validated_data["unread"])

    @extend_schema(
        tags=["notifications"],
        summary="The in-app inbox, newest first",
        parameters=[
            OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread (or read)."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="Default 100, max 1000."),
        ],
        responses={200: NotificationSerializer(many=True), **problems(400)},
        examples=[
            ok_example(
                "Inbox page", {"next": None, "previous": None, "results": [NOTIFICATION_EXAMPLE]}
            )
        ],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return self.list(request, *args, **kwargs)


class NotificationReadApi(APIView):
    @extend_schema(
        tags=["notifications"],
        summary="Mark a notification read (idempotent)",
        request=None,
        responses={200: NotificationSerializer, **problems(404)},
        examples=[ok_example("Read", {**NOTIFICATION_EXAMPLE, "read_at": "2026-11-02T18:00:00Z"})],
    )
    def post(self, request: Request, pk) -> Response:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
        return Response(NotificationSerializer(notification).data)


class PreferenceApi(APIView):
    @extend_schema(
        tags=["notifications"],
        summary="Notification channels and the weekly send day and hour (local)",
        responses={200: PreferenceSerializer},
        examples=[ok_example("Preferences", PREFERENCE_EXAMPLE)],
    )
    def get(self, request: Request) -> Response:
        pref = services.preference_ensure(user_id=request.user.pk)
        return Response(PreferenceSerializer(pref).data)

    @extend_schema(
        tags=["notifications"],
        summary="Change channels or the weekly send time; the schedule follows at once",
        request=PreferenceSerializer,
        responses={200: PreferenceSerializer, **problems(400)},
        examples=[
            ok_example(
                "Change",
                {"push_enabled": False, "send_day": "sunday", "send_hour": 18},
                request=True,
            ),
            ok_example("Preferences", PREFERENCE_EXAMPLE),
        ],
    )
    def put(self, request: Request) -> Response:
        serializer = PreferenceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pref = services.preference_update(user=request.user, data=serializer.to_model_fields())
        return Response(PreferenceSerializer(pref).data)


class DeviceRegisterApi(APIView):
    @extend_schema(
        tags=["notifications"],
        summary="Register a push token (201 new, 200 already registered to you)",
        request=DeviceInputSerializer,
        responses={201: DeviceSerializer, 200: DeviceSerializer, **problems(400, 409)},
        examples=[
            ok_example(
                "Register", {"token": "fcm-registration-token", "platform": "ios"}, request=True
            ),
            ok_example("Registered", DEVICE_EXAMPLE, status=201),
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = DeviceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        device, created = services.device_register(
            user=request.user,
            token=data["token"],
            platform=data["platform"],
            device_id=data.get("id"),
        )
        return Response(
            DeviceSerializer(device).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class DeviceDetailApi(APIView):
    @extend_schema(
        tags=["notifications"],
        summary="Unregister a push token",
        responses={204: None, **problems(404)},
    )
    def delete(self, request: Request, pk) -> Response:
        services.device_delete(user=request.user, device_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UnsubscribeApi(APIView):
    """One-click unsubscribe from an email link or a List-Unsubscribe-Post (RFC 8058):
    no login, the signed token is the credential. HTML for browsers, JSON otherwise."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, TemplateHTMLRenderer]
    template_name = "notifications/unsubscribed.html"

    def _apply(self, request: Request, token: str | None) -> Response:
        html = getattr(request.accepted_renderer, "format", "") == "html"
        try:
            serializer = UnsubscribeSerializer(data={"token": token})
            serializer.is_valid(raise_exception=True)
            _, topic = services.unsubscribe_apply(token=serializer.validated_data["token"])
        except (DomainError, ValidationError):
            if not html:
                raise
            # A person clicked a broken link: a page that says so, not a JSON problem.
            return Response({"ok": False}, status=status.HTTP_404_NOT_FOUND)
        return Response(
            {"status": "unsubscribed", "topic": topic, "ok": True}
            if html
            else {"status": "unsubscribed", "topic": topic}
        )

    @extend_schema(
        tags=["notifications"],
        auth=[],
        summary="Unsubscribe with the emailed link (no login)",
        parameters=[OpenApiParameter("token", OpenApiTypes.STR, required=True)],
        responses={200: UnsubscribedSerializer, **problems(400, 404)},
        examples=[ok_example("Unsubscribed", {"status": "unsubscribed", "topic": "email"})],
    )
    def get(self, request: Request) -> Response:
        return self._apply(request, request.query_params.get("token"))

    @extend_schema(
        tags=["notifications"],
        auth=[],
        summary="RFC 8058 one-click unsubscribe (List-Unsubscribe-Post)",
        parameters=[OpenApiParameter("token", OpenApiTypes.STR, required=True)],
        request=None,
        responses={200: UnsubscribedSerializer, **problems(400, 404)},
        examples=[ok_example("Unsubscribed", {"status": "unsubscribed", "topic": "email"})],
    )
    def post(self, request: Request) -> Response:
        return self._apply(request, request.query_params.get("token"))
