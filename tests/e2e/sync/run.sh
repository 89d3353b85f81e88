#!/usr/bin/env bash
# `make test-sync`: the WatermelonDB client suite against a live Lowtide server.
#
# 1. npm ci from the lock file when node_modules is missing or older than the lock file.
# 2. A fresh PostgreSQL database (dropped and created each run) that we migrate ourselves.
# 3. gunicorn from .venv on a free 127.0.0.1 port, stopped on exit whatever happens.
# 4. node --test (arguments, e.g. test files, are passed on).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
HERE="$ROOT/tests/e2e/sync"
PY="$ROOT/.venv/bin/python"
# The PostgreSQL server of the test suite (DATABASE_URL without its database name).
if [[ -z "${E2E_SYNC_PG_URL:-}" && "${DATABASE_URL:-}" == postgres* ]]; then
  E2E_SYNC_PG_URL=${DATABASE_URL%/*}
fi
PG_URL=${E2E_SYNC_PG_URL:-postgres://postgres@127.0.0.1:5432}
DB_NAME=${E2E_SYNC_DB:-lowtide_e2e_sync}
REDIS_URL=${E2E_SYNC_REDIS_URL:-redis://127.0.0.1:6379/14}
LOG_DIR=$(mktemp -d)
SERVER_PID=

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$LOG_DIR"
}
trap stop_server EXIT INT TERM

# --- 1. node dependencies ------------------------------------------------------------------
if ! command -v npm >/dev/null; then
  echo "==> Installing Debian nodejs + npm"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
fi
stamp="$HERE/node_modules/.lowtide-lock.sha256"
want=$(cat "$HERE/package.json" "$HERE/package-lock.json" | sha256sum | cut -d' ' -f1)
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "==> npm ci in tests/e2e/sync (WatermelonDB $(grep -m1 '"@nozbe/watermelondb"' "$HERE/package.json" | tr -dc '0-9.'))"
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi

# --- 2. database ---------------------------------------------------------------------------
export DJANGO_SETTINGS_MODULE=live_settings
export PYTHONPATH="$HERE${PYTHONPATH:+:$PYTHONPATH}"
export DATABASE_URL="$PG_URL/$DB_NAME"
export REDIS_URL CELERY_BROKER_URL="$REDIS_URL"
export LOG_LEVEL=WARNING PYTHONWARNINGS="ignore:No directory at:UserWarning"
echo "==> Recreating PostgreSQL database $DB_NAME and migrating it"
"$PY" - "$PG_URL/postgres" "$DB_NAME" "$REDIS_URL" <<'PYEOF'
import sys

import psycopg
import redis

url, name, redis_url = sys.argv[1:]
with psycopg.connect(url, autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{name}"')
# Score recomputes enqueued by the last run's server (no worker consumes them here).
redis.Redis.from_url(redis_url, socket_timeout=2).flushdb()
PYEOF
(cd "$ROOT" && "$PY" manage.py migrate --noinput -v 0)

# --- 3. live server ------------------------------------------------------------------------
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "==> gunicorn on 127.0.0.1:$PORT"
(cd "$ROOT" && exec "$ROOT/.venv/bin/gunicorn" backend.wsgi:application \
  --bind "127.0.0.1:$PORT" --workers 3 --timeout 60 --graceful-timeout 5 \
  --error-logfile "$LOG_DIR/server.log" --log-level warning) &
SERVER_PID=$!
for _ in $(seq 100); do
  if "$PY" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=1)" 2>/dev/null; then
    break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$LOG_DIR/server.log"; exit 1; }
  sleep 0.2
done

# --- 4. the suite --------------------------------------------------------------------------
echo "==> node --test (WatermelonDB clients against http://127.0.0.1:$PORT)"
status=0
(cd "$HERE" && LOWTIDE_URL="http://127.0.0.1:$PORT" node --test --test-concurrency=1 \
  --test-timeout=120000 "$@") || status=$?
if [[ $status -ne 0 ]]; then
  echo "==> server log (last 80 lines)"
  tail -n 80 "$LOG_DIR/server.log" || true
fi
exit $status
