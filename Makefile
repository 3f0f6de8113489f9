# Two commands for a new user: `make demo` and `make test`. Everything else is a detail of these.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SPEC ?= $(abspath ../shared/fiken/openapi.yaml)
export FIKEN_OPENAPI_SPEC ?= $(SPEC)

.PHONY: demo smoke test test-sqlite test-postgres lint docs clean

$(BIN)/python: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/python

demo: $(BIN)/python
	$(BIN)/python example_project/demo.py

smoke: $(BIN)/python
	$(BIN)/python example_project/demo.py --smoke

test: test-sqlite test-postgres lint docs

test-sqlite: $(BIN)/python
	$(BIN)/pytest

test-postgres: $(BIN)/python
	FIKEN_TEST_DB=postgres $(BIN)/pytest

lint: $(BIN)/python
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

docs: $(BIN)/python
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir build/site

clean:
	rm -rf $(VENV) .pytest_cache tests/*.sqlite3
