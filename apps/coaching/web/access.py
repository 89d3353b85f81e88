"""Who may use /coach/: signed-in coaches, and for client URLs only consenting clients."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import UUID

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from apps.accounts.models import Role
from apps.coaching.selectors import coach_client_get
from apps.common.errors import NotFound

View = Callable[..., HttpResponse]


def error_page(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return render(
        request, "coaching/error.html", {"status": status, "message": message}, status=status
    )


def is_coach(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.COACH)


def coach_required(view: View) -> View:
    """Anonymous → the coach sign-in page; signed in without the coach role → 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url=reverse("coach:login"))
        if not is_coach(request.user):
            return error_page(request, 403, "The coach area is for coach accounts only.")
        response = view(request, *args, **kwargs)
        # Health data: never kept by shared caches or the browser's back-forward cache.
        response.setdefault("Cache-Control", "private, no-store")
        return response

    return wrapper


def coach_client_view(view: View) -> View:
    """Resolves `client_id` to a consenting client of the signed-in coach, else 404 —
    whether the id is unknown, someone else's client, or consent was revoked a second ago."""

    @coach_required
    @wraps(view)
    def wrapper(request: HttpRequest, client_id: UUID, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            client = coach_client_get(coach=request.user, client_id=client_id)
        except NotFound:
            return error_page(request, 404, "No client at this address.")
        return view(request, client, *args, **kwargs)

    return wrapper
