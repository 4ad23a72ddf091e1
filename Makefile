# The two commands of the README, and the steps they are made of.
#   make run   - the product with demo data on the embedded default, http://127.0.0.1:8000
#   make test  - the whole suite against PostgreSQL and Redis on 127.0.0.1
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install vendor system-deps services lint fmt bench check clean

run: system-deps install vendor
	bash scripts/run-embedded.sh

test: system-deps install vendor
	bash scripts/test.sh $(ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

vendor:
	bash scripts/vendor.sh

# Debian libraries WeasyPrint needs for the meeting packet (installed only when missing).
system-deps:
	bash scripts/system-deps.sh

services:
	bash scripts/services.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install services
	$(BIN)/python bench/run.py

clean:
	rm -rf var static/vendor node_modules
