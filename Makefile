# Two commands set everything up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev test test-calendar install lint typecheck format messages chromium demo lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# Served like the product: DEBUG off, gunicorn with ASGI workers (cxplatform/web_server.py), static files collected
# and served by WhiteNoise, a secret key generated once into SECRET_KEY_FILE (mode 600) unless SECRET_KEY is set.
# Without DATABASE_URL / REDIS_URL: an SQLite file and in-process tasks, one gunicorn with ONE worker process (the
# live map's updates then travel in that process's memory, which a second process would not share).
# With REDIS_URL: the Procfile stack (gunicorn web, Celery worker and beat) through honcho.
SECRET_KEY_FILE ?= var/secret_key

run: install
	@mkdir -p var "$(dir $(SECRET_KEY_FILE))"; \
	if [ -z "$$SECRET_KEY" ] && [ ! -s "$(SECRET_KEY_FILE)" ]; then \
		(umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > "$(SECRET_KEY_FILE)"); \
	fi; \
	export DEBUG=$${DEBUG:-0} SECRET_KEY_FILE="$(abspath $(SECRET_KEY_FILE))"; \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py seed_demo && \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	echo "CX Platform: http://$(HOST):$(PORT)/ (developers: make dev)" && \
	if [ -n "$$REDIS_URL" ]; then \
		PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) exec $(BIN)/honcho start -f Procfile -p $(PORT); \
	else \
		exec $(BIN)/gunicorn cxplatform.asgi -c python:cxplatform.web_server --bind $(HOST):$(PORT) \
			--workers 1 --access-logfile -; \
	fi

# For developers: an autoreloading ASGI server (uvicorn --reload: the pages and the live map's WebSockets, static
# files from static/ through WhiteNoise's finders) with DEBUG on (tracebacks, the debug 404 page).
dev: install
	@export DEBUG=$${DEBUG:-1}; \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py seed_demo && \
	exec $(BIN)/uvicorn cxplatform.asgi:application --reload --reload-dir cxplatform --reload-dir journeys \
		--reload-dir teams --reload-dir metrics --reload-dir templates --reload-include '*.html' \
		--host $(HOST) --port $(PORT)

demo: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py seed_demo --reset-passwords

# Browser tests drive Debian's Chromium; Playwright cannot download a browser here.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "Chromium is missing: 'sudo apt-get install chromium' (browser tests are skipped without it)."; \
		fi; \
	fi

# The whole suite today, then the tests marked `calendar` again as if today were each of these local moments: the
# first of a month (just after midnight, still the day before in UTC), New Year, the last Sundays of March and
# October (the clocks change in Amsterdam; 02:30 on the October day happens twice), 31 December late in the
# evening and 29 February.
CALENDAR_DAYS ?= 2027-03-01T00:30 2027-01-01T00:30 2027-03-28T03:30 2026-10-25T02:30 2026-12-31T23:30 2028-02-29T10:00

# The OpenID Connect provider the single sign-on tests start (tests/oidc_provider: the certified npm package
# oidc-provider, pinned by its package-lock.json). Without node the SSO tests skip locally and fail in CI.
OIDC_PROVIDER := tests/oidc_provider
$(OIDC_PROVIDER)/node_modules/.installed: $(OIDC_PROVIDER)/package-lock.json
	@if command -v npm >/dev/null; then \
		cd $(OIDC_PROVIDER) && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	else \
		echo "npm is missing: the single sign-on tests need Node.js 20.19+ (apt-get install nodejs npm)."; \
	fi

.PHONY: oidc-provider
oidc-provider: $(OIDC_PROVIDER)/node_modules/.installed

test: install chromium oidc-provider
	$(BIN)/pytest
	$(MAKE) --no-print-directory test-calendar

test-calendar: install
	@set -e; for day in $(CALENDAR_DAYS); do \
		echo "== the calendar tests as if it were $$day"; \
		$(BIN)/pytest -q -p no:cacheprovider --today=$$day; \
	done

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with the Django and DRF stubs, on the paths listed in pyproject.toml ([tool.mypy] files): cxplatform/lib, the
# services and the selectors. The plugin imports the test settings, which need no DATABASE_URL or SECRET_KEY.
typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Needs GNU gettext (apt-get install gettext).
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages --locale nl --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*'
	DEBUG=1 $(BIN)/python manage.py compilemessages --locale nl --ignore '.venv/*'

# Re-lock the pinned requirements after changing pyproject.toml.
LOCK_FLAGS := --quiet --strip-extras --no-header --no-emit-index-url --no-emit-find-links --no-emit-trusted-host
lock: install
	$(BIN)/pip-compile $(LOCK_FLAGS) -o requirements.txt pyproject.toml
	$(BIN)/pip-compile $(LOCK_FLAGS) --extra dev -o requirements-dev.txt pyproject.toml

# The README's screenshots (docs/screenshot-map.png, docs/screenshot-dashboard.png), retaken from the demo in a
# throwaway SQLite database by docs/screenshots.py (needs Chromium: make chromium).
.PHONY: screenshots
screenshots: install chromium
	$(BIN)/python docs/screenshots.py
