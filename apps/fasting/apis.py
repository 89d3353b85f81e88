from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.records import RecordDetailApi, RecordListCreateApi, record_schema
from apps.api.schema import ok_example, problems
from apps.common.records import record_get
from apps.fasting import services
from apps.fasting.selectors import fasting_window_current
from apps.fasting.serializers import (
    FastEndSerializer,
    FastingWindowInputSerializer,
    FastingWindowSerializer,
    FastStartSerializer,
)

EXAMPLE = {
    "id": "3f0e8a52-5f0b-4a57-8d0e-6c1f7e5b2a10",
    "started_at": "2026-11-25T19:30:00Z",
    "ended_at": "2026-11-26T11:30:00Z",
    "target_hours": 16.0,
    "protocol": "16:8",
    "note": "",
    "duration_hours": 16.0,
    "created_at": "2026-11-25T19:30:02Z",
    "updated_at": "2026-11-26T11:30:01Z",
}
REQUEST = {
    "id": EXAMPLE["id"],
    "started_at": "2026-11-25T20:30:00+01:00",
    "ended_at": "2026-11-26T12:30:00+01:00",
    "target_hours": 16,
    "protocol": "16:8",
}

list_schema, detail_schema = record_schema(
    tag="fasting",
    noun="fasting window",
    input_serializer=FastingWindowInputSerializer,
    output_serializer=FastingWindowSerializer,
    example=EXAMPLE,
    request_example=REQUEST,
)


class FastingMixin:
    spec = services.FASTING_WINDOW
    input_serializer = FastingWindowInputSerializer
    output_serializer = FastingWindowSerializer
    time_field = "started_at"


@list_schema
class FastingWindowListApi(FastingMixin, RecordListCreateApi):
    pass


@detail_schema
class FastingWindowDetailApi(FastingMixin, RecordDetailApi):
    pass


class FastCurrentApi(APIView):
    @extend_schema(
        tags=["fasting"],
        summary="The ongoing fast (404 when none)",
        responses={200: FastingWindowSerializer, **problems(404)},
        examples=[ok_example("Ongoing", {**EXAMPLE, "ended_at": None, "duration_hours": None})],
    )
    def get(self, request: Request) -> Response:
        return Response(FastingWindowSerializer(fasting_window_current(user=request.user)).data)


class FastStartApi(APIView):
    @extend_schema(
        tags=["fasting"],
        summary="Start a fast now (or at started_at)",
        request=FastStartSerializer,
        responses={201: FastingWindowSerializer, **problems(400, 409)},
        examples=[
            ok_example("Start", {"target_hours": 16, "protocol": "16:8"}, request=True),
            ok_example(
                "Started", {**EXAMPLE, "ended_at": None, "duration_hours": None}, status=201
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = FastStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        window = services.fasting_window_start(
            user=request.user, record_id=data.pop("id", None), **data
        )
        return Response(FastingWindowSerializer(window).data, status=status.HTTP_201_CREATED)


class FastEndApi(APIView):
    @extend_schema(
        tags=["fasting"],
        summary="End an ongoing fast (409 if it already ended)",
        request=FastEndSerializer,
        responses={200: FastingWindowSerializer, **problems(400, 404, 409)},
        examples=[ok_example("Ended", EXAMPLE)],
    )
    def post(self, request: Request, pk) -> Response:
        serializer = FastEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        window = record_get(services.FASTING_WINDOW, user=request.user, record_id=pk)
        window = services.fasting_window_end(
            user=request.user, window=window, ended_at=serializer.validated_data.get("ended_at")
        )
        return Response(FastingWindowSerializer(window).data)
