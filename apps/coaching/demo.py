"""Demo consent: `make run` shows the demo coach with three consenting clients."""

from __future__ import annotations

from apps.accounts.models import User
from apps.coaching.models import CoachClientLink


def demo_clients_link(*, coach: User, clients: list[User]) -> int:
    """Give `coach` active consent from each client (idempotent); returns links created."""
    linked = set(
        CoachClientLink.objects.filter(
            coach=coach, client__in=clients, revoked_at__isnull=True
        ).values_list("client_id", flat=True)
    )
    new = [
        CoachClientLink(coach=coach, client=client)
        for client in clients
        if client.pk not in linked and client.pk != coach.pk
    ]
    CoachClientLink.objects.bulk_create(new)
    return len(new)
