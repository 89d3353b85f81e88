"""`manage.py check_services`, the first step of `make test`, `make up` and `make fuzz`."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"


def run(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check_services"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "backend.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_missing_project_database_is_created_not_reported_as_unreachable():
    name = f"lowtide_check_{uuid.uuid4().hex[:8]}"
    try:
        result = run(DATABASE_URL=f"{PG}/{name}")
        assert result.returncode == 0, result.stderr
        assert f"Created the missing PostgreSQL database '{name}'" in result.stdout
        with psycopg.connect(f"{PG}/{name}") as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_unreachable_redis_stops_with_what_to_start():
    result = run(REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode != 0
    assert "Redis is not reachable" in result.stderr
    assert "redis-server" in result.stderr


def test_an_unreachable_postgresql_stops_with_what_to_start():
    result = run(DATABASE_URL="postgres://postgres@127.0.0.1:1/lowtide")
    assert result.returncode != 0
    assert "PostgreSQL is not reachable" in result.stderr
    assert "pg_ctlcluster" in result.stderr
