"""The cache backend, and what a cache outage raises (callers that can do without the
cache catch CACHE_ERRORS)."""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis

CACHE_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError, OSError)
try:  # redis-py's errors do not all derive from the builtins above
    import redis.exceptions

    CACHE_ERRORS += (redis.exceptions.RedisError,)
except ImportError:  # pragma: no cover - redis is a base requirement
    pass


class _ReusingClient(django_redis.RedisCacheClient):
    """Django builds a new redis.Redis object on every cache call (~0.17 ms of Python on
    this machine, twice per API request: throttle and cache read). One per connection pool
    is enough: a redis.Redis is thread-safe, its connections come from the pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    """Django's Redis cache backend with one client object per connection pool."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient
