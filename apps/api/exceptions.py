"""The DRF exception handler: every error leaves as problem details."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.api.problems import PROBLEM_CONTENT_TYPE, flatten_errors, problem_body
from apps.common.errors import DomainError, ValidationFailed

logger = logging.getLogger(__name__)


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "A backing service is unavailable; try again shortly."
    default_code = "unavailable"


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = _to_api_exception(exc)
    if exc is None:
        return None  # a genuine bug: Django's handler500 answers with a problem body
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail
    errors: list[dict[str, Any]] = []
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(detail)
        message = "The request has invalid fields; see errors."
        if len(errors) == 1 and errors[0]["field"] is None:
            message = errors[0]["message"]
    elif isinstance(detail, dict | list):
        errors = flatten_errors(detail)
        message = errors[0]["message"] if errors else str(exc.default_detail)
    else:
        message = str(detail)
    slug = _slug(exc)
    response.data = problem_body(response.status_code, detail=message, slug=slug, errors=errors)
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def _slug(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "validation-error"
    code = exc.get_codes() if not isinstance(exc.detail, dict | list) else exc.default_code
    return str(code).replace("_", "-")


def _to_api_exception(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, ValidationFailed):
        return exceptions.ValidationError(_group(exc.errors))
    if isinstance(exc, DomainError):
        if exc.status == 400:
            key = exc.field or "non_field_errors"
            return exceptions.ValidationError(
                {key: [exceptions.ErrorDetail(exc.message, code=exc.code)]}
            )
        api_exc = exceptions.APIException(exc.message, code=exc.code)
        api_exc.status_code = exc.status
        return api_exc
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(
                {
                    k: [
                        exceptions.ErrorDetail(str(m), code=getattr(e, "code", None) or "invalid")
                        for e in v
                        for m in e
                    ]
                    for k, v in exc.error_dict.items()
                }
            )
        return exceptions.ValidationError([str(m) for m in exc.messages])
    if isinstance(exc, OperationalError | DatabaseError) and _is_unavailable(exc):
        logger.warning("database unavailable: %s", type(exc).__name__)
        return ServiceUnavailable("The database is unavailable; try again shortly.")
    return None


def _group(errors: list[tuple[str | None, str, str]]) -> dict[str, list[exceptions.ErrorDetail]]:
    grouped: dict[str, list[exceptions.ErrorDetail]] = {}
    for field, code, msg in errors:
        grouped.setdefault(field or "non_field_errors", []).append(
            exceptions.ErrorDetail(msg, code=code)
        )
    return grouped


def _is_unavailable(exc: Exception) -> bool:
    # Connection failures and statement timeouts are outages, not bugs in the request.
    text = str(exc).lower()
    return isinstance(exc, OperationalError) or "statement timeout" in text
