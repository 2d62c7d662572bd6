# The two commands a newcomer needs (see README):
#   make demo   set up, generate the demo data (SQLite file ./leadboard.db) and serve the dashboards
#   make test   set up and run the whole test suite (lint, types, SQLite + PostgreSQL tests)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ARGS ?=

.PHONY: setup demo test lint bench clean

setup: $(VENV)/.installed

# Dependencies are pinned in pyproject.toml; constraints.txt pins everything they pull in.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

demo: setup
	$(BIN)/leadboard demo $(DEMO_ARGS)

lint: setup
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy src

test: setup lint
	scripts/with-postgres $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: setup
	scripts/with-postgres $(BIN)/python bench/dashboards.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
