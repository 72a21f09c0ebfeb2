# Two commands a newcomer needs:  make demo   and   make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= atlas.db
STAMP := $(VENV)/.installed

.PHONY: demo test install lint bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Ingest the bundled sample corpus into $(DB) (SQLite) and print the atlas overview.
demo: install
	$(BIN)/chainatlas --db $(DB) ingest examples/corpus/docs examples/dev/docs
	$(BIN)/chainatlas --db $(DB) regions

## Install what the tests need and run them.
test: install
	$(BIN)/ruff check chainatlas tests benchmarks
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/extract_throughput.py

lint: install
	$(BIN)/ruff check chainatlas tests benchmarks

clean:
	rm -rf $(VENV) $(DB) .pytest_cache
