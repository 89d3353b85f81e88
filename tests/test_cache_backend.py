"""The project's Redis cache backend: Django's, with one client object per pool."""

from django.core.cache import caches

from apps.common.cache import RedisCache


def test_the_default_cache_reuses_one_redis_client_and_still_works():
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=False)
    cache.set("backend-check", {"a": 1}, 30)
    assert cache.get("backend-check") == {"a": 1}
    assert cache.add("backend-check-n", 1, 30)
    assert cache.incr("backend-check-n") == 2
