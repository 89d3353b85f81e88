"""Fail fast, with what to do, when PostgreSQL or Redis is not reachable."""

from __future__ import annotations

import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

HINTS = {
    "PostgreSQL": "start it with: pg_ctlcluster --skip-systemctl-redirect "
    "$(ls /etc/postgresql) main start   (or set DATABASE_URL)",
    "Redis": "start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 "
    "--save '' --appendonly no   (or set REDIS_URL)",
}


class Command(BaseCommand):
    help = "Check that PostgreSQL and Redis answer within two seconds."

    def handle(self, *args, **options) -> None:
        problems = []
        db = settings.DATABASES["default"]
        try:
            connections["default"].ensure_connection()
        except Exception as exc:
            if not self._created_missing_database(db, exc):
                problems.append(("PostgreSQL", f"{db.get('HOST')}:{db.get('PORT')}", exc))
        try:
            redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
            ).ping()
        except Exception as exc:
            problems.append(("Redis", settings.REDIS_URL, exc))
        if problems:
            lines = [
                f"{name} is not reachable at {where} ({type(exc).__name__}); {HINTS[name]}"
                for name, where, exc in problems
            ]
            raise CommandError("\n".join(lines))
        self.stdout.write("PostgreSQL and Redis are reachable.")

    def _created_missing_database(self, db: dict, exc: Exception) -> bool:
        """A fresh server without the project's database is reachable: create the database
        (the test runner and `make up` need the server, not an empty database by hand)."""
        if db.get("ENGINE") != "django.db.backends.postgresql" or "does not exist" not in str(exc):
            return False
        import psycopg
        from psycopg import sql

        params = {
            "host": db.get("HOST") or None,
            "port": db.get("PORT") or None,
            "user": db.get("USER") or None,
            "password": db.get("PASSWORD") or None,
            "dbname": "postgres",
            "connect_timeout": 2,
        }
        with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
        self.stdout.write(f"Created the missing PostgreSQL database {db['NAME']!r}.")
        connections["default"].close()
        return True
