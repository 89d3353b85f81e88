"""Thin generic views for user-owned records: list/create and retrieve/put/patch/delete.

Each domain app subclasses them with its RecordSpec, serializers and time field, and
documents them with `record_schema`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.fields import AwareDateTimeField
from apps.api.pagination import TimeCursorPagination
from apps.api.schema import ok_example, problems
from apps.common import records
from apps.common.records import RecordSpec


class TimeRangeSerializer(serializers.Serializer):
    start = AwareDateTimeField(required=False)
    end = AwareDateTimeField(required=False)

    def validate(self, attrs):
        if "start" in attrs and "end" in attrs and attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": ["end must be after start."]})
        return attrs


TIME_RANGE_PARAMETERS = [
    OpenApiParameter("start", OpenApiTypes.DATETIME, description="Inclusive lower bound."),
    OpenApiParameter("end", OpenApiTypes.DATETIME, description="Exclusive upper bound."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Default 100, at most 1000."),
]


class RecordApiMixin:
    spec: ClassVar[RecordSpec]
    input_serializer: ClassVar[type[serializers.Serializer]]
    output_serializer: ClassVar[type[serializers.Serializer]]
    time_field: ClassVar[str]

    def output(self, instance, request: Request) -> dict[str, Any]:
        return self.output_serializer(instance, context={"request": request}).data

    def to_data(self, validated: dict[str, Any], request: Request) -> dict[str, Any]:
        """Validated input → model field values (apps override to convert units etc.)."""
        return {k: v for k, v in validated.items() if k != "id"}

    def live(self, request: Request) -> QuerySet:
        return self.spec.model.objects.filter(user=request.user, deleted_at__isnull=True)


class RecordListCreateApi(RecordApiMixin, APIView):
    def get(self, request: Request) -> Response:
        bounds = TimeRangeSerializer(data=request.query_params)
        bounds.is_valid(raise_exception=True)
        queryset = self.live(request)
        if "start" in bounds.validated_data:
            queryset = queryset.filter(
                **{f"{self.time_field}__gte": bounds.validated_data["start"]}
            )
        if "end" in bounds.validated_data:
            queryset = queryset.filter(**{f"{self.time_field}__lt": bounds.validated_data["end"]})
        paginator = TimeCursorPagination()
        paginator.ordering = (self.time_field, "id")
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(
            self.output_serializer(page, many=True, context={"request": request}).data
        )

    def post(self, request: Request) -> Response:
        serializer = self.input_serializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        result = records.record_create(
            self.spec,
            user=request.user,
            data=self.to_data(serializer.validated_data, request),
            record_id=serializer.validated_data.get("id"),
        )
        return Response(
            self.output(result.instance, request),
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class RecordDetailApi(RecordApiMixin, APIView):
    def get(self, request: Request, pk) -> Response:
        return Response(
            self.output(records.record_get(self.spec, user=request.user, record_id=pk), request)
        )

    def put(self, request: Request, pk) -> Response:
        serializer = self.input_serializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        result = records.record_put(
            self.spec,
            user=request.user,
            record_id=pk,
            data=self.to_data(serializer.validated_data, request),
        )
        return Response(
            self.output(result.instance, request),
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )

    def patch(self, request: Request, pk) -> Response:
        instance = records.record_get(self.spec, user=request.user, record_id=pk)
        serializer = self.input_serializer(
            data=request.data, partial=True, context={"request": request, "instance": instance}
        )
        serializer.is_valid(raise_exception=True)
        updated = records.record_update(
            self.spec,
            user=request.user,
            instance=instance,
            data=self.to_data(serializer.validated_data, request),
        )
        return Response(self.output(updated, request))

    def delete(self, request: Request, pk) -> Response:
        instance = records.record_get(self.spec, user=request.user, record_id=pk)
        records.record_delete(self.spec, user=request.user, instance=instance)
        return Response(status=status.HTTP_204_NO_CONTENT)


def record_schema(
    *,
    tag: str,
    noun: str,
    input_serializer,
    output_serializer,
    example: dict[str, Any],
    request_example: dict[str, Any],
):
    """extend_schema_view decorators for a list view and a detail view of one record type."""
    list_view = extend_schema_view(
        get=extend_schema(
            tags=[tag],
            summary=f"List {noun}s (oldest first)",
            parameters=TIME_RANGE_PARAMETERS,
            responses={200: output_serializer(many=True), **problems(400)},
            examples=[
                ok_example(f"{noun} page", {"next": None, "previous": None, "results": [example]})
            ],
        ),
        post=extend_schema(
            tags=[tag],
            summary=f"Create a {noun} (idempotent by client id)",
            description="Re-sending the same id with the same content returns the stored "
            "object with 200; the same id with different content is a 409.",
            request=input_serializer,
            responses={201: output_serializer, 200: output_serializer, **problems(400, 409)},
            examples=[
                ok_example(f"New {noun}", request_example, request=True),
                ok_example(f"Created {noun}", example, status=201),
            ],
        ),
    )
    detail_view = extend_schema_view(
        get=extend_schema(
            tags=[tag],
            summary=f"One {noun}",
            responses={200: output_serializer, **problems(404)},
            examples=[ok_example(noun, example)],
        ),
        put=extend_schema(
            tags=[tag],
            summary=f"Replace a {noun}, or create it under this id",
            request=input_serializer,
            responses={200: output_serializer, 201: output_serializer, **problems(400, 404, 409)},
            examples=[
                ok_example(f"{noun} body", request_example, request=True),
                ok_example(noun, example),
            ],
        ),
        patch=extend_schema(
            tags=[tag],
            summary=f"Change some fields of a {noun}",
            request=input_serializer,
            responses={200: output_serializer, **problems(400, 404, 409)},
            examples=[ok_example(noun, example)],
        ),
        delete=extend_schema(
            tags=[tag],
            summary=f"Delete a {noun} (synced as a tombstone)",
            responses={204: None, **problems(404)},
        ),
    )
    return list_view, detail_view
