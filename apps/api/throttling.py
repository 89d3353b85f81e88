"""Throttles that survive a Redis outage.

User and anonymous throttles fail open (availability first: a cache outage must not take
the API down); the login throttle fails closed (a cache outage must not unlock password
guessing), answering 503 rather than a 500.
"""

from __future__ import annotations

import logging

from rest_framework import throttling

from apps.api.exceptions import ServiceUnavailable

logger = logging.getLogger(__name__)

_CACHE_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError, OSError)
try:  # redis-py's errors do not all derive from the builtins above
    import redis.exceptions

    _CACHE_ERRORS += (redis.exceptions.RedisError,)
except ImportError:  # pragma: no cover - redis is a base requirement
    pass


class UserRateThrottle(throttling.UserRateThrottle):
    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except _CACHE_ERRORS:
            logger.warning("throttle cache unavailable; failing open")
            return True


class AnonRateThrottle(throttling.AnonRateThrottle):
    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except _CACHE_ERRORS:
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
        except _CACHE_ERRORS:
            logger.warning("login throttle cache unavailable; failing closed")
            raise ServiceUnavailable(
                "Sign-in is temporarily unavailable; try again in a minute."
            ) from None
