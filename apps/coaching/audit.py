"""Writing the audit trail: one row per (request, client viewed), in one INSERT."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.http import HttpRequest

from apps.coaching.models import AuditEvent


def _ip(request: HttpRequest) -> str | None:
    # NUM_PROXIES is 0 by default: REMOTE_ADDR is the only address we can trust.
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    request: HttpRequest,
    subject_ids: Iterable[UUID],
    action: str,
    object_type: str = "",
    object_id: str = "",
) -> int:
    """Append one audit row per distinct subject; returns how many were written."""
    actor = request.user
    unique = list(dict.fromkeys(subject_ids))
    if not unique:
        return 0
    common = {
        "actor_id": actor.pk,
        "actor_email": actor.email,
        "actor_role": "staff" if actor.is_staff else getattr(actor, "role", ""),
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id)[:64],
        "ip": _ip(request),
        "request_id": getattr(request, "request_id", "")[:64],
        "path": request.path[:300],
    }
    AuditEvent.objects.bulk_create([AuditEvent(subject_id=sid, **common) for sid in unique])
    return len(unique)
