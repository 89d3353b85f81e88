"""What a cache outage raises: callers that can do without the cache catch these."""

from __future__ import annotations

CACHE_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError, OSError)
try:  # redis-py's errors do not all derive from the builtins above
    import redis.exceptions

    CACHE_ERRORS += (redis.exceptions.RedisError,)
except ImportError:  # pragma: no cover - redis is a base requirement
    pass
