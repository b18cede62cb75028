# Ringledger: the two commands are `make demo` and `make test`.
# Both create what they need (virtualenvs, Debian packages for tests) on a fresh machine.

PYTHON ?= python3.11
VENV := .venv
SUPERSET_VENV := .venv-superset
RL := $(VENV)/bin/ringledger
DEMO_ARGS ?=
PYTEST_ARGS ?=
# test files run in parallel, each file whole in one worker (its module fixtures run once; a session
# fixture such as the demo company's pipeline run runs once in each worker that needs it)
TEST_WORKERS ?= auto
export DAGSTER_HOME ?= $(CURDIR)/var/dagster

.PHONY: help env demo pipeline stop test test-fast test-reliability bench lint clean

help:
	@echo "make demo   generate the demo company, run the pipeline, start Superset (:8088) and Dagster (:3000)"
	@echo "make stop   stop the web apps started by make demo"
	@echo "make test   run every test (creates the environments it needs)"
	@echo "make test-reliability  the fault, fuzz and kill -9 scenarios only"
	@echo "make bench  benchmark the pipeline (BENCH_CALLS=1000000 by default)"
	@echo "make lint   ruff, the import layering contract and mypy on the Python code; dbt parse and sqlfluff on the dbt models"
	@echo "make clean  remove generated data under var/ (keeps the environments)"

# --- environments -----------------------------------------------------------
# --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set (as on CI), nothing caches bytecode at run
# time, and every Dagster/dbt/Superset process would compile its imports again (dagster: 10 s -> 4 s).
$(VENV)/.installed: requirements/pipeline.lock pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip --version >/dev/null 2>&1 || $(VENV)/bin/python -m ensurepip >/dev/null
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check uv
	$(VENV)/bin/uv pip install -q --compile-bytecode --python $(VENV)/bin/python -r requirements/pipeline.lock
	$(VENV)/bin/uv pip install -q --python $(VENV)/bin/python --no-deps -e .
	touch $@

$(SUPERSET_VENV)/.installed: requirements/superset.lock $(VENV)/.installed
	test -x $(SUPERSET_VENV)/bin/python || $(VENV)/bin/uv venv -q --python $(PYTHON) $(SUPERSET_VENV)
	$(VENV)/bin/uv pip install -q --compile-bytecode --python $(SUPERSET_VENV)/bin/python -r requirements/superset.lock
	touch $@

env: $(VENV)/.installed $(SUPERSET_VENV)/.installed

# --- the demo ----------------------------------------------------------------
demo: env
	$(RL) demo-data $(DEMO_ARGS)
	$(RL) pipeline
	scripts/superset.sh setup
	scripts/superset.sh start
	scripts/dagster.sh start
	@echo
	@echo "Ringledger demo is running:"
	@echo "  Superset  http://127.0.0.1:$${SUPERSET_PORT:-8088}  login: $$(scripts/superset.sh login)  (dashboard: Calls overview)"
	@echo "            password and session key in $${SUPERSET_HOME:-var/superset}/admin_password, secret_key (mode 0600,"
	@echo "            generated at the first setup; SUPERSET_ADMIN_PASSWORD, SUPERSET_SECRET_KEY override them)"
	@echo "  Dagster   http://127.0.0.1:$${DAGSTER_PORT:-3000}  (no login)"
	@echo "Stop both with: make stop"

pipeline: $(VENV)/.installed
	$(RL) pipeline

stop:
	-scripts/dagster.sh stop
	-scripts/superset.sh stop

# --- tests and checks ---------------------------------------------------------
test: env lint
	scripts/install-system-deps.sh
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

test-fast: $(VENV)/.installed
	$(VENV)/bin/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

test-reliability: env
	RINGLEDGER_PIPELINE_KILL_ROUNDS=$${RINGLEDGER_PIPELINE_KILL_ROUNDS:-3} \
	  $(VENV)/bin/python -m pytest -m reliability $(PYTEST_ARGS)

bench: env
	$(VENV)/bin/python -m bench $(BENCH_ARGS)

# fastest first. dbt parse needs no warehouse (nothing connects); in full, as the pipeline parses
# (orchestration/defs/transform.py), whose manifest it writes. sqlfluff: dbt_project/.sqlfluff; the
# "leaked semaphore objects" warning its process pool may print at exit is harmless (sqlfluff #4080).
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check ingestion orchestration ringledger bench tests dbt_project/sqlfluff_stubs
	$(VENV)/bin/ruff format --check ingestion orchestration ringledger bench tests dbt_project/sqlfluff_stubs
	PYTHONPATH=. $(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy
	$(VENV)/bin/dbt parse --quiet --no-partial-parse --project-dir dbt_project --profiles-dir dbt_project
	$(VENV)/bin/sqlfluff lint --processes 0 dbt_project/models

clean:
	rm -rf var dbt_project/target dbt_project/logs
