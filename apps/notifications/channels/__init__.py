"""Delivery channels: email, push (FCM HTTP v1) and the in-app inbox."""

from __future__ import annotations

from apps.notifications.channels.base import (
    Channel,
    Outcome,
    PermanentError,
    Progress,
    TransientError,
)
from apps.notifications.channels.email import EmailChannel
from apps.notifications.channels.inapp import InAppChannel
from apps.notifications.channels.push import PushChannel


def default_channels() -> dict[str, Channel]:
    return {"email": EmailChannel(), "push": PushChannel(), "in_app": InAppChannel()}


__all__ = [
    "Channel",
    "EmailChannel",
    "InAppChannel",
    "Outcome",
    "PermanentError",
    "Progress",
    "PushChannel",
    "TransientError",
    "default_channels",
]
