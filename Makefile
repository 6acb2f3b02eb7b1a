# Avvika – developer entry points. `make run` serves the demo, `make test` runs every check.
# PostgreSQL and Redis: DATABASE_URL / REDIS_URL when they answer; with nothing on the local
# defaults, private instances under var/ (scripts/services.py; `make stop` stops them).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
INSTALL_STAMP := $(VENV)/.avvika-installed
RUN_STAMP := $(VENV)/.avvika-installed-run
NODE_STAMP := node_modules/.avvika-installed
STATIC_STAMP := var/staticfiles/.avvika-collected

DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/avvika
export DATABASE_URL

RUN_HOST ?= 127.0.0.1
RUN_PORT ?= 8000
PYTEST_ARGS ?=
# xdist workers for the main pytest pass ("auto": one per core).
PYTEST_WORKERS ?= auto

# Ports of the private PostgreSQL and Redis, used only when nothing answers on the defaults.
PRIVATE_PG_PORT ?= 54329
PRIVATE_REDIS_PORT ?= 63799
export PRIVATE_PG_PORT PRIVATE_REDIS_PORT
SERVICES_ENV := var/services.env
# Recipe lines that talk to PostgreSQL or Redis run with the URLs `make services` chose.
USE_SERVICES := set -a && . ./$(SERVICES_ENV) && set +a &&

# Development commands: DEBUG on, never the test switch (seed_demo refuses DEBUG=0).
DEV_ENV := env -u AVVIKA_TESTING DEBUG=1
# Tests and static analysis: production-like settings with the test switch (plain HTTP, dev key).
TEST_ENV := env AVVIKA_TESTING=1 DEBUG=0

APPS := cases deviations lexsarah riskanalysis selfcontrol reports
# Debian packages: RUN_PACKAGES for the demo (WeasyPrint's Pango, gettext), TEST_PACKAGES
# only for the tests (browser tests; pdftoppm to look at a compiled PDF); psql and npm by command.
RUN_PACKAGES := fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 gettext xmlsec1
TEST_PACKAGES := chromium poppler-utils
# mypy covers every app's writes and user-dependent reads (pyproject.toml: fully annotated).
TYPED := cases/services cases/selectors cases/types.py cases/archive/services.py cases/archive/selectors.py \
	cases/complaints/services.py cases/complaints/selectors.py \
	cases/supervision/services.py cases/supervision/selectors.py \
	deviations/services.py deviations/selectors.py lexsarah/services lexsarah/selectors.py \
	riskanalysis/services.py riskanalysis/selectors.py selfcontrol/services.py selfcontrol/selectors.py \
	reports/services.py reports/selectors.py reports/analysis/services.py reports/analysis/selectors.py \
	reports/editions/services.py reports/editions/selectors.py
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help venv install install-run system-deps run-deps node-deps services stop db messages static run smoke test pytest lint bench clean distclean

help:
	@echo "make run          set up everything and serve the demo on http://$(RUN_HOST):$(RUN_PORT)/"
	@echo "make test         lint (ruff, mypy, bandit) and the whole pytest suite"
	@echo "make pytest       only pytest (PYTEST_ARGS='-k name' to narrow)"
	@echo "make stop         stop the private PostgreSQL and Redis that make run/test started"
	@echo "make smoke        background run on :8765, demo login through curl, stop (scripts/smoke_run.sh)"
	@echo "make bench        benchmarks (bench/run.py)"
	@echo "make install | system-deps | node-deps | services | db | messages | static | lint | clean | distclean"

# --- Python -------------------------------------------------------------------------------------

# Debian's Python has no venv module until pythonX.Y-venv is installed.
$(BIN)/python:
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
	  pkg="python$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv"; \
	  echo "Installing Debian package $$pkg"; \
	  $(SUDO) apt-get update -q; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends "$$pkg"; }
	$(PYTHON) -m venv $(VENV)

venv: $(BIN)/python

# Re-installs only when pyproject.toml is newer than the stamp.
$(INSTALL_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -e '.[dev]'
	@touch $@

install: $(INSTALL_STAMP)

# `make run` needs only the runtime packages: a fresh clone serves its demo ~25 s sooner
# without the dev extras (Playwright, mypy, …), which `make test` adds. Nothing to do when the
# full install is current.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	@if [ ! $(INSTALL_STAMP) -nt pyproject.toml ]; then \
	  echo "$(BIN)/python -m pip install -q -e ."; \
	  $(BIN)/python -m pip install --disable-pip-version-check -q -e .; \
	fi
	@touch $@

install-run: $(RUN_STAMP)

# --- System and Node packages -------------------------------------------------------------------

# $(call apt_missing,PACKAGES,COMMANDS): install those of PACKAGES that dpkg does not know and
# the package of each COMMAND (command=package) that is not on the PATH; nothing when all are.
define apt_missing
	@missing=""; \
	for pkg in $(1); do \
	  dpkg -s "$$pkg" >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	for pair in $(2); do \
	  command -v "$${pair%%=*}" >/dev/null 2>&1 || missing="$$missing $${pair#*=}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi
endef

system-deps:
	$(call apt_missing,$(RUN_PACKAGES) $(TEST_PACKAGES),psql=postgresql-client npm=npm)

run-deps:
	$(call apt_missing,$(RUN_PACKAGES),psql=postgresql-client)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node-deps: $(NODE_STAMP)

# --- Services: PostgreSQL and Redis -------------------------------------------------------------

# Uses DATABASE_URL / REDIS_URL when they answer; starts private instances under var/ when they
# point at the local defaults and nothing answers; stops with a message otherwise. Writes the
# URLs to use to $(SERVICES_ENV). System Python: it runs before the virtualenv is needed.
services:
	@$(PYTHON) scripts/services.py ensure

# Only the private instances of this checkout; never a server the project did not start.
stop:
	@$(PYTHON) scripts/services.py stop

# --- Database, translations, static files -------------------------------------------------------

db: install-run services
	$(USE_SERVICES) scripts/ensure_db.sh
	$(USE_SERVICES) $(DEV_ENV) $(MANAGE) migrate --noinput
	@$(MAKE) messages static

# compilemessages fails when there is no locale directory at all; Django's own catalogues in
# .venv are already compiled and must not be walked.
messages: install-run
	@if [ -n "$$(find . -path ./.venv -prune -o -path ./node_modules -prune -o -path ./.git -prune \
	       -o -type d -name locale -print -quit)" ]; then \
	  $(DEV_ENV) $(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0; \
	else \
	  echo "messages: no locale directory yet, skipped"; \
	fi

# collectstatic only when a file under static/ changed (runserver serves static/ itself with
# DEBUG=1; this keeps var/staticfiles current for DEBUG=0 runs).
$(STATIC_STAMP): $(shell find static -type f 2>/dev/null) | $(RUN_STAMP)
	$(DEV_ENV) $(MANAGE) collectstatic --noinput -v 0
	@mkdir -p $(dir $@) && touch $@

static: $(STATIC_STAMP)

# --- Run ----------------------------------------------------------------------------------------

run: install-run run-deps db
	@mkdir -p var/log
	$(USE_SERVICES) $(DEV_ENV) $(MANAGE) seed_demo | tee var/log/seed_demo.log
	$(USE_SERVICES) RUN_HOST=$(RUN_HOST) RUN_PORT=$(RUN_PORT) scripts/run_dev.sh

smoke: install system-deps
	scripts/smoke_run.sh

# --- Checks -------------------------------------------------------------------------------------

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/lint-imports
	$(TEST_ENV) $(BIN)/mypy $(TYPED)
	$(BIN)/bandit -c pyproject.toml -q -r $(APPS) config -lll

# Two passes (scripts/pytest_passes.sh): everything but tests/faults on $(PYTEST_WORKERS) xdist
# workers, then the fault tests alone, since they stop servers and kill workers.
PYTEST_PASSES := $(USE_SERVICES) $(TEST_ENV) PYTEST_WORKERS=$(PYTEST_WORKERS) scripts/pytest_passes.sh

test: install system-deps node-deps messages services
	@$(MAKE) lint
	$(PYTEST_PASSES) $(PYTEST_ARGS)

pytest: install services
	$(PYTEST_PASSES) $(PYTEST_ARGS)

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
