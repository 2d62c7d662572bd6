# The two commands a newcomer needs (see README):
#   make demo   set up, generate the demo data (SQLite file ./leadboard.db) and serve the dashboards
#   make test   set up and run the whole test suite (lint, types, SQLite + PostgreSQL + browser tests)
PYTHON ?= python3
NPM ?= npm
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/leadboard/web/static/vendor
DEMO_ARGS ?=

.PHONY: setup demo test lint bench bench-pages chromium dist check-package audit clean

setup: $(VENV)/.installed $(VENDOR)/VERSIONS

# Dependencies are pinned in pyproject.toml; constraints.txt pins everything they pull in.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# Browser code: npm packages pinned in package.json + package-lock.json, copied (with their
# licences) into the package's static folder by scripts/vendor-assets; never committed.
node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund --ignore-scripts  # no package needs an install script
	touch $@

$(VENDOR)/VERSIONS: node_modules/.package-lock.json scripts/vendor-assets
	scripts/vendor-assets

# The browser tests drive Debian's Chromium: installed here when missing (as root, as CI runs).
chromium:
	scripts/ensure-chromium

demo: setup
	$(BIN)/leadboard demo $(DEMO_ARGS)

lint: setup
	$(BIN)/ruff check src tests bench scripts build_backend
	$(BIN)/ruff format --check src tests bench scripts build_backend
	$(BIN)/mypy src tests  # strict (pyproject.toml): the tests are type-checked too

# Warnings are errors (pyproject.toml); branch coverage of src/leadboard, subprocesses included,
# must reach 90 % overall and 95 % in the semantic layer. The tests run in TEST_WORKERS processes
# (pytest-xdist; auto = one per core, at most 4: each worker makes its own demo databases, keeps
# its own PostgreSQL connections and Chromium): each has its own databases, ports and files.
# pytest-cov saves each worker's data before the worker ends (`coverage run` around xdist lost a
# worker's data now and then) and combines it with the subprocesses'; the floors are checked below.
TEST_WORKERS ?= auto
test: setup lint chromium
	$(BIN)/coverage erase
	scripts/with-postgres $(BIN)/python -m pytest -n $(TEST_WORKERS) --maxprocesses 4 \
		--cov --cov-report= --cov-fail-under=0 $(PYTEST_ARGS)
	$(BIN)/coverage report
	$(BIN)/coverage report --include='src/leadboard/semantic/*' --fail-under=95
	$(MAKE) check-package

# The sdist and wheel, with the browser libraries inside (the build refuses without them).
dist: setup
	$(BIN)/python -m build --outdir dist .

# The wheel installed into a fresh virtual environment serves working dashboards.
check-package: setup
	$(BIN)/python scripts/check-package

# Known vulnerabilities in the pinned Python set (pip-audit, OSV database) and the browser
# packages (npm audit): both ask a service on the internet, so this is not part of `make test`.
# pip-audit lives in a virtual environment of its own: the project's stays exactly the pinned set.
audit: setup
	$(PYTHON) -m venv .venv-audit
	.venv-audit/bin/python -m pip install --quiet pip-audit==2.10.1
	.venv-audit/bin/pip-audit --requirement constraints.txt --no-deps --disable-pip \
		--vulnerability-service osv
	$(NPM) audit --omit=dev

bench: setup
	scripts/with-postgres $(BIN)/python bench/dashboards.py $(BENCH_ARGS)

bench-pages: setup chromium
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

# Everything the commands above made, the demo database included.
clean:
	rm -rf $(VENV) .venv-audit .pytest_cache .mypy_cache .ruff_cache .hypothesis node_modules $(VENDOR) \
		artifacts dist build src/*.egg-info
	rm -f leadboard.db leadboard.db-wal leadboard.db-shm .coverage .coverage.*
