"""The test suite: the real PostgreSQL and Redis, a fast password hasher."""

import warnings

from backend.env import env

from .base import *  # noqa: F403
from .base import DATABASES, REST_FRAMEWORK

DATABASES["default"] = env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/lowtide")
DATABASES["default"]["OPTIONS"] = {"connect_timeout": 3}
# New connection per request in tests; benchmarks serve with persistent ones, as production.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default="test_lowtide")}

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "apps.common.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        "KEY_PREFIX": "lowtide-test",
    }
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Generous limits so functional tests are not throttled; throttle tests override them.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"user": "100000/min", "anon": "100000/min", "login": "20/min"},
}

# Tests and benchmarks serve static files from the apps (no collectstatic): whitenoise's
# warning about the missing STATIC_ROOT is noise here.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
