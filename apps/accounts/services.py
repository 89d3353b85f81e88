"""Account writes: registration, profile changes, sign-in, sign-out, erasure."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate, user_logged_in
from django.db import transaction
from django.utils import timezone
from rest_framework import exceptions
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from apps.accounts.models import Profile, User
from apps.common.errors import DomainError

EMAIL_TAKEN = "An account with this email already exists."
WRONG_PASSWORD = "The password is not correct."
BAD_CREDENTIALS = "No active account found with the given credentials."
ACCOUNT_LOCKED = "Too many failed sign-ins for this account; try again in 15 minutes."

# Profile fields whose change alters past scores (SCORING.md inputs).
SCORE_FIELDS = {
    "timezone",
    "sex",
    "birth_date",
    "height_cm",
    "weight_kg",
    "activity_level",
    "maintenance_kcal",
    "tracking_start",
    "medical_context",
}


@transaction.atomic
def user_register(
    *, email: str, password: str, timezone_name: str | None = None, role: str = "member"
) -> User:
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise DomainError(EMAIL_TAKEN, field="email", code="unique")
    user = User.objects.create_user(email=email, password=password, role=role)
    Profile.objects.create(
        user=user, timezone=timezone_name or "UTC", tracking_start=user.date_joined
    )
    return user


def profile_update(*, user: User, data: dict[str, Any]) -> Profile:
    """Apply validated /me/ fields; score-relevant changes dirty the scored history."""
    with transaction.atomic():
        profile = Profile.objects.select_for_update().get(user=user)
        changed: set[str] = set()
        if "display_name" in data and data["display_name"] != user.display_name:
            user.display_name = data["display_name"]
            user.save(update_fields=["display_name"])
        for name, value in data.items():
            if name == "display_name":
                continue
            if getattr(profile, name) != value:
                setattr(profile, name, value)
                changed.add(name)
        if changed:
            profile.full_clean()
            profile.save()
        if changed & SCORE_FIELDS:
            from apps.scoring.services import score_history_mark_dirty

            score_history_mark_dirty(user_id=user.id)
    user.profile = profile
    return profile


def auth_login(*, request, email: str, password: str) -> User:
    """Authenticate with per-account lockout (django-axes) and return the user."""
    credentials = {settings.AXES_USERNAME_FORM_FIELD: email.strip().lower()}
    if AxesProxyHandler.is_locked(request, credentials):
        raise exceptions.Throttled(
            wait=int(settings.AXES_COOLOFF_TIME.total_seconds()), detail=ACCOUNT_LOCKED
        )
    user = authenticate(request=request, email=credentials["email"], password=password)
    if user is None or not user.is_active:
        if getattr(request, "axes_locked_out", False):
            raise exceptions.Throttled(
                wait=int(settings.AXES_COOLOFF_TIME.total_seconds()), detail=ACCOUNT_LOCKED
            )
        raise exceptions.AuthenticationFailed(BAD_CREDENTIALS)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return user


def auth_tokens_issue(*, user: User) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def auth_logout(*, refresh: str) -> None:
    try:
        RefreshToken(refresh).blacklist()
    except TokenError as exc:
        raise exceptions.AuthenticationFailed(str(exc), code="token_not_valid") from None


def tokens_revoke_all(*, user: User) -> int:
    """Blacklist every outstanding refresh token of the user; returns how many."""
    outstanding = list(
        OutstandingToken.objects.filter(user=user, expires_at__gt=timezone.now())
        .exclude(blacklistedtoken__isnull=False)
        .values_list("id", flat=True)
    )
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token_id=token_id) for token_id in outstanding],
        ignore_conflicts=True,
    )
    return len(outstanding)


@transaction.atomic
def user_erase(*, user: User, password: str) -> None:
    """GDPR erasure: every health row goes with the user (FK cascades)."""
    if not user.check_password(password):
        raise DomainError(WRONG_PASSWORD, field="password", code="wrong_password")
    tokens_revoke_all(user=user)
    # Outstanding tokens keep no user link after this (SET_NULL), so revoke first.
    user.delete()
