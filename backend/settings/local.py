"""The embedded default: SQLite file, Celery tasks run in-process, console email."""

from backend.env import BASE_DIR, env

from .base import *  # noqa: F403
from .base import DATABASES, REST_FRAMEWORK, SILENCED_SYSTEM_CHECKS

DEBUG = env.bool("DEBUG", default=True)

DATABASES["default"] = env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES["default"]["ATOMIC_REQUESTS"] = False

# No Redis needed for the quick start.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

REST_FRAMEWORK = {**REST_FRAMEWORK}
READYZ_CHECK_REDIS = False  # no Redis in the embedded default
# SQLite ignores covering-index columns and partial-unique conditions (W039/W040).
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "models.W039", "models.W040"]
