# Two commands do all set-up: `make run` (the site with demo data) and `make test` (the suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi

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
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install
	scripts/test

worker: install
	$(FLASK) jobs worker

cron: install
	$(FLASK) jobs cron

clean:
	rm -rf $(VENV) node_modules instance .pytest_cache
