# The two commands of the README, and the ones developers use around them.
#   make demo   a working platform on http://127.0.0.1:8000 with demo data and printed logins
#   make test   every check and the whole test suite, on SQLite and PostgreSQL
#   make ci     what CI runs on a fresh machine (installs system packages, PostgreSQL)
#   make lint   ruff check and format check only
#   make bench  benchmarks at a named data scale, SCALE=community|district|city (not part of
#               `make test`; see bench/README.md)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when the dependencies changed.
STAMP := $(VENV)/.installed-from-pyproject
SCALE ?= community
BENCH_DATA ?= $(CURDIR)/dangjian-data/bench-$(SCALE)

.PHONY: setup demo test ci lint format bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/dangjian demo

test: setup
	scripts/test

ci:
	CI=true bash .ci/run

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Builds data at $(SCALE) once (SQLite in $(BENCH_DATA), or the database in DATABASE_URL; district
# scale wants PostgreSQL, see bench/README.md) and times the tree pages and the API.
bench: setup
	DANGJIAN_DATA_DIR=$(BENCH_DATA) $(BIN)/dangjian manage migrate --no-input
	DANGJIAN_DATA_DIR=$(BENCH_DATA) $(BIN)/dangjian manage generate --scale $(SCALE) --if-empty
	DANGJIAN_DATA_DIR=$(BENCH_DATA) $(BIN)/python bench/bench_trees.py
