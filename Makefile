# The two commands: `make run` (everything, with demo data) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/rehabplan

.PHONY: run test test-year-ahead fuzz lint check setup format bench

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (Python 3.11)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

.env:
	cp .env.example .env

setup: $(VENV)/.installed .env
	bash scripts/ensure-pango.sh

run: setup
	bash scripts/run.sh

test: setup
	bash scripts/ensure-services.sh
	bash scripts/ensure-chromium.sh
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) -m pytest -p no:cacheprovider $(PYTEST_ARGS)

# The suite without the browser tests once more, with the clock 400 days ahead (libfaketime): no test may depend on
# the machine's date. The browser's clock cannot be moved with it. CI runs it after `make test`.
test-year-ahead: setup
	bash scripts/ensure-services.sh
	bash scripts/ensure-debian-package.sh /usr/bin/faketime faketime "the year-ahead test run"
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} faketime -f +400d \
		$(PY) -m pytest -p no:cacheprovider -m "not browser" -n 2 $(PYTEST_ARGS)

# Schemathesis against /api/schema/ (tests/api/test_fuzz.py): minutes, so not part of `make test`; CI runs both.
fuzz: setup
	bash scripts/ensure-services.sh
	FUZZ=1 DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) -m pytest -p no:cacheprovider -m fuzz -n 2 tests/api/test_fuzz.py $(PYTEST_ARGS)

# Every script under bench/ (tens of minutes: 100,000 runners' reminders, 200 phones for 5 minutes, Lighthouse), then
# BENCHMARKS.md with each figure, its budget and the machine. Not part of CI: figures are not tests.
bench: setup
	bash scripts/ensure-services.sh
	bash scripts/ensure-chromium.sh
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} $(PY) bench/run_all.py $(BENCH_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: test test-year-ahead fuzz lint
