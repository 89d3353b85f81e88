"""Settings for a Celery worker under test: the test settings, with Django's real SMTP
backend (test.py uses the in-memory one) pointed at EMAIL_HOST/EMAIL_PORT from the env."""

from backend.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
