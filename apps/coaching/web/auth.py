"""Session sign-in for the coach web admin (django-axes guards it like the API login)."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.services import ACCOUNT_LOCKED
from apps.coaching.web.access import error_page, is_coach

BAD_LOGIN = "Email or password is not correct."
NOT_A_COACH = "This sign-in is for coach accounts only."


class CoachLoginForm(forms.Form):
    email = forms.EmailField(max_length=254)
    password = forms.CharField(max_length=256, widget=forms.PasswordInput)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and target.startswith("/coach/"):
        return target
    return reverse("coach:clients")


def _throttled(request: HttpRequest) -> HttpResponse | None:
    """The API's per-IP login throttle guards this door too (one budget for both)."""
    # Imported here: apps.api.exceptions pulls in DRF's settings, which import our parsers.
    from apps.api.exceptions import ServiceUnavailable
    from apps.api.throttling import LoginRateThrottle

    throttle = LoginRateThrottle()
    try:
        allowed = throttle.allow_request(request, None)
    except ServiceUnavailable:  # the cache is down: fail closed, as the API does
        return error_page(request, 503, "Sign-in is temporarily unavailable; try again soon.")
    if allowed:
        return None
    response = error_page(request, 429, "Too many sign-in attempts; try again in a minute.")
    response["Retry-After"] = str(int(throttle.wait() or 60))
    return response


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and is_coach(request.user):
        return redirect(_next_url(request))
    if request.method == "POST":
        refused = _throttled(request)
        if refused is not None:
            return refused
    form = CoachLoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        credentials = {settings.AXES_USERNAME_FORM_FIELD: email}
        if AxesProxyHandler.is_locked(request, credentials):
            form.add_error(None, ACCOUNT_LOCKED)
            status = 429
        else:
            user = authenticate(
                request=request, email=email, password=form.cleaned_data["password"]
            )
            if getattr(request, "axes_locked_out", False):
                form.add_error(None, ACCOUNT_LOCKED)
                status = 429
            elif user is None or not user.is_active:
                form.add_error(None, BAD_LOGIN)
                status = 400
            elif not is_coach(user):
                form.add_error(None, NOT_A_COACH)
                status = 403
            else:
                login(request, user)
                return redirect(_next_url(request))
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "coaching/login.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("coach:login")
