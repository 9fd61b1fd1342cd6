# Sidan 四单 — the two commands are `make run` and `make test` (see README.md).
# Both work on a fresh machine with only Python 3.11+; everything else is installed
# into .venv from requirements/lock.txt, again only when the lock file changes.

PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
# The address the web server listens on; HOST=0.0.0.0 lets a phone on the same network in.
HOST ?= 127.0.0.1
# Where residents' links (QR codes, SMS and tracking links) point; follows PORT unless set.
SIDAN_PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k healthz -x"`.
PYTEST_ARGS ?=
# The command that loads the demo street and prints the demo logins.
DEMO_COMMAND ?= load_demo

BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run test lint migrate demo collectstatic shell bench

help:
	@echo "make run     install, migrate, load the demo, then serve http://127.0.0.1:$(PORT) with a Celery worker and beat"
	@echo "make test    install, lint (ruff check + ruff format --check), then run the whole test suite"
	@echo "make bench   every daily page at 10,000 and 1,000,000 orders on PostgreSQL + Redis (docs/scale.md)"
	@echo "make migrate | make demo | make collectstatic | make shell"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Sidan needs Python 3.11 or newer, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements/lock.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	@touch $@

install: $(STAMP)

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	SIDAN_PUBLIC_BASE_URL=$(SIDAN_PUBLIC_BASE_URL) $(MANAGE) $(DEMO_COMMAND)

collectstatic: install
	$(MANAGE) collectstatic --noinput --verbosity 0

run: demo collectstatic
	@echo "Sidan: $(SIDAN_PUBLIC_BASE_URL)/  (health: /healthz) — Ctrl-C stops the web server, worker and beat"
	SIDAN_DEV_REVEAL_SECRETS=$${SIDAN_DEV_REVEAL_SECRETS:-true} SIDAN_PUBLIC_BASE_URL=$(SIDAN_PUBLIC_BASE_URL) HOST=$(HOST) PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho start --procfile Procfile --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest --ds config.settings.test -n auto --maxprocesses 4 $(PYTEST_ARGS)

shell: install
	$(MANAGE) shell

# The city benchmark (docs/scale.md): PostgreSQL + Redis, wrk from apt. Settings via
# BENCH_* variables, e.g. `make bench BENCH_SECONDS=4 BENCH_SIZES=10000`.
bench: collectstatic
	@command -v wrk >/dev/null || { echo "installing wrk"; sudo -n apt-get install -y wrk 2>/dev/null || apt-get install -y wrk; }
	$(BIN)/python bench/run.py
