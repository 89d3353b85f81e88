"""Django-level error handlers (routing, CSRF, crashes) in the same problem shape."""

from django.http import HttpRequest, JsonResponse

from apps.api.problems import problem_response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return problem_response(400, detail="The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return problem_response(403, detail="You do not have permission to perform this action.")


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return problem_response(404, detail="No resource at this address.")


def server_error(request: HttpRequest) -> JsonResponse:
    # Never a traceback in the body (RELIABILITY.md API8).
    return problem_response(500, detail="Something went wrong on our side; it has been logged.")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return problem_response(403, detail="CSRF verification failed.", slug="csrf-failed")
