import socket

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dead_redis_caches():
    return {
        "default": {
            "BACKEND": "apps.common.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


def test_rotating_x_forwarded_for_does_not_reset_the_login_throttle(api_client):
    statuses = []
    for i in range(21):
        response = api_client.post(
            TOKEN,
            {"email": f"nobody{i}@example.com", "password": "whatever-123"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.{i}.1",
        )
        statuses.append(response.status_code)
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0


def test_user_throttle_fails_open_when_redis_is_down(member_client):
    with override_settings(CACHES=dead_redis_caches()):
        response = member_client.get("/api/v1/me/")
    assert response.status_code == 200


def test_login_throttle_fails_closed_with_a_503_problem(api_client, member):
    with override_settings(CACHES=dead_redis_caches()):
        response = api_client.post(
            TOKEN, {"email": member.email, "password": "x" * 12}, format="json"
        )
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"


def test_the_user_throttle_counts_per_window_and_says_when_to_retry(member_client, monkeypatch):
    from apps.api.throttling import UserRateThrottle

    clock = [1_800_000_010.0]  # 10 s into a minute
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min", "anon": "3/min"})
    monkeypatch.setattr(UserRateThrottle, "timer", lambda self: clock[0])
    statuses = [member_client.get("/api/v1/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = member_client.get("/api/v1/me/")
    assert refused["Content-Type"] == "application/problem+json"
    assert int(refused["Retry-After"]) == 50  # the rest of the minute
    clock[0] += 50  # the next window
    assert member_client.get("/api/v1/me/").status_code == 200


def test_the_user_throttle_counts_in_redis_in_one_round_trip(member_client, monkeypatch):
    """DRF hands throttles Django's cache proxy; the counter must still take the pipeline
    (INCR + EXPIRE) rather than Django's incr(), which costs two round trips."""
    from django.core.cache.backends.redis import RedisCache

    from apps.api import throttling

    calls = []
    monkeypatch.setattr(RedisCache, "incr", lambda *a, **k: calls.append(a))
    assert member_client.get("/api/v1/me/").status_code == 200
    assert calls == []
    client = throttling._redis_client(throttling.UserRateThrottle().cache)
    keys = client.keys("*throttle_user*")
    assert keys and all(0 < client.ttl(key) <= 61 for key in keys)
