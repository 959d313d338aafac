# Two commands do everything on a fresh machine (Python 3.11+, make, node/npm):
#   make run    set up, migrate, load demo data, serve http://127.0.0.1:5000
#   make test   set up, lint, type-check hub_model, run every test (SQLite, then
#               PostgreSQL too when TEST_DATABASE_URL is set)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
ASSETS := audit_app/static/build/app.css

.PHONY: run test setup lint typecheck pytest pytest-sqlite pytest-postgres assets bench clean

run: setup
	$(FLASK) db upgrade
	$(FLASK) demo-data
	AUDIT_ENV=development $(FLASK) run --host 127.0.0.1 --port 5000

test: setup lint typecheck pytest

setup: $(VENV)/.installed $(ASSETS)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS): node_modules/.installed scripts/build_assets.js $(wildcard audit_app/assets/*.scss audit_app/assets/app/*.scss)
	node scripts/build_assets.js

assets: node_modules/.installed
	node scripts/build_assets.js

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy --strict hub_model

# pytest exits 5 when it collects nothing; make treats any non-zero exit as failure.
pytest: pytest-sqlite pytest-postgres

pytest-sqlite:
	@echo "== Tests on SQLite (unit, web, migrations, browser) =="
	CHROMIUM_PATH="$$(scripts/ensure_chromium.sh)" env -u TEST_DATABASE_URL $(BIN)/pytest

pytest-postgres:
	@if [ -n "$${TEST_DATABASE_URL:-}" ]; then \
	  echo "== Tests on PostgreSQL ($${TEST_DATABASE_URL}) =="; \
	  $(BIN)/pytest tests/web tests/migrations; \
	else \
	  echo "== TEST_DATABASE_URL not set: PostgreSQL run skipped =="; \
	fi

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules audit_app/static/build .pytest_cache .mypy_cache .ruff_cache
