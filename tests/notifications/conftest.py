"""Real local stand-ins for the outside providers: an SMTP server (aiosmtpd) and an FCM
HTTP v1 gateway on 127.0.0.1, plus builders for users with a week of data."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import logging
import socket
import threading
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from apps.notifications.services import preference_ensure

GATEWAY_TOKEN = "test-access-token"
logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
PROJECT = "lowtide-test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- SMTP --------------------------------------------------------------------------------


@dataclass
class Mailbox:
    messages: list[Message] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Recipients whose RCPT is held (never answered) until `release` is set.
    hold: set[str] = field(default_factory=set)
    # Recipients refused for good (550).
    reject: set[str] = field(default_factory=set)
    holding: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if address in m["To"]]

    def count_by_recipient(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        with self.lock:
            for message in self.messages:
                counts[message["To"]] = counts.get(message["To"], 0) + 1
        return counts

    def __len__(self) -> int:
        with self.lock:
            return len(self.messages)


class _Handler:
    def __init__(self, box: Mailbox):
        self.box = box

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.box.reject:
            return "550 5.1.1 no such mailbox"
        if address in self.box.hold:
            self.box.holding.set()
            while not self.box.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.box.lock:
            self.box.messages.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server; Django's SMTP backend is pointed at it for in-process tests."""
    box = Mailbox()
    controller = Controller(_Handler(box), hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    box.port = controller.port  # type: ignore[attr-defined]
    try:
        yield box
    finally:
        box.release.set()
        controller.stop()


def text_part(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True).decode()
    raise AssertionError("no text/plain part")


def html_part(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True).decode()
    raise AssertionError("no text/html part")


# --- FCM HTTP v1 gateway ---------------------------------------------------------------------


@dataclass
class Gateway:
    url: str = ""
    requests: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    seen: dict[str, int] = field(default_factory=dict)

    def tokens(self) -> list[str]:
        with self.lock:
            return [r["body"]["message"]["token"] for r in self.requests if r["status"] == 200]

    def count_for(self, token: str) -> int:
        return self.tokens().count(token)

    def attempts_for(self, token: str) -> int:
        with self.lock:
            return sum(1 for r in self.requests if r["body"]["message"]["token"] == token)


def _fcm_error(status: int, code: str) -> dict:
    return {
        "error": {
            "code": status,
            "status": "NOT_FOUND" if status == 404 else "UNAVAILABLE",
            "message": code,
            "details": [
                {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": code}
            ],
        }
    }


def _gateway_handler(gateway: Gateway):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            token = body["message"]["token"]
            with gateway.lock:
                gateway.seen[token] = gateway.seen.get(token, 0) + 1
                first = gateway.seen[token] == 1
            if self.path != f"/v1/projects/{PROJECT}/messages:send":
                status, reply = 404, {"error": {"code": 404, "status": "NOT_FOUND"}}
            elif self.headers.get("Authorization") != f"Bearer {GATEWAY_TOKEN}":
                status, reply = 401, {"error": {"code": 401, "status": "UNAUTHENTICATED"}}
            elif token.startswith("dead-"):
                status, reply = 404, _fcm_error(404, "UNREGISTERED")
            elif token.startswith("flaky-") and first:
                status, reply = 500, _fcm_error(500, "INTERNAL")
            elif token.startswith("down-"):
                status, reply = 503, _fcm_error(503, "UNAVAILABLE")
            else:
                status, reply = 200, {"name": f"projects/{PROJECT}/messages/{len(gateway.seen)}"}
            with gateway.lock:
                gateway.requests.append({"status": status, "body": body, "path": self.path})
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@pytest.fixture
def push_gateway(settings):
    """A loopback FCM HTTP v1 gateway: `dead-*` tokens are UNREGISTERED (404), `flaky-*`
    fail once with 500, `down-*` always answer 503, anything else is accepted."""
    gateway = Gateway()
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _gateway_handler(gateway))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    gateway.url = f"http://127.0.0.1:{server.server_port}"
    settings.FCM_ENDPOINT = gateway.url
    settings.FCM_PROJECT_ID = PROJECT
    settings.FCM_ACCESS_TOKEN = GATEWAY_TOKEN
    settings.FCM_TIMEOUT = 5.0
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fast_retries(settings):
    settings.NOTIFICATIONS_RETRY_BACKOFF_SECONDS = 0.0
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3


def preferences(user, **fields):
    pref = preference_ensure(user_id=user.pk)
    for name, value in fields.items():
        setattr(pref, name, value)
    pref.save()
    return pref
