from __future__ import annotations

from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.schema import DAY_PARAMETER, ok_example, problems
from apps.common.records import user_timezone
from apps.scoring.selectors import daily_score_get, daily_scores_list

MAX_DAYS = 366
SCORE_EXAMPLE = {
    "algorithm_version": "mtor-heuristic/1.0.0",
    "params_sha256": "0f3c…",
    "user_tz": "Europe/Berlin",
    "local_date": "2026-11-25",
    "window_utc": ["2026-11-24T23:00:00Z", "2026-11-25T23:00:00Z"],
    "provisional": False,
    "score": 45.7,
    "confidence": 0.86,
    "components": {
        "fasting": {
            "value": 25.8,
            "weight": 40,
            "quality": 1.0,
            "available": True,
            "enabled": True,
            "explain": "Longest fasted stretch 16.5 h (depth 41 %); mean depth 10 %",
            "details": {},
        },
    },
    "flags": [],
    "status": "final",
    "has_data": True,
    "computed_at": "2026-11-26T00:05:12Z",
}


class ScoreRangeSerializer(serializers.Serializer):
    start_date = serializers.DateField()
    end_date = serializers.DateField()

    def validate(self, attrs):
        span = (attrs["end_date"] - attrs["start_date"]).days
        if span < 0:
            raise serializers.ValidationError(
                {"end_date": ["end_date must not be before start_date."]}
            )
        if span >= MAX_DAYS:
            raise serializers.ValidationError({"end_date": [f"At most {MAX_DAYS} days."]})
        return attrs


class DailyScoreListApi(APIView):
    @extend_schema(
        tags=["scores"],
        operation_id="scores_daily_list",
        summary="Daily scores, one entry per local day",
        description="Days without data have `score: null`, `confidence: 0` and "
        "`has_data: false`. `status` is `final`, `provisional` (the current day) or `pending` "
        "(a recompute is due). Not medical advice.",
        parameters=[
            OpenApiParameter("start_date", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end_date", OpenApiTypes.DATE, required=True),
        ],
        responses={200: OpenApiTypes.OBJECT, **problems(400)},
        examples=[ok_example("Scores", [SCORE_EXAMPLE])],
    )
    def get(self, request: Request) -> Response:
        query = ScoreRangeSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(
            daily_scores_list(
                user_id=request.user.pk,
                tz=user_timezone(request.user),
                start=query.validated_data["start_date"],
                end=query.validated_data["end_date"],
            )
        )


class DailyScoreDetailApi(APIView):
    @extend_schema(
        tags=["scores"],
        parameters=[DAY_PARAMETER],
        summary="One day's score with components, explanations and flags",
        responses={200: OpenApiTypes.OBJECT, **problems(404)},
        examples=[ok_example("Score", SCORE_EXAMPLE)],
    )
    def get(self, request: Request, day: date) -> Response:
        return Response(
            daily_score_get(user_id=request.user.pk, tz=user_timezone(request.user), day=day)
        )
