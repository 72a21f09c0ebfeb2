# Two commands a newcomer needs:  make demo   and   make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= atlas.db
STAMP := $(VENV)/.installed

# Debian packages: Chromium for the browser tests and report screenshots, Pango/HarfBuzz for
# WeasyPrint (PDF briefings), Noto CJK fonts for Chinese text in charts and PDFs.
APT_PACKAGES := chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0

.PHONY: demo test install lint bench clean system-deps test-pg

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Install the Debian packages above when they are missing (needs root or sudo; skipped without apt).
system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "system packages present"; \
	elif ! command -v apt-get >/dev/null; then echo "no apt-get: install $$missing yourself"; \
	else SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; fi

## Ingest the bundled sample corpus into $(DB) (SQLite), print the atlas overview, then serve it on
## http://127.0.0.1:8000 (CHAINATLAS_NO_SERVE=1 stops after the overview).
demo: install
	$(BIN)/chainatlas --db $(DB) ingest examples/corpus/docs examples/dev/docs
	$(BIN)/chainatlas --db $(DB) regions
	@if [ -n "$$CHAINATLAS_NO_SERVE" ]; then echo "CHAINATLAS_NO_SERVE is set: not serving. Run: $(BIN)/chainatlas --db $(DB) serve"; \
	else echo "Serving the atlas on http://127.0.0.1:8000 (Ctrl-C to stop)"; $(BIN)/chainatlas --db $(DB) serve --host 127.0.0.1 --port 8000; fi

## Install what the tests need and run them.
test: system-deps install
	$(BIN)/ruff check chainatlas tests benchmarks
	$(BIN)/python -m pytest

## The store and resolve tests again on a throwaway PostgreSQL server (scripts/pg-test-server.sh
## finds or installs the server binaries; the `pg` extra brings psycopg). The server is stopped and
## its folder deleted however the tests end.
PG_STAMP := $(VENV)/.installed-pg
$(PG_STAMP): $(STAMP)
	$(BIN)/pip install -q -e '.[test,pg]'
	touch $(PG_STAMP)

test-pg: $(PG_STAMP)
	@dir=$$(mktemp -d "$${TMPDIR:-/tmp}/chainatlas-pg.XXXXXX"); \
	trap 'scripts/pg-test-server.sh stop "$$dir"' EXIT; \
	url=$$(scripts/pg-test-server.sh start "$$dir") || exit $$?; \
	echo "CHAINATLAS_TEST_PG_URL=$$url"; \
	CHAINATLAS_TEST_PG_URL=$$url $(BIN)/python -m pytest tests/store tests/resolve

bench: install
	$(BIN)/python benchmarks/extract_throughput.py

lint: install
	$(BIN)/ruff check chainatlas tests benchmarks

clean:
	rm -rf $(VENV) $(DB) .pytest_cache
