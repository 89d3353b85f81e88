"""Firebase Cloud Messaging HTTP v1 sender (one message per registration token).

Request: POST {endpoint}/v1/projects/{project_id}/messages:send with an OAuth 2 bearer
token and `{"message": {"token", "notification": {"title", "body"}, "data": {str: str},
"android", "apns"}}`; success answers 200 `{"name": "projects/.../messages/..."}`.
Errors answer `{"error": {"code", "status", "details": [{"errorCode"}]}}`: 404 /
UNREGISTERED means the token is dead; 429 and 5xx are worth retrying (Retry-After).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from apps.notifications.channels.base import PermanentError, TransientError

FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
RETRYABLE_STATUSES = {429, 500, 502, 503, 504}
DEAD_TOKEN_CODES = {"UNREGISTERED", "SENDER_ID_MISMATCH"}


class InvalidToken(Exception):
    """The gateway says this registration token will never work again."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class AccessTokens:
    """OAuth 2 access tokens: a static one (local gateways, tests) or a service account.

    The service-account path needs the `google-auth` package (imported only when used).
    """

    def __init__(self, *, static_token: str = "", credentials_file: str = ""):
        self._static = static_token
        self._file = credentials_file
        self._credentials: Any = None
        self._lock = threading.Lock()

    def get(self) -> str:
        if self._static or not self._file:
            return self._static
        with self._lock:
            if self._credentials is None:
                from google.oauth2 import service_account

                self._credentials = service_account.Credentials.from_service_account_file(
                    self._file, scopes=[FCM_SCOPE]
                )
            if not self._credentials.valid:
                from google.auth.transport.requests import Request

                self._credentials.refresh(Request())
            return self._credentials.token

    def invalidate(self) -> None:
        with self._lock:
            if self._credentials is not None:
                self._credentials.expiry = None
                self._credentials.token = None


@dataclass
class FcmSender:
    endpoint: str
    project_id: str
    tokens: AccessTokens
    timeout: float = 10.0

    @classmethod
    def from_settings(cls) -> FcmSender:
        return cls(
            endpoint=settings.FCM_ENDPOINT.rstrip("/"),
            project_id=settings.FCM_PROJECT_ID,
            tokens=AccessTokens(
                static_token=settings.FCM_ACCESS_TOKEN,
                credentials_file=settings.FCM_CREDENTIALS_FILE,
            ),
            timeout=settings.FCM_TIMEOUT,
        )

    @property
    def configured(self) -> bool:
        return bool(self.project_id)

    def send(self, *, token: str, title: str, body: str, data: dict[str, str]) -> str:
        """Send one message; returns the gateway's message name."""
        payload = {
            "message": {
                "token": token,
                "notification": {"title": title, "body": body},
                "data": {key: str(value) for key, value in data.items()},
                "android": {"priority": "normal"},
                "apns": {"headers": {"apns-priority": "5"}},
            }
        }
        request = urllib.request.Request(  # noqa: S310  (endpoint comes from settings)
            f"{self.endpoint}/v1/projects/{self.project_id}/messages:send",
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.tokens.get()}",
                "Content-Type": "application/json; charset=UTF-8",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return str(json.loads(response.read() or b"{}").get("name", ""))
        except urllib.error.HTTPError as exc:
            raise self._classify(exc) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TransientError(f"fcm_{type(exc).__name__}") from None

    def _classify(self, exc: urllib.error.HTTPError) -> Exception:
        status = exc.code
        error_code = _error_code(exc)
        if status == 404 or error_code in DEAD_TOKEN_CODES:
            return InvalidToken((error_code or "NOT_FOUND").lower())
        if status in RETRYABLE_STATUSES:
            return TransientError(f"fcm_{status}", retry_after=_retry_after(exc))
        if status == 401:
            self.tokens.invalidate()  # expired access token: fetch a new one next time
            return TransientError("fcm_401")
        return PermanentError(f"fcm_{status}_{(error_code or 'error').lower()}")


def _error_code(exc: urllib.error.HTTPError) -> str:
    try:
        error = json.loads(exc.read() or b"{}").get("error", {})
    except (ValueError, OSError):
        return ""
    for detail in error.get("details", []) or []:
        if isinstance(detail, dict) and detail.get("errorCode"):
            return str(detail["errorCode"])
    return str(error.get("status", ""))


def _retry_after(exc: urllib.error.HTTPError) -> float | None:
    value = exc.headers.get("Retry-After") if exc.headers else None
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


_shared: tuple[tuple[str, str, str], FcmSender] | None = None


def shared_sender() -> FcmSender:
    """One sender per process, so the access token is cached; rebuilt if settings change."""
    global _shared
    key = (settings.FCM_ENDPOINT, settings.FCM_PROJECT_ID, settings.FCM_ACCESS_TOKEN)
    if _shared is None or _shared[0] != key:
        _shared = (key, FcmSender.from_settings())
    return _shared[1]
