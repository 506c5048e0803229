# The two commands: `make run` (start the app with its worker and beat) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin

.PHONY: install install-dev messages oidc-provider assets assets-tools run test lint format clean bench

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

# Compiled translations (locale/ and accounts/locale/: */LC_MESSAGES/django.mo) with Babel: pure Python, no GNU gettext.
messages: install
	$(BIN)/pybabel compile -d locale -D django
	$(BIN)/pybabel compile -d accounts/locale -D django

run: install messages
	mkdir -p var/mail var/broker
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@if [ -f var/.demo-seeded ]; then \
		$(BIN)/python manage.py seed_demo --programs 0; \
	else \
		$(BIN)/python manage.py seed_demo && touch var/.demo-seeded; \
	fi
	@echo "Starting web (http://127.0.0.1:8000), the two workers and beat. Ctrl-C stops them all."
	@# Ctrl-C stops honcho and its processes; the shell then exits 0, so make prints no error line.
	@trap 'exit 0' INT; PATH="$(BIN):$$PATH" $(BIN)/honcho --procfile Procfile start

# The test OpenID Connect provider (tests/oidc_provider/, npm `oidc-provider`): installed when
# npm is there; without it the sign-in tests through a provider are skipped, saying why.
oidc-provider:
	@if [ tests/oidc_provider/node_modules/.package-lock.json -nt tests/oidc_provider/package-lock.json ]; then \
		true; \
	elif command -v npm >/dev/null 2>&1; then \
		cd tests/oidc_provider && npm ci --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm not found: the OpenID Connect sign-in tests will be skipped"; \
	fi

# The Bootstrap the site ships (static/build/, committed): only the CSS rules whose classes the
# templates, forms and scripts use and only the JavaScript components the templates call
# (assets/build.mjs). Developers run it after using a new Bootstrap class or data-bs-* component;
# `make run` needs neither npm nor this step. The packages are pinned in assets/package-lock.json.
assets:
	@[ assets/node_modules/.package-lock.json -nt assets/package-lock.json ] || \
		(cd assets && npm ci --no-audit --no-fund --loglevel=error)
	node assets/build.mjs

# The same packages for `make test`, which rebuilds the assets into a temporary folder and
# compares them with static/build/ (skipped, saying why, without npm).
assets-tools:
	@if [ assets/node_modules/.package-lock.json -nt assets/package-lock.json ]; then \
		true; \
	elif command -v npm >/dev/null 2>&1; then \
		cd assets && npm ci --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm not found: the test that rebuilds the front-end assets will be skipped"; \
	fi

# The suite on TEST_WORKERS processes (pytest-xdist; each has its own test database and files),
# a whole test file to each at a time. `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= 2

test: install-dev messages oidc-provider assets-tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	mkdir -p var/screenshots
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

# The app under load at 1,000 and 10,000 programs on PostgreSQL (bench/run.py says how; needs
# wrk and psql). BENCH_DATABASE_URL names the server and the databases' prefix.
bench: install messages
	$(BIN)/python bench/run.py

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var/broker var/db.sqlite3* var/.demo-seeded var/celerybeat-schedule*
