# Lentera: `make run` serves the app, `make test` runs the whole suite.
# Both create .venv, install the pinned requirements, compile the
# translations and prepare instance/ on a fresh machine, and are idempotent.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 5000
# `make run` serves plain HTTP for development (unless WBS_ENV says otherwise),
# and every command it runs uses the same settings: the server binds
# HOST:PORT and every command prints links to that address (config.py derives
# BASE_URL from them unless WBS_BASE_URL is set).
SERVED := WBS_ENV=$${WBS_ENV:-development} WBS_TLS=$${WBS_TLS:-false} HOST=$(HOST) PORT=$(PORT)
PYTEST_ARGS ?=
# `make test` spreads the suite over one pytest-xdist worker per core (each
# with its own database, temp folder and servers); TEST_WORKERS=0 runs it in
# one process.
TEST_WORKERS ?= auto

TRANSLATIONS := wbs_app/translations
PO_FILES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test install install-dev translations translations-update instance migrate setup-link lint typecheck bench clean demo

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

%.mo: %.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

translations: $(MO_FILES)

# Re-extract the messages and merge them into the catalogues (for translators).
translations-update: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --omit-header -o $(TRANSLATIONS)/messages.pot .
	$(VENV)/bin/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching

instance: $(VENV)/.installed
	$(PY) config.py init

# gunicorn sweeps the attachment store itself on start, then starts the
# scheduled worker (`wbs worker`) beside it and stops it on exit (gunicorn.conf.py).
migrate: instance translations
	$(SERVED) $(VENV)/bin/flask --app wsgi wbs db-upgrade

# Prints a one-time set-up link while no administrator exists.
setup-link: migrate
	$(SERVED) $(VENV)/bin/flask --app wsgi wbs setup-link

run: setup-link
	$(SERVED) $(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

# A demo organisation with staff whose passwords and TOTP keys are printed.
demo: migrate
	$(SERVED) $(VENV)/bin/flask --app wsgi wbs seed-demo

test: install-dev translations instance
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .

typecheck: install-dev
	$(VENV)/bin/mypy

# Every benchmark of DESIGN.md section 6, written to docs/performance.md.
bench: install-dev translations
	$(PY) -m bench.report --out docs/performance.md

clean:
	rm -rf $(VENV) $(MO_FILES) .pytest_cache .mypy_cache .ruff_cache
