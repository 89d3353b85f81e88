from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.exceptions import PayloadTooLarge
from apps.api.records import RecordDetailApi, RecordListCreateApi, record_schema
from apps.api.schema import ok_example, problems
from apps.common.records import user_timezone
from apps.glucose.bulk import MAX_BATCH, glucose_readings_ingest
from apps.glucose.selectors import glucose_metrics_range
from apps.glucose.serializers import (
    BulkInputSerializer,
    BulkResultSerializer,
    GlucoseReadingInputSerializer,
    GlucoseReadingSerializer,
    MetricsQuerySerializer,
)
from apps.glucose.services import GLUCOSE_READING, glucose_value_to_mgdl

EXAMPLE = {
    "id": "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    "measured_at": "2026-11-26T06:05:00Z",
    "value_mgdl": 92.0,
    "value": 92.0,
    "unit": "mg/dL",
    "censored": "",
    "source": "cgm",
    "device": "dexcom-g7-1234",
    "trend": "flat",
    "created_at": "2026-11-26T06:10:00Z",
    "updated_at": "2026-11-26T06:10:00Z",
}
REQUEST = {
    "id": EXAMPLE["id"],
    "measured_at": "2026-11-26T07:05:00+01:00",
    "value": 5.1,
    "unit": "mmol/L",
    "source": "cgm",
    "device": "dexcom-g7-1234",
    "trend": "flat",
}

list_schema, detail_schema = record_schema(
    tag="glucose",
    noun="glucose reading",
    input_serializer=GlucoseReadingInputSerializer,
    output_serializer=GlucoseReadingSerializer,
    example=EXAMPLE,
    request_example=REQUEST,
)


class ReadingMixin:
    spec = GLUCOSE_READING
    input_serializer = GlucoseReadingInputSerializer
    output_serializer = GlucoseReadingSerializer
    time_field = "measured_at"

    def to_data(self, validated, request):
        data = {k: v for k, v in validated.items() if k not in ("id", "value", "unit")}
        if "value" in validated:
            data["value_mgdl"], data["censored"] = glucose_value_to_mgdl(
                value=validated["value"], unit=validated.get("unit", "mg/dL")
            )
        if data.get("trend") is None and "trend" in data:
            data["trend"] = ""
        return data


@list_schema
class GlucoseReadingListApi(ReadingMixin, RecordListCreateApi):
    pass


@detail_schema
class GlucoseReadingDetailApi(ReadingMixin, RecordDetailApi):
    pass


class GlucoseBulkApi(APIView):
    @extend_schema(
        tags=["glucose"],
        summary="Upload up to 5,000 readings at once (CGM sync)",
        description="Valid readings are stored even when others are rejected; duplicates by "
        "id or by (device, measured_at) are counted and not stored twice.",
        request=BulkInputSerializer,
        responses={200: BulkResultSerializer, **problems(400, 413)},
        examples=[
            ok_example(
                "Batch",
                {
                    "readings": [
                        REQUEST,
                        {
                            **REQUEST,
                            "id": None,
                            "measured_at": "2026-11-26T07:10:00+01:00",
                            "value": "LOW",
                        },
                    ]
                },
                request=True,
            ),
            ok_example(
                "Result",
                {
                    "created": 1,
                    "duplicates": 0,
                    "rejected": [
                        {
                            "index": 1,
                            "errors": [
                                {
                                    "field": "id",
                                    "code": "invalid",
                                    "message": "Must be a valid UUID.",
                                }
                            ],
                        }
                    ],
                },
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        data = request.data
        if not isinstance(data, dict) or not isinstance(data.get("readings"), list):
            raise ValidationError({"readings": ["A list of readings is required."]})
        if len(data["readings"]) > MAX_BATCH:
            raise PayloadTooLarge(f"At most {MAX_BATCH} readings per request; split the batch.")
        result = glucose_readings_ingest(user=request.user, readings=data["readings"])
        return Response(
            {
                "created": result.created,
                "duplicates": result.duplicates,
                "rejected": result.rejected,
            }
        )


class GlucoseMetricsApi(APIView):
    @extend_schema(
        tags=["glucose"],
        summary="Consensus CGM metrics over local days",
        parameters=[
            OpenApiParameter("start_date", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end_date", OpenApiTypes.DATE, required=True),
            OpenApiParameter("agp", OpenApiTypes.BOOL, description="Add AGP percentiles."),
        ],
        responses={200: OpenApiTypes.OBJECT, **problems(400)},
        examples=[
            ok_example(
                "Metrics",
                {
                    "start_date": "2026-11-20",
                    "end_date": "2026-11-26",
                    "timezone": "Europe/Berlin",
                    "period": {
                        "readings": 2016,
                        "active_percent": 100.0,
                        "mean_mgdl": 98.2,
                        "sd_mgdl": 16.1,
                        "cv_percent": 16.4,
                        "gmi_percent": 5.66,
                        "tir_percent": 98.9,
                        "tbr_percent": 0.6,
                        "tbr_level2_percent": 0.0,
                        "tar_percent": 0.5,
                        "tar_level2_percent": 0.0,
                        "hypo_events_l1": 0,
                        "hypo_events_l2": 0,
                        "hyper_events_l2": 0,
                        "sufficient": False,
                        "days": 7,
                        "interval_minutes": 5.0,
                    },
                    "days": [],
                },
            )
        ],
    )
    def get(self, request: Request) -> Response:
        query = MetricsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(
            glucose_metrics_range(
                user_id=request.user.pk, tz=user_timezone(request.user), **query.validated_data
            )
        )
