# Two commands do everything on a fresh machine with python3 (3.11+) and make:
#   make book   set up .venv and build the website into _build/html
#   make test   set up .venv, then lint, unit tests, nbval on every notebook, the book build,
#               and the browser tests of the built site (tests/browser; needs node/npm and Chromium)
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed-stamp
export PATH := $(BIN):$(PATH)
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Deterministic outputs: no hash randomisation.
export PYTHONHASHSEED := 0

NOTEBOOKS = $(shell $(BIN)/python tools/toc.py)
JB_FLAGS := -W -n --keep-going

.PHONY: all setup book book-student test lint unit nbval execute clean browser colab-cells notebooks jupyter

all: test

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==25.3"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[book,test,instructor]"
	touch $@

# The website serves MathJax, require.js and the widget manager itself: exact versions
# from package-lock.json (_ext/offline_assets.py copies them into the site); axe-core too.
NPM_STAMP := node_modules/.installed-stamp
$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

setup: $(STAMP) $(NPM_STAMP)

# The browser's formula parser: lark-js (in a throwaway venv, .venv-larkjs/) generates
# lib/backprop/widgets/js/formula_parser.js from lib/backprop/exercises/formula.lark
# (committed; tests/exercises/test_formula_js.py checks it matches the grammar).
.PHONY: formula-parser
formula-parser:
	$(PYTHON) tools/build_formula_parser.py

# The live explorers' front ends: lib/backprop/widgets/js/<name>.js -> static/<name>.js
# (esbuild bundles, committed; tests/widgets/test_bundles.py checks they are fresh).
.PHONY: widgets
widgets: $(NPM_STAMP)
	node tools/build_widgets.mjs

book: $(STAMP) $(NPM_STAMP)
	$(BIN)/jupyter-book build $(JB_FLAGS) .

# The built site in Chromium (/usr/bin/chromium): pages, math, widgets, exercises, links,
# accessibility, phone width; screenshots go to _build/screenshots/. BOOK_HTML=dir to test
# another build.
browser: book
	$(BIN)/python -m pytest -q -rfEs tests/browser

lint: $(STAMP)
	$(BIN)/ruff check lib tests tools
	$(BIN)/ruff format --check lib tests tools

unit: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 tests --ignore=tests/browser --ignore=tests/jupyter

nbval: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg $(NOTEBOOKS)

test: lint book-student unit nbval book browser notebooks jupyter

# Re-execute every notebook in place, so the stored outputs nbval compares are fresh.
execute: $(STAMP)
	$(BIN)/python tools/execute.py $(or $(NB),$(NOTEBOOKS))

# The student edition: no solutions, exercise widgets without their answers, checked for
# leaks (lib/backprop/instructor/student_build.py, leaks.py); into _build/student.
book-student: $(STAMP) $(NPM_STAMP)
	$(BIN)/python -m backprop.instructor student-edition --out _build/student

# A fork: after changing repository.url in _config.yml, point every chapter's Colab
# install cell at it (tests/test_colab_cell.py checks they match).
colab-cells: $(STAMP)
	$(BIN)/python -m tools.colab_cells --write

# Reader notebooks for Jupyter and Colab users (tools/reader_notebooks.py): every glued number
# pasted in, every MyST directive and role turned into plain markdown; into _build/notebooks/
# (chapters/ and appendices/ as in the book, plus Binder's files). Read from the stored,
# executed chapters. CI publishes the folder on the `notebooks` branch (the launch buttons).
notebooks: $(STAMP)
	$(BIN)/python -m tools.reader_notebooks --out _build/notebooks

# The reader notebooks in a real JupyterLab 4 and Notebook 7 (Chromium): Run All, no raw
# MyST, widgets render, every exercise says Correct for the right answer.
jupyter: $(STAMP)
	$(BIN)/python -m pytest -q -rfEs tests/jupyter

clean:
	rm -rf _build

# ---- benchmarks (issue 7): see benchmarks/README.md -------------------------
.PHONY: bench
# Needs its own benchmarks/.venv (its browser part: .venv and a built site); BENCH_BUILD=1 also
# times make test / nbval / make book.
bench:
	PYTHON=$(PYTHON) BENCH_BUILD=$(BENCH_BUILD) bash benchmarks/run.sh

# Grading time (issue 17): BENCH_STUDENTS honest submissions graded in the sandbox with
# --jobs 1 and 2; the table goes into benchmarks/results.md. About 15 min for 500 on 2 cores.
BENCH_STUDENTS ?= 500
.PHONY: bench-grade
bench-grade: $(STAMP)
	$(BIN)/python benchmarks/grade_jobs.py --students $(BENCH_STUDENTS) --write

# Only the browser part of make bench: the live explorers on the built site (make book first).
.PHONY: bench-explorers
bench-explorers: $(STAMP)
	$(BIN)/python benchmarks/explorers.py
