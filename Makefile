# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install demo test test-fast test-browser bench lint clean chromium hub-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/mlops-workbook demo

# Browser tests need Debian's chromium (never a downloaded browser); the PDF tests read PDFs with poppler-utils.
chromium:
	@{ command -v chromium && command -v pdftotext; } >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium and poppler-utils for the browser and PDF tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; }

# The JupyterHub test needs configurable-http-proxy from npm (jupyterhub itself is in the test extra).
hub-deps:
	@command -v configurable-http-proxy >/dev/null 2>&1 || { \
	  echo "installing configurable-http-proxy (npm) for the JupyterHub test"; \
	  command -v npm >/dev/null 2>&1 || { apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }; \
	  npm install -g --silent configurable-http-proxy >/dev/null; }

test: install chromium hub-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

test-browser: install chromium
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

bench: install
	$(BIN)/python benchmarks/bench_drift.py
	$(BIN)/python benchmarks/bench_simulation.py
	$(BIN)/python benchmarks/bench_reports.py
	$(BIN)/python benchmarks/bench_voila.py

lint: install
	$(BIN)/python -m ruff check mlops_workbook tests benchmarks --select F,E9,B --ignore B008,B905

clean:
	rm -rf build .pytest_cache
