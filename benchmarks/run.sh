#!/usr/bin/env bash
# `make bench`: set up benchmarks/.venv (once), then time one training step against
# PyTorch and the bare matrix products (bench.py -> results.csv, results.md, results.png).
# With BENCH_BUILD=1 it also times make test / nbval / make book (build_times.py; slow,
# wipes _build). BENCH_THREADS (default 1) and BENCH_SECONDS (per case, default 20) tune
# bench.py. Then the live explorers in Chromium (explorers.py; needs a built site).
# See benchmarks/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV=benchmarks/.venv
STAMP="$VENV/.installed-stamp"
# The exact torch build the results were made with; pip must never pick another.
TORCH="torch==2.13.0"

if [ ! -f "$STAMP" ] || [ pyproject.toml -nt "$STAMP" ] || [ constraints.txt -nt "$STAMP" ] \
    || [ benchmarks/run.sh -nt "$STAMP" ]; then
    echo "setting up $VENV (numpy, matplotlib, threadpoolctl from constraints.txt; $TORCH)"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade "pip==25.3"
    "$VENV/bin/python" -m pip install --quiet -c constraints.txt -e . matplotlib threadpoolctl "$TORCH"
    touch "$STAMP"
fi
# Fail loudly rather than time another torch than the one named above.
"$VENV/bin/python" -c "
import sys, torch
want = '${TORCH#torch==}'
if torch.__version__.split('+')[0] != want:
    sys.exit(f'benchmarks/.venv has torch {torch.__version__}, not {want}: rm -rf benchmarks/.venv')
"

export BENCH_SECONDS="${BENCH_SECONDS:-20}"
"$VENV/bin/python" benchmarks/bench.py

# The live explorers in Chromium (benchmarks/explorers.py): input-to-redraw times and the
# JavaScript each page loads, on the built site ($BOOK_HTML, default _build/html: `make book`).
# It needs the project's .venv (playwright) and /usr/bin/chromium; BENCH_EXPLORERS=0 skips it.
if [ "${BENCH_EXPLORERS:-1}" = "1" ]; then
    if [ -x .venv/bin/python ] && [ -f "${BOOK_HTML:-_build/html}/index.html" ]; then
        .venv/bin/python benchmarks/explorers.py --html "${BOOK_HTML:-_build/html}"
    else
        echo "!!! explorers: SKIPPED: no built site at ${BOOK_HTML:-_build/html} or no .venv" \
            "(run \`make book\` first; BENCH_EXPLORERS=0 to skip on purpose)" >&2
    fi
fi

if [ "${BENCH_BUILD:-0}" = "1" ]; then
    "$VENV/bin/python" benchmarks/build_times.py
fi
