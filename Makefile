# AMMTC Tracker: `make run` serves the app on SQLite, `make test` runs the whole suite;
# `make serve`, `make backup`, `make restore FILE=...` and `make loadtest` are for production.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make run` needs the runtime dependencies only; tests and lint add the dev extras.
STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
BACKUP_DIR ?= backups

.PHONY: run serve backup restore loadtest test lint format setup browser clean bench schema messages gettext

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $(STAMP)

$(DEV_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(DEV_STAMP)

setup: $(DEV_STAMP)

# The demo password is DEMO_PASSWORD, or one made up once and kept in .demo-password (ignored by
# git); the accounts and the login link of the served address are the last lines before serving.
run: export AMMTC_ENV ?= development
run: export ALLOWED_HOSTS ?= localhost,127.0.0.1,[::1],$(HOST)
run: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_reference
	$(BIN)/python manage.py load_demo --url http://$(HOST):$(PORT) --password-file .demo-password
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production server: gunicorn (deploy/gunicorn.conf.py) and WhiteNoise's compressed, hashed
# static files, against PostgreSQL from DATABASE_URL. Without DATABASE_URL it refuses to start
# rather than serve an empty SQLite file: SQLite is for `make run`.
serve: export AMMTC_ENV ?= production
serve: export ALLOWED_HOSTS ?= $(HOST),localhost
serve: $(STAMP)
	@test -n "$$DATABASE_URL" || { echo "make serve needs DATABASE_URL (postgres://user:pass@host:5432/name); make run serves SQLite for development." >&2; exit 2; }
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	HOST=$(HOST) PORT=$(PORT) exec $(BIN)/gunicorn -c deploy/gunicorn.conf.py

# A consistent dump of the database and every stored file, with a manifest of SHA-256 checksums.
backup: $(STAMP)
	$(BIN)/python manage.py backup --output $(BACKUP_DIR)

# Restores a backup into an empty database and storage, and checks every row count and checksum.
restore: $(STAMP)
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/ammtc-YYYYMMDD-HHMMSS.tar" >&2; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

# 20 users for 60 s against gunicorn on a scratch PostgreSQL database, then a reconciliation.
loadtest: $(DEV_STAMP)
	$(BIN)/python bench/loadtest.py

# Browser tests need Debian's Chromium; install it when missing (root on CI and dev machines).
browser:
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }

test: export AMMTC_ENV = test
test: $(DEV_STAMP) browser gettext
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/djhtml --check templates
	AMMTC_ENV=test $(BIN)/python manage.py makemigrations --check --dry-run

# The API's contract, checked in: any change to the API shows as a diff of docs/openapi.yaml, and
# tests/test_api_schema_file.py fails until this is run. Integer bounds come from the database
# backend: the file is PostgreSQL's, as production serves it (no connection is made).
SCHEMA_ENV := AMMTC_ENV=test DATABASE_URL=postgres://schema@127.0.0.1:1/schema
schema: $(DEV_STAMP)
	$(SCHEMA_ENV) $(BIN)/python manage.py spectacular --validate --fail-on-warn --file docs/openapi.yaml

# Against PostgreSQL: BENCH_SCALES=1,10 (default), BENCH_QUICK=1; see README, "Benchmark".
bench: $(DEV_STAMP)
	$(BIN)/python -m bench.run

# After changing marked text: update the catalogs, translate what is new (msgstr "" or fuzzy) in
# locale/<lang>/LC_MESSAGES/django.po, then run it again to compile. The .mo files are committed,
# so `make run` and a deployment need no gettext tools; tests fail on a stale or incomplete one.
messages: $(STAMP) gettext
	AMMTC_ENV=development $(BIN)/python manage.py update_catalogs

gettext:
	@command -v msgfmt >/dev/null || { echo "Installing GNU gettext for makemessages"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext) >/dev/null; }

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/djhtml templates


clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .demo-password
