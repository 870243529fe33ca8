# landgis developer tasks.  On a fresh Debian/Ubuntu machine:
#   make run     set up everything, load demo data, serve on http://127.0.0.1:8000
#   make test    set up everything, lint, run the test suite against PostGIS

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock

HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
export PYTEST_ARGS
LOCK_ARGS ?=
BENCH_ARGS ?=
SOAK_ARGS ?=
SOAK_BACKENDS ?= spatialite postgis

.DEFAULT_GOAL := help
.PHONY: help venv install lock system-deps bench-deps run test bench soak lint typecheck \
	messages catalogues clean distclean

help:
	@echo "make install   create $(VENV) and install landgis with its test extras, at the"
	@echo "               exact versions of $(LOCK)"
	@echo "make lock      re-resolve $(LOCK) after a dependency changed in pyproject.toml"
	@echo "               (make lock LOCK_ARGS='--upgrade-package pandas', or --upgrade)"
	@echo "make run       init the database, load demo data, serve on $(HOST):$(PORT)"
	@echo "               (make run HOST=0.0.0.0 PORT=8080)"
	@echo "make test      ruff + pytest against a fresh PostGIS database"
	@echo "               (make test PYTEST_ARGS='-k ledger -x')"
	@echo "make bench     benchmark suite: landgis beside tipg, ogr2ogr, ... (~20 min);"
	@echo "               writes bench/results.md (make bench BENCH_ARGS='--quick --rows 1,2')"
	@echo "make soak      every kind of client at once for 3 min per backend: 5xx, lost"
	@echo "               updates, latency (make soak SOAK_ARGS='--minutes 1' SOAK_BACKENDS=postgis)"
	@echo "make lint      ruff check + ruff format --check + mypy"
	@echo "make messages  extract the texts of code and templates into landgis/locale and"
	@echo "               update the zh_CN and en catalogues (lists what lacks English)"
	@echo "make typecheck mypy alone (settings in pyproject.toml [tool.mypy])"
	@echo "make clean     remove caches and build artifacts (distclean: also $(VENV))"

system-deps:
	@bash scripts/system-deps.sh

venv: install
install: $(STAMP) catalogues

$(BIN)/python: | system-deps
	$(PYTHON) -m venv $(VENV)

# Re-install only when pyproject.toml or the lock changed since the last successful install.
# Every dependency comes from the lock (exact versions, hashes checked), then landgis itself is
# installed editable without resolving anything; pip check fails when the lock no longer
# satisfies pyproject.toml (run make lock).
$(STAMP): pyproject.toml $(LOCK) | system-deps $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --no-deps -e .
	$(BIN)/python -m pip check
	@touch $@

# The runtime dependencies, the test and bench extras, resolved for every platform and Python >= 3.11,
# with hashes.  Versions already in the lock are kept while they still fit pyproject.toml.
lock: | $(BIN)/python
	$(BIN)/python -m pip install -q "$$(grep -o '^uv==[^ ]*' $(LOCK))"
	$(BIN)/uv pip compile --quiet pyproject.toml --extra test --extra bench --universal --generate-hashes \
		--custom-compile-command 'make lock' -o $(LOCK) $(LOCK_ARGS)

# The message catalogues, compiled (again) whenever one changed (they carry no header,
# which Babel reads as "fuzzy"; a fuzzy message fails the tests instead).
CATALOGUES := $(wildcard landgis/locale/*/LC_MESSAGES/landgis.po)
catalogues: $(CATALOGUES:.po=.mo)
%.mo: %.po | $(STAMP)
	$(BIN)/pybabel compile --statistics --use-fuzzy -D landgis -l $(word 3,$(subst /, ,$<)) -i $< -o $@

messages: install
	$(BIN)/python scripts/messages.py

run: install
	$(BIN)/landgis init
	$(BIN)/landgis demo
	$(BIN)/landgis serve --host $(HOST) --port $(PORT)

test: install
	bash scripts/test.sh

bench-deps:
	@bash scripts/system-deps.sh --bench

bench: install bench-deps
	$(BIN)/python -m bench.run $(BENCH_ARGS)

soak: install
	for backend in $(SOAK_BACKENDS); do \
		$(BIN)/python -m bench.soak --backend $$backend $(SOAK_ARGS) || exit 1; \
	done

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	bash scripts/typecheck.sh

typecheck: install
	bash scripts/typecheck.sh

clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache .hypothesis test-artifacts
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
