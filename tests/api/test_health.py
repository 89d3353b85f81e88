import socket
import time

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_is_alive(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_reports_both_backends_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"]["status"] == "ok"
    assert response.json()["checks"]["redis"]["status"] == "ok"


def test_readyz_reports_redis_down_as_503_quickly(client):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with override_settings(REDIS_URL=f"redis://127.0.0.1:{port}/0"):
        response = client.get("/readyz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"]["status"] == "down"
    assert checks["database"]["status"] == "ok"


def test_readyz_answers_503_within_5_s_when_the_database_hangs(client, monkeypatch):
    from apps.api import health

    def hung():
        time.sleep(8)

    monkeypatch.setattr(health, "_check_database", hung)
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {
        "status": "down",
        "latency_ms": response.json()["checks"]["database"]["latency_ms"],
        "error": "timed out",
    }
