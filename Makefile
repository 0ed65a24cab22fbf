# Two commands do all set-up: `make run` (the site with demo data) and `make test` (the suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
# The port `make run` serves on: `make run PORT=8000`. Email links follow it unless PUBLIC_BASE_URL is set.
PORT   ?= 5000

.PHONY: run test install worker cron clean

# Python packages (with the test tools) and the GOV.UK Frontend assets, redone when pins change.
$(VENV)/.installed: pyproject.toml package.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python scripts/install-python-deps --test
	npm install --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed

run: install
	$(FLASK) db upgrade
	$(FLASK) seed demo
	PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)}" $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install
	scripts/test

worker: install
	$(FLASK) jobs worker

cron: install
	$(FLASK) jobs cron

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
