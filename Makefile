# Lowtide developer commands. `make run` and `make test` are the two that matter.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
REQS := requirements/base.txt requirements/production.txt requirements/local.txt
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_ENV := DJANGO_SETTINGS_MODULE=backend.settings.test

.PHONY: run test venv migrate demo up bench lint format schema schema-check fuzz browser-deps coach-static test-sync clean help

help:
	@echo "make run    - set up .venv, migrate SQLite, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   - the whole suite against PostgreSQL and Redis"
	@echo "make up     - web + worker + beat (honcho, Procfile) against PostgreSQL and Redis"
	@echo "make bench  - benchmarks that print figures"
	@echo "make fuzz   - schemathesis against a live server (server errors, BOLA)"
	@echo "make lint / format / schema"

$(STAMP): $(REQS)
	@echo "==> Creating virtualenv and installing requirements/local.txt (first run: ~1 min)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip
	@$(PY) -m pip install --progress-bar on -r requirements/local.txt
	@touch $(STAMP)

venv: $(STAMP)

migrate: venv
	@echo "==> Migrating the embedded SQLite database"
	@$(PY) manage.py migrate --noinput -v 0

demo: migrate
	@$(PY) manage.py seed_demo

run: demo coach-static
	@echo "==> Serving Lowtide on http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/docs/)"
	@$(PY) manage.py runserver $(HOST):$(PORT) --noreload

test: venv
	@$(TEST_ENV) $(PY) manage.py check_services
	@$(MAKE) --no-print-directory browser-deps
	@echo "==> pytest (PostgreSQL + Redis)"
	@$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)
	@$(MAKE) --no-print-directory test-sync

# Headless Chromium for the coach admin's browser tests (Debian package), and the chart
# library's static files.
browser-deps:
	@test -x /usr/bin/chromium || { echo "==> Installing Debian chromium"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@$(MAKE) --no-print-directory coach-static

# Chart.js and friends for /coach/: npm ci in the coaching app's frontend folder, then the
# dist files go to a git-ignored static dir that whitenoise serves. Rebuilt when the lock
# file changes.
COACH_FRONTEND := apps/coaching/frontend
COACH_VENDOR := apps/coaching/static/coaching/vendor
coach-static: $(COACH_VENDOR)/.built

$(COACH_VENDOR)/.built: $(COACH_FRONTEND)/package.json $(COACH_FRONTEND)/package-lock.json
	@command -v npm >/dev/null || { echo "==> Installing Debian nodejs + npm"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	@echo "==> npm ci in $(COACH_FRONTEND) (chart library for /coach/)"
	@cd $(COACH_FRONTEND) && npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(COACH_VENDOR)
	@cp $(COACH_FRONTEND)/node_modules/chart.js/dist/chart.umd.min.js \
		$(COACH_FRONTEND)/node_modules/luxon/build/global/luxon.min.js \
		$(COACH_FRONTEND)/node_modules/chartjs-adapter-luxon/dist/chartjs-adapter-luxon.umd.min.js \
		$(COACH_FRONTEND)/node_modules/chartjs-plugin-annotation/dist/chartjs-plugin-annotation.min.js \
		$(COACH_VENDOR)/
	@touch $@

# The WatermelonDB client suite (Node) against a live server.
test-sync: venv
	@echo "==> WatermelonDB client suite (Node) against a live server"
	@bash tests/e2e/sync/run.sh

up: venv
	@$(TEST_ENV) $(PY) manage.py check_services
	@$(VENV)/bin/honcho start

# schemathesis against a live server: 0 server errors, 0 BOLA findings (fixed seed).
fuzz: venv
	@$(TEST_ENV) $(PY) manage.py check_services
	@$(TEST_ENV) $(PY) tests/e2e/fuzz/run_schemathesis.py

bench: venv coach-static
	@$(TEST_ENV) $(PY) manage.py check_services
	@command -v wrk >/dev/null || { echo "==> Installing Debian wrk (HTTP load generator)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	@for b in benchmarks/bench_*.py; do echo "==> $$b"; $(TEST_ENV) $(PY) $$b || exit 1; done

lint: venv
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

format: venv
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

schema: venv
	@$(TEST_ENV) $(PY) manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml
	@echo "docs/openapi.yaml regenerated"

schema-check: venv
	@$(TEST_ENV) $(PY) manage.py spectacular --validate --fail-on-warn --file /tmp/lowtide-openapi.yaml
	@diff -u docs/openapi.yaml /tmp/lowtide-openapi.yaml > /dev/null || \
		(echo "docs/openapi.yaml is out of date: run 'make schema' and commit it"; \
		 diff -u docs/openapi.yaml /tmp/lowtide-openapi.yaml | head -40; exit 1)
	@echo "docs/openapi.yaml matches the code"

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles tests/e2e/sync/node_modules
