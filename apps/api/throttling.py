"""Throttles that survive a Redis outage.

User and anonymous throttles fail open (availability first: a cache outage must not take
the API down); the login throttle fails closed (a cache outage must not unlock password
guessing), answering 503 rather than a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from rest_framework import throttling

from apps.api.exceptions import ServiceUnavailable
from apps.common.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)


class FixedWindowMixin:
    """One counter per identity and window instead of DRF's list of every request time.

    DRF's sliding log reads, trims and rewrites that whole list on each request: O(rate)
    work and cache traffic (1,200 timestamps a call at the default user rate). A counter is
    O(1); the price is that a burst straddling two windows can reach twice the rate, which
    is fine for an abuse guard (docs/decisions/0015-fixed-window-throttles.md).
    """

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        now = self.timer()
        key = f"{ident}:{int(now // self.duration)}"
        count = self._increment(key)
        self.wait_seconds = self.duration - (now % self.duration)
        return count <= self.num_requests

    def _increment(self, key: str) -> int:
        client = _redis_client(self.cache)
        if client is not None:  # one round trip; the key names its window, so refreshing
            # the expiry on each request only keeps it until just after that window
            full_key = self.cache.make_and_validate_key(key)
            pipe = client.pipeline(transaction=False)
            count, _ = pipe.incr(full_key).expire(full_key, self.duration + 1).execute()
            return int(count)
        try:
            return self.cache.incr(key)
        except ValueError:  # first request of the window
            if self.cache.add(key, 1, self.duration + 1):
                return 1
            return self.cache.incr(key)  # another request created it meanwhile

    def wait(self) -> float:
        return self.wait_seconds


def _redis_client(cache: Any) -> Any:
    """The redis-py client behind Django's Redis cache backend, else None (the embedded
    default's local-memory cache). Django's own incr() costs two round trips."""
    from django.core.cache import DEFAULT_CACHE_ALIAS, caches
    from django.core.cache import cache as default_cache
    from django.core.cache.backends.redis import RedisCache

    if cache is default_cache:  # DRF's default: a proxy, which is no RedisCache instance
        cache = caches[DEFAULT_CACHE_ALIAS]
    return cache._cache.get_client(write=True) if isinstance(cache, RedisCache) else None


class UserRateThrottle(FixedWindowMixin, throttling.UserRateThrottle):
    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS:
            logger.warning("throttle cache unavailable; failing open")
            return True


class AnonRateThrottle(FixedWindowMixin, throttling.AnonRateThrottle):
    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS:
            logger.warning("throttle cache unavailable; failing open")
            return True


class LoginRateThrottle(throttling.SimpleRateThrottle):
    """Per client IP (X-Forwarded-For honoured only for NUM_PROXIES trusted hops)."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS:
            logger.warning("login throttle cache unavailable; failing closed")
            raise ServiceUnavailable(
                "Sign-in is temporarily unavailable; try again in a minute."
            ) from None
