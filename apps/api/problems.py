"""RFC 9457 problem details: the one error shape of the API (API.md, DESIGN.md rule 4)."""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from django.http import JsonResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_type(slug: str) -> str:
    return f"urn:lowtide:problem:{slug}"


def problem_body(
    status: int,
    *,
    detail: str,
    slug: str | None = None,
    title: str | None = None,
    errors: Iterable[dict[str, Any]] = (),
) -> dict[str, Any]:
    phrase = HTTPStatus(status).phrase
    return {
        "type": problem_type(slug or phrase.lower().replace(" ", "-").replace("'", "")),
        "title": title or phrase,
        "status": status,
        "detail": detail,
        "errors": list(errors),
    }


def problem_response(status: int, *, detail: str, **kwargs: Any) -> JsonResponse:
    """A plain Django response for errors raised outside DRF (404 routes, CSRF, 500)."""
    return JsonResponse(
        problem_body(status, detail=detail, **kwargs),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def flatten_errors(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error detail → [{field, code, message}] with dotted field paths."""
    out: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            field = prefix if key in ("non_field_errors", "__all__") else _join(prefix, key)
            out.extend(flatten_errors(value, field))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            for item in detail:
                out.append(_entry(prefix, item))
        else:
            for index, item in enumerate(detail):
                out.extend(flatten_errors(item, _join(prefix, str(index))))
    else:
        out.append(_entry(prefix, detail))
    return out


def _join(prefix: str, key: Any) -> str:
    return f"{prefix}.{key}" if prefix else str(key)


def _entry(field: str, item: Any) -> dict[str, str]:
    return {
        "field": field or None,
        "code": getattr(item, "code", None) or "invalid",
        "message": str(item),
    }
