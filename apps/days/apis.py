from __future__ import annotations

from datetime import date

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.schema import DAY_PARAMETER, ok_example, problems
from apps.common.records import user_timezone
from apps.days.selectors import day_timeline
from apps.days.serializers import DayConfirmationInputSerializer, DayConfirmationSerializer
from apps.days.services import day_confirmation_set
from apps.sync.changes import versions_of

TIMELINE_EXAMPLE = {
    "date": "2026-11-26",
    "timezone": "Europe/Berlin",
    "window": {"start": "2026-11-25T23:00:00Z", "end": "2026-11-26T23:00:00Z"},
    "hours": 24.0,
    "fasts": [
        {
            "id": "3f0e8a52-5f0b-4a57-8d0e-6c1f7e5b2a10",
            "started_at": "2026-11-25T19:30:00Z",
            "ended_at": "2026-11-26T11:30:00Z",
            "target_hours": 16.0,
            "protocol": "16:8",
            "ongoing": False,
            "day_start": "2026-11-25T23:00:00Z",
            "day_end": "2026-11-26T11:30:00Z",
            "hours_in_day": 12.5,
        }
    ],
    "fasted_hours": 12.5,
    "meals": [],
    "totals": {
        "kcal": 0.0,
        "protein_g": 0.0,
        "carbs_g": 0.0,
        "fat_g": 0.0,
        "fiber_g": 0.0,
        "leucine_g": 0.0,
    },
    "exercise": [],
    "confirmation": None,
    "glucose": {"readings": 0},
    "score": None,
}


class DayTimelineApi(APIView):
    @extend_schema(
        tags=["days"],
        parameters=[DAY_PARAMETER],
        summary="One local day: fasts, meals, totals, glucose, score",
        responses={200: OpenApiTypes.OBJECT, **problems(400)},
        examples=[ok_example("Day", TIMELINE_EXAMPLE)],
    )
    def get(self, request: Request, day: date) -> Response:
        return Response(
            day_timeline(
                user_id=request.user.pk,
                tz=user_timezone(request.user),
                day=day,
                now=timezone.now(),
                versions=versions_of(request.user),
            )
        )


class DayConfirmationApi(APIView):
    @extend_schema(
        tags=["days"],
        parameters=[DAY_PARAMETER],
        summary="Confirm a day's food log and/or no exercise",
        request=DayConfirmationInputSerializer,
        responses={200: DayConfirmationSerializer, 201: DayConfirmationSerializer, **problems(400)},
        examples=[
            ok_example("Confirm", {"food_log_complete": True, "no_exercise": False}, request=True)
        ],
    )
    def put(self, request: Request, day: date) -> Response:
        serializer = DayConfirmationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = day_confirmation_set(user=request.user, day=day, **serializer.validated_data)
        return Response(
            DayConfirmationSerializer(result.instance).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )
