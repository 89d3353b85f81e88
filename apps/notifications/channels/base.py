"""The small interface every channel implements, and the errors it may raise.

A channel sends one envelope and reports `sent` or `skipped`; it raises TransientError
for what a retry may fix (timeouts, 4xx SMTP replies, 429/5xx from a gateway) and
PermanentError for what it will not. The delivery loop owns claims, retries and bounds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from apps.notifications.rendering import Envelope


class TransientError(Exception):
    """Worth retrying. `code` is a short PHI-free reason; `retry_after` a hint in seconds."""

    def __init__(self, code: str, *, retry_after: float | None = None):
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after


class PermanentError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Outcome:
    sent: bool
    detail: str = ""

    @classmethod
    def delivered(cls, detail: str = "") -> Outcome:
        return cls(True, detail)

    @classmethod
    def skipped(cls, reason: str) -> Outcome:
        return cls(False, reason)


@dataclass
class Progress:
    """State a channel keeps across retries of one delivery (saved at once, not at the end)."""

    data: dict[str, Any] = field(default_factory=dict)
    save: Callable[[dict[str, Any]], None] = lambda data: None

    def update(self, **values: Any) -> None:
        self.data.update(values)
        self.save(self.data)


class Channel(Protocol):
    name: str

    def send(self, envelope: Envelope, progress: Progress) -> Outcome: ...
