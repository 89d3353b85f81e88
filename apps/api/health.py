"""Liveness and readiness probes. Readiness answers within ~5 s even when a backend hangs."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import redis
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

CHECK_TIMEOUT_S = 2.0
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
    connections.close_all()  # this runs on a helper thread: do not leak its connection


def _check_redis() -> None:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=CHECK_TIMEOUT_S, socket_timeout=CHECK_TIMEOUT_S
    )
    try:
        client.ping()
    finally:
        client.close()


def _run(check) -> dict[str, object]:
    started = time.monotonic()
    future = _pool.submit(check)
    try:
        future.result(timeout=CHECK_TIMEOUT_S)
        status = "ok"
        error = None
    except FutureTimeout:
        status, error = "down", "timed out"
    except Exception as exc:  # any failure means "not ready"; the type says enough
        status, error = "down", type(exc).__name__
    result: dict[str, object] = {
        "status": status,
        "latency_ms": round((time.monotonic() - started) * 1000, 1),
    }
    if error:
        result["error"] = error
    return result


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _run(_check_database)}
    if getattr(settings, "READYZ_CHECK_REDIS", True):
        checks["redis"] = _run(_check_redis)
    ready = all(c["status"] == "ok" for c in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )
