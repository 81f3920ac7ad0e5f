# Everyday verbs. `make run` starts the app on SQLite; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# The first Python 3.12+ found: the pyenv version named in .python-version, then python3.13, python3.12, python3.
PYTHON := $(shell for p in "$(HOME)/.pyenv/versions/$$(cat .python-version 2>/dev/null)/bin/python3" python3.13 python3.12 python3; do \
	  if command -v "$$p" >/dev/null 2>&1 && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then command -v "$$p"; break; fi; done)

.PHONY: run test e2e lint check-content bench clean help

help:
	@echo "make run            install, migrate, load the content, create demo users, serve on http://$(HOST):$(PORT)"
	@echo "make test           install dev tools and run the whole suite (SQLite; PostgreSQL when DATABASE_URL is set)"
	@echo "make e2e            only the browser journeys (headless Chromium at /usr/bin/chromium)"
	@echo "make lint           ruff"
	@echo "make check-content  validate content/ without writing"
	@echo "make bench          load benchmark: gunicorn + throwaway PostgreSQL on 127.0.0.1:5432 + wrk; prints figures"

$(VENV)/pyvenv.cfg:
	@if [ -z "$(PYTHON)" ]; then echo "error: Python 3.12 or newer is needed and none was found on PATH (tried python3.13, python3.12, python3)." >&2; exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	"$(PYTHON)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(VENV)/pyvenv.cfg
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_content
	$(BIN)/python manage.py create_demo_users
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

e2e: $(VENV)/.installed-dev
	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check-content: $(VENV)/.installed
	$(BIN)/python manage.py migrate --no-input --verbosity 0
	$(BIN)/python manage.py load_content --check

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache .ruff_cache
