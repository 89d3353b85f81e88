"""Domain errors raised by services; the API layer turns them into problem details."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken. `status` is the HTTP status the API answers with."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class ValidationFailed(DomainError):
    """Several field errors at once: `errors` is a list of (field, code, message)."""

    def __init__(self, errors: list[tuple[str | None, str, str]]):
        super().__init__(errors[0][2] if errors else "Invalid input.")
        self.errors = errors


class Conflict(DomainError):
    status = 409
    code = "conflict"


class NotFound(DomainError):
    status = 404
    code = "not_found"
