"""Coaching writes: invites, consent, revocation, notes, flag acknowledgement."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import Role, User
from apps.coaching.models import (
    INVITE_TTL_DAYS,
    INVITES_PER_DAY,
    NOTE_MAX_CHARS,
    CoachClientLink,
    CoachInvite,
    CoachNote,
)
from apps.common.errors import DomainError, NotFound
from apps.scoring.models import SafetyFlag

INVITE_LIMIT = f"At most {INVITES_PER_DAY} invite codes per coach per day."
INVITE_INVALID = "This invite code is not valid: it is unknown, already used or expired."
INVITE_OWN = "You cannot accept your own invite code."
NOTE_EMPTY = "A note needs some text."
NOTE_TOO_LONG = f"A note has at most {NOTE_MAX_CHARS} characters."

# Crockford base32 without I, L, O, U: codes are read aloud and typed on phones.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_CHARS = 10  # 50 bits: unguessable within the 7-day lifetime at any request rate we allow


class InviteLimitReached(DomainError):
    status = 429
    code = "invite_limit"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class NewInvite:
    invite: CoachInvite
    code: str  # shown once; only its digest is stored


@dataclass(frozen=True)
class AcceptResult:
    link: CoachClientLink
    created: bool


def invite_code_normalise(code: str) -> str:
    """Upper-case, without separators or spaces; O/I/L typed by mistake read as 0/1/1."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def _digest(normalised: str) -> str:
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_CHARS))
    return f"{raw[:5]}-{raw[5:]}"


def invite_create(*, coach: User, now: datetime | None = None) -> NewInvite:
    """A fresh single-use code valid for 7 days; at most 20 per coach per rolling day."""
    now = now or timezone.now()
    with transaction.atomic():
        # The coach's row lock serialises concurrent creates, so the limit cannot be raced.
        User.objects.select_for_update().filter(pk=coach.pk).first()
        window_start = now - timedelta(days=1)
        recent = list(
            CoachInvite.objects.filter(coach=coach, created_at__gt=window_start)
            .order_by("created_at")
            .values_list("created_at", flat=True)[:INVITES_PER_DAY]
        )
        if len(recent) >= INVITES_PER_DAY:
            wait = recent[0] + timedelta(days=1) - now
            raise InviteLimitReached(INVITE_LIMIT, retry_after=max(1, int(wait.total_seconds())))
        code = _new_code()
        invite = CoachInvite.objects.create(
            coach=coach,
            code_digest=_digest(invite_code_normalise(code)),
            created_at=now,
            expires_at=now + timedelta(days=INVITE_TTL_DAYS),
        )
    return NewInvite(invite=invite, code=code)


def invite_accept(*, member: User, code: str, now: datetime | None = None) -> AcceptResult:
    """Consume the code and grant its coach read access to the member's data from now on."""
    now = now or timezone.now()
    normalised = invite_code_normalise(code)
    with transaction.atomic():
        invite = (
            CoachInvite.objects.select_for_update()
            .select_related("coach")
            .filter(code_digest=_digest(normalised), used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if invite is None or invite.coach.role != Role.COACH or not invite.coach.is_active:
            raise DomainError(INVITE_INVALID, field="code", code="invalid_code")
        if invite.coach_id == member.pk:
            raise DomainError(INVITE_OWN, field="code", code="own_code")
        invite.used_at = now
        invite.used_by = member
        invite.save(update_fields=["used_at", "used_by"])
        existing = CoachClientLink.objects.filter(
            coach_id=invite.coach_id, client=member, revoked_at__isnull=True
        ).first()
        if existing is not None:
            return AcceptResult(link=existing, created=False)
        try:
            with transaction.atomic():
                link = CoachClientLink.objects.create(
                    coach_id=invite.coach_id, client=member, invite=invite, granted_at=now
                )
        except IntegrityError:  # a parallel accept of another code by the same coach won
            link = CoachClientLink.objects.get(
                coach_id=invite.coach_id, client=member, revoked_at__isnull=True
            )
            return AcceptResult(link=link, created=False)
    return AcceptResult(link=link, created=True)


def coach_revoke(*, member: User, coach_id: UUID, now: datetime | None = None) -> None:
    """End a coach's access at once; an unknown or already revoked coach is 404."""
    updated = CoachClientLink.objects.filter(
        client=member, coach_id=coach_id, revoked_at__isnull=True
    ).update(revoked_at=now or timezone.now())
    if not updated:
        raise NotFound("Not found.")


def coach_note_create(*, coach: User, client: User, body: str) -> CoachNote:
    text = body.replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL
    if not text:
        raise DomainError(NOTE_EMPTY, field="body", code="blank")
    if len(text) > NOTE_MAX_CHARS:
        raise DomainError(NOTE_TOO_LONG, field="body", code="max_length")
    return CoachNote.objects.create(coach=coach, client=client, body=text)


def coach_note_delete(*, coach: User, client: User, note_id: UUID) -> None:
    deleted, _ = CoachNote.objects.filter(pk=note_id, coach=coach, client=client).delete()
    if not deleted:
        raise NotFound("Not found.")


def safety_flag_acknowledge(
    *, actor: User, flag_id: int, client_ids: list[UUID] | None = None
) -> SafetyFlag:
    """Mark a flag seen. `client_ids` restricts it to the coach's consenting clients (404
    otherwise); acknowledging twice keeps the first acknowledgement."""
    if not 0 < flag_id < 2**63:  # beyond bigint the database would raise, not answer 404
        raise NotFound("Not found.")
    queryset = SafetyFlag.objects.filter(pk=flag_id)
    if client_ids is not None:
        queryset = queryset.filter(user_id__in=client_ids)
    queryset.filter(acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=actor
    )
    flag = queryset.first()
    if flag is None:
        raise NotFound("Not found.")
    return flag
