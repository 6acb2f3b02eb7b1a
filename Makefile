# Avvika – developer entry points. `make run` serves the demo, `make test` runs every check.
# Services (PostgreSQL, Redis) are expected on 127.0.0.1 unless DATABASE_URL / REDIS_URL say otherwise.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
INSTALL_STAMP := $(VENV)/.avvika-installed
NODE_STAMP := node_modules/.avvika-installed
STATIC_STAMP := var/staticfiles/.avvika-collected

DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/avvika
export DATABASE_URL

RUN_HOST ?= 127.0.0.1
RUN_PORT ?= 8000
PYTEST_ARGS ?=

# Development commands: DEBUG on, never the test switch (seed_demo refuses DEBUG=0).
DEV_ENV := env -u AVVIKA_TESTING DEBUG=1
# Tests and static analysis: production-like settings with the test switch (plain HTTP, dev key).
TEST_ENV := env AVVIKA_TESTING=1 DEBUG=0

APPS := cases deviations lexsarah riskanalysis selfcontrol reports
# mypy covers every app's writes and user-dependent reads (pyproject.toml: fully annotated).
TYPED := cases/services cases/selectors cases/types.py \
	cases/complaints/services.py cases/complaints/selectors.py \
	cases/supervision/services.py cases/supervision/selectors.py \
	deviations/services.py deviations/selectors.py lexsarah/services lexsarah/selectors.py \
	riskanalysis/services.py riskanalysis/selectors.py selfcontrol/services.py selfcontrol/selectors.py \
	reports/services.py reports/selectors.py reports/analysis/services.py reports/analysis/selectors.py \
	reports/editions/services.py reports/editions/selectors.py
SYSTEM_PACKAGES := chromium fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help venv install system-deps node-deps db messages static run smoke test pytest lint bench clean distclean

help:
	@echo "make run          set up everything and serve the demo on http://$(RUN_HOST):$(RUN_PORT)/"
	@echo "make test         lint (ruff, mypy, bandit) and the whole pytest suite"
	@echo "make pytest       only pytest (PYTEST_ARGS='-k name' to narrow)"
	@echo "make smoke        background run on :8765, demo login through curl, stop (scripts/smoke_run.sh)"
	@echo "make bench        benchmarks (bench/run.py)"
	@echo "make install | system-deps | node-deps | db | messages | static | lint | clean | distclean"

# --- Python -------------------------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

venv: $(BIN)/python

# Re-installs only when pyproject.toml is newer than the stamp.
$(INSTALL_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]'
	@touch $@

install: $(INSTALL_STAMP)

# --- System and Node packages -------------------------------------------------------------------

system-deps:
	@missing=""; \
	for pkg in $(SYSTEM_PACKAGES); do \
	  dpkg -s "$$pkg" >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	command -v psql >/dev/null 2>&1 || missing="$$missing postgresql-client"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node-deps: $(NODE_STAMP)

# --- Database, translations, static files -------------------------------------------------------

db: install
	scripts/ensure_db.sh
	$(DEV_ENV) $(MANAGE) migrate --noinput
	@$(MAKE) messages static

# compilemessages fails when there is no locale directory at all; Django's own catalogues in
# .venv are already compiled and must not be walked.
messages: install
	@if [ -n "$$(find . -path ./.venv -prune -o -path ./node_modules -prune -o -path ./.git -prune \
	       -o -type d -name locale -print -quit)" ]; then \
	  $(DEV_ENV) $(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0; \
	else \
	  echo "messages: no locale directory yet, skipped"; \
	fi

# collectstatic only when a file under static/ changed (runserver serves static/ itself with
# DEBUG=1; this keeps var/staticfiles current for DEBUG=0 runs).
$(STATIC_STAMP): $(shell find static -type f 2>/dev/null) | $(INSTALL_STAMP)
	$(DEV_ENV) $(MANAGE) collectstatic --noinput -v 0
	@mkdir -p $(dir $@) && touch $@

static: $(STATIC_STAMP)

# --- Run ----------------------------------------------------------------------------------------

run: install system-deps db
	@mkdir -p var/log
	$(DEV_ENV) $(MANAGE) seed_demo | tee var/log/seed_demo.log
	RUN_HOST=$(RUN_HOST) RUN_PORT=$(RUN_PORT) scripts/run_dev.sh

smoke: install system-deps
	scripts/smoke_run.sh

# --- Checks -------------------------------------------------------------------------------------

lint: install
	$(BIN)/ruff check .
	$(TEST_ENV) $(BIN)/lint-imports
	$(TEST_ENV) $(BIN)/mypy $(TYPED)
	$(BIN)/bandit -c pyproject.toml -q -r $(APPS) config -lll

test: install system-deps node-deps messages
	@$(MAKE) lint
	@$(MAKE) pytest

pytest: install
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run.py

# --- Housekeeping -------------------------------------------------------------------------------

clean:
	rm -rf var/staticfiles var/log var/run .mypy_cache .ruff_cache .pytest_cache *.egg-info build
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name __pycache__ -type d -print0 \
	  | xargs -0 rm -rf
	find . -path ./.venv -prune -o -path ./node_modules -prune -o -name '*.mo' -type f -print0 \
	  | xargs -0 rm -f

# Also the virtualenv and node_modules. Never the database or var/private (uploaded attachments).
distclean: clean
	rm -rf $(VENV) node_modules
