# ecoreg: `make run` serves the registry, `make test` runs the whole suite.
# Needs only Python 3.11+, pip and make; everything else is installed here.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: run install install-test translations translations-update migrate seed test lint browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

install-test: $(VENV)/.installed-test translations browser

# Compiled catalogues are build output, not sources: made from the .po files on every install.
translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile --use-fuzzy -d app/translations

migrate: install
	$(BIN)/ecoreg db upgrade

# The demo (when on, into an empty database) loads the plan itself; then the plan is loaded if missing.
seed: migrate
	$(BIN)/ecoreg seed-demo --if-empty --if-enabled
	$(BIN)/ecoreg plan load

run: seed
	@echo
	@echo "ecoreg is starting on http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/docs)"
	@echo "demo logins (password ecoreg-demo-2026): admin@ecoreg.demo, thamdinh@ecoreg.demo,"
	@echo "  detmay@ecoreg.demo (enterprise), coopmart@ecoreg.demo (supermarket); the README lists them all"
	@echo
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - "app:create_app()"

# Debian's Chromium for the browser tests (Playwright drives it by path, never downloading one), and
# a font with Vietnamese glyphs for label artwork.
browser:
	@[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || { \
	  echo "installing fonts-dejavu-core for label artwork"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-dejavu-core >/dev/null; }
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: install-test lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache

# After changing user-facing text: refresh the catalogue, then translate the new entries in the .po file.
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --sort-output -o /tmp/ecoreg-messages.pot app
	$(BIN)/pybabel update -i /tmp/ecoreg-messages.pot -d app/translations --ignore-obsolete --no-fuzzy-matching
