"""Notification writes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from apps.notifications.models import Notification


def notification_create(*, user_id: UUID, kind: str, title: str, body: str = "",
                        severity: str = "", data: dict[str, Any] | None = None,
                        dedupe_key: str) -> bool:
    """Create an in-app notification once per (user, dedupe_key); True if it was new."""
    _, created = Notification.objects.get_or_create(
        user_id=user_id,
        dedupe_key=dedupe_key,
        defaults={"kind": kind, "title": title, "body": body, "severity": severity,
                  "data": data or {}},
    )
    return created
