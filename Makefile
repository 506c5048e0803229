# The two commands: `make run` (start the app with its worker and beat) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin

.PHONY: install install-dev messages run test lint format clean

$(VENV)/.run-installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.run-installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.run-installed
install-dev: $(VENV)/.dev-installed

# Compiled translations (locale/*/LC_MESSAGES/django.mo) with Babel: pure Python, no GNU gettext.
messages: install
	$(BIN)/pybabel compile -d locale -D django

run: install messages
	mkdir -p var/mail var/broker
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@if [ -f var/.demo-seeded ]; then \
		$(BIN)/python manage.py seed_demo --programs 0; \
	else \
		$(BIN)/python manage.py seed_demo && touch var/.demo-seeded; \
	fi
	@echo "Starting web (http://127.0.0.1:8000), worker and beat. Ctrl-C stops all three."
	PATH="$(BIN):$$PATH" $(BIN)/honcho --procfile Procfile start

test: install-dev messages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	mkdir -p var/screenshots
	$(BIN)/pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var/broker var/db.sqlite3* var/.demo-seeded var/celerybeat-schedule*
