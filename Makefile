# Two commands do everything on a fresh machine with python3 (3.11+) and make:
#   make book   set up .venv and build the website into _build/html
#   make test   set up .venv, then lint, unit tests, nbval on every notebook, the book build
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed-stamp
export PATH := $(BIN):$(PATH)
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Deterministic outputs: no hash randomisation.
export PYTHONHASHSEED := 0

NOTEBOOKS = $(shell $(BIN)/python tests/toc.py)
JB_FLAGS := -W -n --keep-going

.PHONY: all setup book test lint unit nbval execute clean

all: test

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[book,test]"
	touch $@

setup: $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build $(JB_FLAGS) .

lint: $(STAMP)
	$(BIN)/ruff check lib tests
	$(BIN)/ruff format --check lib tests

unit: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 tests

nbval: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg $(NOTEBOOKS)

test: lint unit nbval book

# Re-execute every notebook in place, so the stored outputs nbval compares are fresh.
execute: $(STAMP)
	$(BIN)/python tests/execute.py $(or $(NB),$(NOTEBOOKS))

clean:
	rm -rf _build

# ---- benchmarks (issue 7): see benchmarks/README.md -------------------------
.PHONY: bench
# Needs only its own benchmarks/.venv; BENCH_BUILD=1 also times make test / nbval / make book.
bench:
	PYTHON=$(PYTHON) BENCH_BUILD=$(BENCH_BUILD) bash benchmarks/run.sh
