# The bookstore's entry points. The README's two set-up commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Absolute links (the in-process PayPal simulator, emails, sitemaps) follow the address served.
RUN_ENV := SITE_BASE_URL=$${SITE_BASE_URL:-http://$(HOST):$(PORT)}

.PHONY: run test test-tools setup demo lint check clean stack stack-stop stack-status

# uv installs the pins in parallel, several times faster than pip. It is given pip's own
# find-links and extra indexes (from pip's configuration, where set), so both see the same packages,
# and like pip it takes the best version from any index.
UV_VERSION := 0.13.8
PIP_SOURCES = $$($(BIN)/pip config get global.find-links 2>/dev/null | xargs -rn1 printf -- '--find-links %s ') \
	$$($(BIN)/pip config get global.extra-index-url 2>/dev/null | xargs -rn1 printf -- '--extra-index-url %s ')

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the pins change.
$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	test -x $(BIN)/uv || $(BIN)/pip install --quiet 'uv==$(UV_VERSION)'
	$(BIN)/uv pip install --quiet --python $(BIN)/python --index-strategy unsafe-best-match $(PIP_SOURCES) \
		-r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

# Test tools from npm (axe-core for the browser tests' accessibility checks), pinned in package-lock.json.
node_modules/.installed: package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility checks will be skipped (apt-get install npm)"; fi

test-tools: node_modules/.installed

demo: setup
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(RUN_ENV) $(BIN)/python manage.py load_demo_data

## run: the embedded site (SQLite, no services, PayPal simulator) with demo data.
run: demo
	@echo ""
	@echo "  Shop:             http://$(HOST):$(PORT)/            (customer@folio-books.example)"
	@echo "  Wagtail admin:    http://$(HOST):$(PORT)/admin/      (editor@, moderator@, marketer@ or admin@folio-books.example)"
	@echo "  Oscar dashboard:  http://$(HOST):$(PORT)/dashboard/  (staff@folio-books.example or admin@folio-books.example)"
	@echo "  Sign in with the email address; passwords: <name>-demo-pass, e.g. editor-demo-pass. What each login can do: README.md."
	@echo ""
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: the whole suite. Uses DATABASE_URL/REDIS_URL when set; REQUIRE_SERVICES=1 fails on skips.
test: setup test-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## stack: the production topology on this machine (nginx :8080 with page cache, 2 gunicorn nodes,
## Celery worker and beat under supervisord; PostgreSQL/Redis from DATABASE_URL/REDIS_URL or private;
## PayPal: the simulator on 127.0.0.1:8090 unless PAYPAL_MODE=sandbox|live and credentials are set).
stack: setup
	deploy/stack.sh start

stack-stop:
	deploy/stack.sh stop

## stack-status: each process of the stack with its memory and CPU, and /_/ready.
stack-status:
	deploy/stack.sh status

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: setup
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf var/db.sqlite3 var/media var/static var/test-artifacts
