# 社区云运营管理门户 — every set-up step lives here, so a fresh machine with Python 3.11 needs nothing else.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n auto

.PHONY: help install install-dev run serve migrate seed test test-night harden bench bench-data bench-micro bench-tools lint messages requirements clean static smoke backup restore ops-check

help:
	@echo "make run    install, migrate, load the Shanghai divisions and demo accounts, serve http://$(HOST):$(PORT)"
	@echo "make test   install and run the whole test suite"
	@echo "make test-night  the suite at 23:30 on New Year's Eve (Shanghai), subprocesses included (needs faketime)"
	@echo "make harden  schemathesis over the whole OpenAPI as a non-superuser admin"
	@echo "make bench-data  Shanghai-scale bench data in BENCH_DATABASE_URL (default var/bench.sqlite3; minutes)"
	@echo "make bench  benchmarks P1-P7 on that data: a table and benchmarks/results/<date>-<database>.json"
	@echo "make bench-micro  the pytest-benchmark micro benchmarks (speed targets live here, never in tests)"
	@echo "make lint   ruff"
	@echo "make static     collect static files with the production settings (scripts/build-static, as the Dockerfile)"
	@echo "make smoke      the production path: build-static, gunicorn on loopback, pages, headers, CSP, health"
	@echo "make backup     manage.py backup to BACKUP_TARGET (folder or s3://bucket/prefix), with retention"
	@echo "make restore NAME=shequyun-…  manage.py restore into an EMPTY database (default: the latest set)"
	@echo "make ops-check  the operations tests (tests/ops): smoke, backup/restore drill, killed worker, migrations"

$(VENV)/.base-installed: requirements/base.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --require-hashes -r requirements/base.txt
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.base-installed requirements/dev.txt
	$(PIP) install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt
	@touch $@

install: $(VENV)/.base-installed
install-dev: $(VENV)/.dev-installed

migrate: install
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) load_divisions
	$(MANAGE) load_demo
	$(MANAGE) load_demo_scenarios
	$(MANAGE) load_demo_content
	$(MANAGE) load_demo_security
	$(MANAGE) load_demo_dataassets

# Web server, Celery worker and Celery beat in one terminal (honcho), on the embedded SQLite database and
# kombu's filesystem broker unless DATABASE_URL / CELERY_BROKER_URL say otherwise.
run: install-dev seed  # honcho is a development dependency (requirements/dev.in), never in the image
	@echo "Portal: http://$(HOST):$(PORT)/  (Ctrl-C stops web, worker and beat)"
	PATH="$(abspath $(VENV))/bin:$$PATH" DEBUG=$${DEBUG:-1} OTP_REQUIRED_ROLES=$${OTP_REQUIRED_ROLES-} HOST=$(HOST) PORT=$(PORT) honcho -f Procfile.dev start

serve: install
	DEBUG=$${DEBUG:-1} $(MANAGE) runserver $(HOST):$(PORT)

test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite at 23:30 on New Year's Eve in Shanghai: the in-process clock (tests/clock.py) and, through Debian's
# faketime, every subprocess (Celery worker, chromium). Catches tests that assume office hours or this year.
NIGHT ?= 2026-12-31 23:30:00
test-night: install-dev
	@command -v faketime >/dev/null || { echo "faketime is needed: apt-get install faketime" >&2; exit 1; }
	TZ=Asia/Shanghai SHEQUYUN_TEST_CLOCK="$(NIGHT)" faketime -f "@$(NIGHT)" $(PY) -m pytest $(PYTEST_ARGS)

# schemathesis over the whole OpenAPI as a district account admin (non-superuser), >= 100 examples per operation.
harden: install-dev
	bash scripts/harden.sh

# Benchmarks run on their own database, never the development one: PostgreSQL with
#   make bench-data bench BENCH_DATABASE_URL=postgres://shequyun:shequyun@127.0.0.1:5432/shequyun_bench
BENCH_DATABASE_URL ?= sqlite:///$(abspath var)/bench.sqlite3
BENCH_ARGS ?=

bench-data: install-dev
	@mkdir -p var
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(MANAGE) migrate --noinput -v0
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(MANAGE) load_divisions
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(MANAGE) bench_data

# wrk (Debian's package) drives the HTTP part (P7); installed here when missing and we may.
bench-tools:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; \
	  else echo "wrk is missing (apt-get install wrk): the HTTP part (P7) is skipped" >&2; fi; \
	fi

bench: install-dev bench-tools
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) -m benchmarks.run $(BENCH_ARGS)

bench-micro: install-dev
	$(PY) -m pytest benchmarks -m bench --benchmark-only --benchmark-columns=min,median,max,rounds $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy  # pyproject.toml [tool.mypy]: shequyun/ strictly, the apps leniently

# One run from the root: Django files every string under LOCALE_PATHS (locale/), which is also looked up first. (A run
# inside an app folder writes that app's strings alone into locale/ and marks every other entry obsolete.)
messages: install-dev
	$(MANAGE) makemessages -l en --no-wrap --ignore=.venv --ignore=var --ignore=staticfiles -v0
	$(MANAGE) compilemessages --ignore=.venv -v0

# Re-lock dependencies after editing requirements/*.in (needs pip-tools; hashes, no index URLs).
requirements:
	$(PIP) install --quiet pip-tools
	$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/base.txt requirements/base.in
	$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/dev.txt requirements/dev.in

static: install
	PYTHON=$(PY) scripts/build-static

smoke: install-dev
	$(PY) -m pytest tests/ops/test_production_smoke.py -q

backup: install
	$(MANAGE) backup

NAME ?= latest
restore: install
	$(MANAGE) restore $(NAME)

ops-check: install-dev
	$(PY) -m pytest tests/ops -q -ra

clean:
	rm -rf var staticfiles .pytest_cache
