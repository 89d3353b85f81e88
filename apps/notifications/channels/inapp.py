"""The in-app inbox: a Notification row, unique per (user, dedupe key)."""

from __future__ import annotations

from apps.notifications.channels.base import Outcome, Progress
from apps.notifications.rendering import Envelope, inbox_for
from apps.notifications.services import notification_create


class InAppChannel:
    name = "in_app"

    def send(self, envelope: Envelope, progress: Progress) -> Outcome:
        notification_create(user_id=envelope.user.pk, **inbox_for(envelope))
        return Outcome.delivered()
