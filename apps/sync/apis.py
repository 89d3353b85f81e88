"""WatermelonDB pull and push (SYNC.md, docs/sync.md): thin views over pull.py and push.py."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.exceptions import ConflictError
from apps.api.schema import ok_example, problems
from apps.sync.pull import sync_pull
from apps.sync.push import SyncConflict, sync_push_apply
from apps.sync.serializers import (
    PullQuerySerializer,
    PushQuerySerializer,
    SyncChangesSerializer,
    SyncPullResponseSerializer,
    SyncPushResponseSerializer,
    push_body_parse,
)

MEAL = {
    "id": "5b0e2f4c-3a1d-4e8b-9c7f-2d6a1b0c9e8f",
    "eaten_at": 1795420800000,
    "name": "Lentil soup",
    "kcal": 520.0,
    "protein_g": 28.0,
    "carbs_g": 60.0,
    "fat_g": 12.0,
    "fiber_g": 14.0,
    "leucine_g": 2.1,
}
READING = {
    "id": "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    "measured_at": 1795417500000,
    "value_mgdl": 92.0,
    "censored": "",
    "source": "cgm",
    "device": "dexcom-g7-1234",
    "trend": "flat",
}
PULL_EXAMPLE = {
    "changes": {
        "fasting_windows": {"created": [], "updated": [], "deleted": []},
        "meals": {"created": [], "updated": [MEAL], "deleted": []},
        "glucose_readings": {
            "created": [],
            "updated": [READING],
            "deleted": ["0d3c8f9e-1b2a-4c5d-8e7f-6a5b4c3d2e1f"],
        },
        "exercise_sessions": {"created": [], "updated": [], "deleted": []},
        "day_confirmations": {"created": [], "updated": [], "deleted": []},
    },
    "timestamp": 1042,
}
PUSH_EXAMPLE = {
    "meals": {
        "created": [{**MEAL, "_status": "created", "_changed": ""}],
        "updated": [],
        "deleted": [],
    },
    "glucose_readings": {
        "created": [{**READING, "value_mgdl": 900.0, "_status": "created", "_changed": ""}],
        "updated": [],
        "deleted": ["0d3c8f9e-1b2a-4c5d-8e7f-6a5b4c3d2e1f"],
    },
}
PUSH_RESULT = {
    "experimentalRejectedIds": {"glucose_readings": [READING["id"]]},
    "rejected": [
        {
            "table": "glucose_readings",
            "id": READING["id"],
            "errors": [
                {
                    "field": "value_mgdl",
                    "code": "max_value",
                    "message": "Ensure this value is less than or equal to 600.",
                }
            ],
        }
    ],
}
CURSOR = OpenApiParameter(
    "last_pulled_at",
    OpenApiTypes.INT64,
    description="The `timestamp` of the previous pull; absent, `null` or `0` for a full sync.",
)


class SyncPullApi(APIView):
    @extend_schema(
        tags=["sync"],
        summary="WatermelonDB pull: every change since last_pulled_at",
        description="Live rows come in `updated` (configure `sendCreatedAsUpdated: true`), "
        "deleted ids in `deleted`, datetimes as epoch milliseconds. `timestamp` is the "
        "cursor for the next pull and push; it never skips a change and never goes back.",
        parameters=[
            CURSOR,
            OpenApiParameter("schema_version", OpenApiTypes.INT, description="Client schema."),
            OpenApiParameter(
                "migration",
                OpenApiTypes.STR,
                description='JSON `{"from": 1, "tables": [...], "columns": [{"table", '
                '"columns"}]}` from WatermelonDB after a schema upgrade, or null.',
            ),
            OpenApiParameter(
                "tables",
                OpenApiTypes.STR,
                description="Comma-separated tables the client has (default: all). A client "
                "on an older schema leaves out tables it does not know yet.",
            ),
        ],
        responses={200: SyncPullResponseSerializer, **problems(400)},
        examples=[ok_example("Changes", PULL_EXAMPLE)],
    )
    def get(self, request: Request) -> HttpResponse:
        query = PullQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        result = sync_pull(
            user=request.user,
            last_pulled_at=query.validated_data["last_pulled_at"],
            tables=query.validated_data.get("tables"),
            migration=query.validated_data["migration"],
        )
        if result.large:  # a first sync of a year of CGM data: never one big buffer
            response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
                result.chunks, content_type="application/json"
            )
        else:
            response = HttpResponse(b"".join(result.chunks), content_type="application/json")
        response["Cache-Control"] = "private, no-store"
        return response


class SyncPushApi(APIView):
    @extend_schema(
        tags=["sync"],
        summary="WatermelonDB push: apply local changes in one transaction",
        description='Body: the `changes` object (or `{"changes": ...}`). Rows that fail '
        "validation or belong to someone else are listed in `experimentalRejectedIds` and "
        "the rest is applied. 409 when a pushed row changed on the server after "
        "last_pulled_at: pull, then push again.",
        parameters=[
            OpenApiParameter(
                "last_pulled_at",
                OpenApiTypes.INT64,
                required=True,
                description="The `timestamp` of the pull this push follows.",
            )
        ],
        request=SyncChangesSerializer,
        responses={200: SyncPushResponseSerializer, **problems(400, 409, 413)},
        examples=[
            ok_example("Local changes", PUSH_EXAMPLE, request=True),
            ok_example("One row refused", PUSH_RESULT),
        ],
    )
    def post(self, request: Request) -> Response:
        changes, body_cursor = push_body_parse(request.data)
        query = PushQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        cursor = query.validated_data["last_pulled_at"]
        if cursor is None and body_cursor is not None:  # `{"changes", "lastPulledAt"}` bodies
            query = PushQuerySerializer(data={"last_pulled_at": body_cursor})
            query.is_valid(raise_exception=True)
            cursor = query.validated_data["last_pulled_at"]
        if cursor is None:
            raise ValidationError(
                {"last_pulled_at": [ErrorDetail("The cursor of your last pull.", "required")]}
            )
        try:
            outcome = sync_push_apply(user=request.user, changes=changes, last_pulled_at=cursor)
        except SyncConflict as exc:
            raise ConflictError(
                {
                    f"{table}.{record_id}": [ErrorDetail(exc.message, code="changed_on_server")]
                    for table, ids in exc.ids.items()
                    for record_id in ids
                }
            ) from None
        return Response(
            {"experimentalRejectedIds": outcome.rejected_ids, "rejected": outcome.rejections}
        )
