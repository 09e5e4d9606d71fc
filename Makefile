# Tollgate: `make up` runs the whole platform, `make test` runs the suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Parallel test workers (pytest-xdist); each has its own database, Redis prefix and ports.
# A test file stays on one worker, so its module-scoped processes start once.
TEST_WORKERS ?= auto
XDIST := -n $(TEST_WORKERS) --dist loadfile
# `make flake N=5`: how many times the end-to-end and browser tests run in each mode.
N ?= 5
# make up, make test and the demo may run on the development secrets (docs/deployment.md).
export TOLLGATE_DEMO ?= true

.PHONY: up test flake lint types format install migrate seed bench clean web proxy worker

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Tollgate needs Python 3.11 or newer (found $$($(PYTHON) --version))."; exit 1; }
	@test -d $(VENV) || { echo "==> Creating the virtualenv in $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@echo "==> Installing Tollgate and its dependencies into $(VENV) (the first time takes a few minutes)"
	@$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/pip install --disable-pip-version-check --progress-bar off -e '.[dev]' \
		| grep --line-buffered -E '^(Collecting|Installing|Successfully)'; exit $${PIPESTATUS[0]}
	@touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	@echo "==> Preparing the database"
	@$(BIN)/python manage.py ensure_database
	@$(BIN)/python manage.py migrate --noinput

seed: migrate
	@echo "==> Seeding the demo tenant"
	@$(BIN)/python manage.py seed_demo

up: seed
	@echo "==> Starting web, proxy, worker and the demo upstream"
	@$(BIN)/python -m core.devserver

test: $(STAMP)
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

flake: $(STAMP)
	$(BIN)/python tests/flake_check.py --runs $(N) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

types: $(STAMP)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/proxy_overhead.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
