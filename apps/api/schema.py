"""Schema helpers: the problem shape declared once and reused by every operation."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    inline_serializer,
)
from rest_framework import serializers

from apps.api.problems import problem_body


class ProblemErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="Dotted path of the field, or null.")
    code = serializers.CharField()
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details with an `errors` list for field errors."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = ProblemErrorSerializer(many=True)


_EXAMPLE_DETAIL = {
    400: (
        "The request has invalid fields; see errors.",
        "validation-error",
        [
            {
                "field": "started_at",
                "code": "naive_datetime",
                "message": "Datetimes need a UTC offset, e.g. 2026-11-26T08:00:00+01:00.",
            }
        ],
    ),
    401: ("Authentication credentials were not provided.", "not-authenticated", []),
    403: ("You do not have permission to perform this action.", "permission-denied", []),
    404: ("Not found.", "not-found", []),
    409: ("The object with this id exists with different content.", "conflict", []),
    413: ("At most 5000 readings per request.", "too-large", []),
    429: ("Request was throttled. Expected available in 42 seconds.", "throttled", []),
    503: ("A backing service is unavailable; try again shortly.", "unavailable", []),
}


def problem_example(status: int) -> dict[str, Any]:
    detail, slug, errors = _EXAMPLE_DETAIL.get(status, (HTTPStatus(status).phrase, None, []))
    return problem_body(status, detail=detail, slug=slug, errors=errors)


def problems(*statuses: int) -> dict[int, OpenApiResponse]:
    """`responses=` entries for the given error statuses, each with an example."""
    return {
        status: OpenApiResponse(
            response=ProblemSerializer,
            description=HTTPStatus(status).phrase,
            examples=[
                OpenApiExample(
                    f"{status} problem",
                    value=problem_example(status),
                    status_codes=[str(status)],
                    response_only=True,
                )
            ],
        )
        for status in statuses
    }


def ok_example(
    name: str, value: Any, *, status: int = 200, request: bool = False
) -> OpenApiExample:
    return OpenApiExample(
        name,
        value=value,
        status_codes=[str(status)],
        response_only=not request,
        request_only=request,
    )


DAY_PARAMETER = OpenApiParameter(
    "day", OpenApiTypes.DATE, OpenApiParameter.PATH, description="A local date, YYYY-MM-DD."
)

DetailSerializer = inline_serializer("Detail", {"detail": serializers.CharField()})


def add_common_problems(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: 401 on authenticated operations and 429 on all of them."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    if "Problem" not in schemas:
        return result
    ref = {"$ref": "#/components/schemas/Problem"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            needs_auth = operation.get("security") != [{}] and "security" in operation
            wanted = [429] + ([401] if needs_auth else [])
            for status in wanted:
                key = str(status)
                if key not in responses:
                    responses[key] = {
                        "content": {
                            "application/problem+json": {
                                "schema": ref,
                                "examples": {
                                    f"Problem{status}": {"value": problem_example(status)}
                                },
                            }
                        },
                        "description": HTTPStatus(status).phrase,
                    }
    return result
