"""Production settings harden and demand their secrets; checked in fresh interpreters."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.PASSWORD_HASHERS[0]); print(s.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES']); "
    "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.DEBUG)"
)
SECRETS = {
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "api.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/lowtide",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def run(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SECRETS}
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "backend.settings.production", **env},
        check=False,
    )


def test_production_hardens_and_uses_argon2_first():
    result = run(SECRETS)
    assert result.returncode == 0, result.stderr
    hasher, renderers, flags = result.stdout.splitlines()
    assert hasher == "apps.accounts.hashers.TunedArgon2PasswordHasher"
    assert renderers == "['apps.api.renderers.JSONRenderer']"
    assert flags == "True True 31536000 False"


def test_production_refuses_to_start_without_each_secret():
    for missing in SECRETS:
        result = run({k: v for k, v in SECRETS.items() if k != missing})
        assert result.returncode != 0, f"started without {missing}"
        assert missing in result.stderr
