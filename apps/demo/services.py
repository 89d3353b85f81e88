"""Demo accounts and history so `make run` shows a living product on first start."""

from __future__ import annotations

from collections.abc import Callable

from apps.accounts.models import Role, User
from apps.accounts.services import user_register

DEMO_PASSWORD = "lowtide-demo-2026"
DEMO_MEMBER = "demo@lowtide.local"
DEMO_COACH = "coach@lowtide.local"


def demo_user_ensure(
    *, email: str, role: str = Role.MEMBER, tz: str = "Europe/Berlin", display_name: str = ""
) -> tuple[User, bool]:
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user, False
    user = user_register(email=email, password=DEMO_PASSWORD, timezone_name=tz, role=role)
    if display_name:
        user.display_name = display_name
        user.save(update_fields=["display_name"])
    return user, True


def demo_seed(*, say: Callable[[str], None] = print) -> None:
    _member, created = demo_user_ensure(email=DEMO_MEMBER, display_name="Dana Demo")
    say(f"demo member {'created' if created else 'exists'}: {DEMO_MEMBER}")
    _coach, created = demo_user_ensure(
        email=DEMO_COACH, role=Role.COACH, display_name="Casey Coach"
    )
    say(f"demo coach {'created' if created else 'exists'}: {DEMO_COACH}")
