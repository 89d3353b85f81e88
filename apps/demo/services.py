"""Demo accounts and history so `make run` shows a living product on first start."""

from __future__ import annotations

from collections.abc import Callable

from apps.accounts.models import Role, User
from apps.accounts.services import user_register
from apps.demo.history import demo_history_create

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


# The coach's three clients, each with a different pattern (issue: coach web admin).
DEMO_CLIENTS = [
    ("sam.steady@lowtide.local", "Sam Steady", "steady", "Europe/London"),
    ("erin.extended@lowtide.local", "Erin Extended", "extended", "America/New_York"),
    ("ira.irregular@lowtide.local", "Ira Irregular", "irregular", "Asia/Kolkata"),
]


def demo_seed(*, say: Callable[[str], None] = print) -> None:
    member, created = demo_user_ensure(email=DEMO_MEMBER, display_name="Dana Demo")
    say(f"demo member {'created' if created else 'exists'}: {DEMO_MEMBER}")
    _report(say, DEMO_MEMBER, demo_history_create(user=member, pattern="demo"))
    coach, created = demo_user_ensure(email=DEMO_COACH, role=Role.COACH, display_name="Casey Coach")
    say(f"demo coach {'created' if created else 'exists'}: {DEMO_COACH}")
    clients = []
    for email, name, pattern, tz in DEMO_CLIENTS:
        client, _ = demo_user_ensure(email=email, display_name=name, tz=tz)
        _report(say, email, demo_history_create(user=client, pattern=pattern))
        clients.append(client)
    _link_clients(coach, clients, say)
    _compute_scores(say)


def _report(say: Callable[[str], None], email: str, counts: dict[str, int]) -> None:
    if counts["readings"]:
        say(
            f"  {email}: {counts['readings']} CGM readings, {counts['meals']} meals, "
            f"{counts['fasts']} fasts"
        )


def _link_clients(coach: User, clients: list[User], say: Callable[[str], None]) -> None:
    try:
        from apps.coaching.demo import demo_clients_link
    except ImportError:  # the coaching app is optional for the demo
        return
    demo_clients_link(coach=coach, clients=clients)
    say(f"  {coach.email} coaches {len(clients)} consenting clients")


def _compute_scores(say: Callable[[str], None]) -> None:
    try:
        from apps.scoring.services import score_dirty_days_recompute_all
    except ImportError:
        return
    say("computing daily scores ...")
    count = score_dirty_days_recompute_all()
    say(f"  {count} daily scores computed")
