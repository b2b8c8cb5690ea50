# Two commands do everything: `make run` serves the app with demo data, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: run test pytest browser lint deploy-check setup demo bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

demo: setup
	$(BIN)/python manage.py load_demo

# The background worker (roster imports, notification digests and reminders) and the clock that
# queues the daily digest and hourly reminders run beside the server and stop with it. They do
# not reload on code changes, since a reloading worker's child would outlive a stopped server.
run: demo
	$(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	$(BIN)/python manage.py notification_clock & clock=$$!; \
	trap 'kill $$worker $$clock 2>/dev/null; wait $$worker $$clock' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup pytest

# Races need real concurrent connections: on SQLite that takes a database file (ignored when
# DATABASE_URL names PostgreSQL, where every thread has its own connection anyway).
pytest: $(STAMP)
	$(BIN)/python -m pytest
	rm -f $(CURDIR)/.test-races.sqlite3*
	TEST_DATABASE_FILE=$(CURDIR)/.test-races.sqlite3 $(BIN)/python -m pytest -m race tests/races

lint: $(STAMP)
	$(BIN)/ruff check .

deploy-check: $(STAMP)
	DEBUG=0 SECRET_KEY=deploy-check-$$(date +%s%N)-not-a-real-secret-key-0123456789abcdef \
	ALLOWED_HOSTS=history.example.org \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

browser: $(STAMP)
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	test -f node_modules/vnu-jar/build/dist/vnu.jar || npm ci --no-audit --no-fund
	rm -rf test-artifacts
	TEST_DATABASE_FILE=$(CURDIR)/.test-browser.sqlite3 $(BIN)/python -m pytest -m browser tests/browser
	java -jar node_modules/vnu-jar/build/dist/vnu.jar --errors-only --skip-non-html test-artifacts/html

# The builder; the CPU time of each page no cache can answer (production settings); then a
# class period of 200 students under gunicorn, on SQLite and on PostgreSQL, against the floor.
BENCH_ENV := DEBUG=0 LOG_LEVEL=ERROR ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 \
	SECRET_KEY=bench-only-$$(date +%s%N)-not-a-real-secret-key-0123456789abcdef

bench: setup
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	status=0; \
	$(BIN)/python -m lessons.builder.bench || status=1; \
	$(BENCH_ENV) $(BIN)/python manage.py bench_pages || status=1; \
	$(BIN)/python scripts/bench_class.py --db sqlite || status=1; \
	$(BIN)/python scripts/bench_class.py --db postgres || status=1; \
	exit $$status

clean:
	rm -rf $(VENV) staticfiles

# Hardening checks that start their own gunicorn; not part of CI (see README).
.PHONY: load multiprocess

load: $(STAMP)
	$(BIN)/python scripts/loadtest.py --db postgres
	$(BIN)/python scripts/loadtest.py --db sqlite

multiprocess: $(STAMP)
	$(BIN)/python scripts/multiprocess_check.py
