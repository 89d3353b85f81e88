from __future__ import annotations

from apps.accounts.models import User


def user_get_with_profile(*, user_id) -> User:
    return User.objects.select_related("profile").get(pk=user_id)
