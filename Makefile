# Pastoral: `make run` serves the demo school; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails point at the server `make run` starts (PORT=8101 make run),
# unless SITE_URL is set in the environment.
SITE_URL ?= http://$(HOST):$(PORT)
DEV_ENV := DEBUG=1 SITE_URL=$(SITE_URL)
PYTEST_ARGS ?=

.PHONY: install run test lint fmt bench bench-audit load check-deploy clean demo-reset

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Pastoral needs Python 3.11 or newer"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip uv
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements.lock
	@touch $@

install: $(VENV)/.installed

run: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_demo --if-empty --quiet-sign-ins
	@# No broker here: tasks run in-process, so fire the reminder job once now
	@# (idempotent: re-running never repeats a reminder). Run it again, or from
	@# cron, with `manage.py run_reminders`; with REDIS_URL set, beat does it.
	$(DEV_ENV) $(PY) manage.py run_reminders
	@# The sign-ins last, so that they are on screen when the server starts.
	@$(DEV_ENV) $(PY) manage.py seed_demo --if-empty
	@echo "Serving Pastoral at http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(DEV_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(DEV_ENV) $(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	  AUDIT_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(48))') \
	  ALLOWED_HOSTS=pastoral.example.org REDIS_URL=redis://127.0.0.1:6379/0 $(PY) manage.py check --deploy --fail-level WARNING

# make bench BENCH_ARGS="--repeat 10 --only learner"; make load LOAD_ARGS="--users 20 --duration 30"
BENCH_ARGS ?=
LOAD_ARGS ?=

bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

load: install
	$(PY) bench/load.py $(LOAD_ARGS)

# Audited views per second and the DSL inbox under 16 clients (PostgreSQL).
bench-audit: install
	$(PY) bench/audit.py $(BENCH_ARGS)

demo-reset:
	rm -f db.sqlite3

clean:
	rm -rf $(VENV) staticfiles var/reports
