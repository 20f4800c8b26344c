# The two commands people use are `make run` and `make test`; the rest are for developers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev test test-fast test-clock demo lint layers types bench bench-national clean messages

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

# `make run` serves as an installation would (DEBUG off, gunicorn, static files collected and served by
# WhiteNoise, the site's own error pages), over plain http on this machine: DJANGO_HTTPS=0 (docs/operations.md).
# The secret key is generated once into .env (config/envfile.py).
RUN_ENV := DJANGO_DEBUG=0 DJANGO_HTTPS=0

run: $(VENV)/.installed
	$(PY) -m config.envfile
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_demo
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v 0
	@$(PY) -m config.envfile --banner "http://$(HOST):$(PORT)/"
	$(RUN_ENV) $(VENV)/bin/gunicorn config.wsgi:application --bind $(HOST):$(PORT) --workers 2 --timeout 120 \
		--access-logfile -

# Debugging: DEBUG on (Django's technical error pages), runserver reloading on every code change.
dev: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Chung Tay (gỡ lỗi, DEBUG bật): http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	$(PY) manage.py runserver $(HOST):$(PORT)

demo: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

# Two workers (pytest-xdist; one per core of a small machine, TEST_WORKERS=auto for every core). loadgroup
# keeps the tests of the shared demo (conftest.py) on one worker, one after another.
TEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist loadgroup
# Extra pytest arguments, e.g. make test PYTEST_ARGS='-m "not database_independent"' (what .ci/run's PostgreSQL pass does).
PYTEST_ARGS ?=

test: $(VENV)/.installed-dev
	$(PY) -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

# The edit loop: no browser, no LibreOffice, no PDFs (markers registered in pyproject.toml).
test-fast: $(VENV)/.installed-dev
	$(PY) -m pytest $(PYTEST_PARALLEL) -q -m "not browser and not libreoffice and not pdf"

# The suite must not depend on the day it runs: run it with the clock a year ahead, then a year back
# (libfaketime; monotonic time stays real, or timed waits hang; conftest.py mends libfaketime's sleep and
# keeps Chromium on the real clock). Both runs go; it fails if either does.
test-clock: $(VENV)/.installed-dev
	@if ! command -v faketime >/dev/null; then \
		echo "test-clock skipped: faketime is not installed (apt-get install faketime)"; exit 0; fi; \
	status=0; for shift in +365d -365d; do \
		echo "== make test-clock: clock moved $$shift =="; \
		FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "$$shift" $(PY) -m pytest $(PYTEST_PARALLEL) -q -p no:cacheprovider \
			|| status=1; \
	done; exit $$status

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# The apps' layers (.importlinter, docs/architecture.md): an app imports only the apps below it.
layers: $(VENV)/.installed-dev
	$(VENV)/bin/lint-imports --no-cache

types: $(VENV)/.installed-dev
	$(VENV)/bin/mypy chungtay config

messages: $(VENV)/.installed-dev
	$(PY) manage.py compile_catalogs

bench: $(VENV)/.installed-dev
	$(PY) -m bench

bench-national: $(VENV)/.installed-dev
	$(PY) -m bench --scale national

clean:
	rm -rf $(VENV) var db.sqlite3 .pytest_cache test-artifacts
