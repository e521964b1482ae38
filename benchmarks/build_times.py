"""Time the project's slow commands; writes benchmarks/build_times.csv.

Run by `make bench BENCH_BUILD=1` (or directly: python benchmarks/build_times.py).
It takes as long as the commands it times (a full `make test` is one of them),
and it WIPES _build (`make clean`) to time a cold book build: run it on a quiet machine.

Rows of build_times.csv (seconds are wall-clock; status is the exit code, 0 = passed):

    measure,item,seconds,status
    make book,cold,...     make clean, then make book: executes every notebook
    make book,warm,...     make book again: the execution cache is fresh
    nbval,<notebook>,...   pytest --nbval on one notebook, one process
    make test,total,...    lint, unit tests, nbval on every notebook, book build (warm)

Set-up (`make setup`) is done first and not timed.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "build_times.csv"
VENV_PY = ROOT / ".venv" / "bin" / "python"
# What the Makefile exports to its recipes (for the nbval runs made without make).
ENV = {**os.environ, "PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def timed(cmd: list[str]) -> tuple[float, int]:
    """Run ``cmd`` in the project root; return (wall seconds, exit code). Output goes to ours."""
    print(f"$ {' '.join(cmd)}", flush=True)
    t0 = time.perf_counter()
    code = subprocess.run(cmd, cwd=ROOT, env=ENV).returncode
    seconds = time.perf_counter() - t0
    print(f"  -> {seconds:.1f} s, exit code {code}", flush=True)
    return seconds, code


def main() -> int:
    if subprocess.run(["make", "setup"], cwd=ROOT).returncode != 0:
        sys.exit("make setup failed")
    notebooks = subprocess.run(
        [str(VENV_PY), "tools/toc.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()

    rows: list[tuple[str, str, float, int]] = []
    subprocess.run(["make", "clean"], cwd=ROOT, check=True)
    rows.append(("make book", "cold", *timed(["make", "book"])))
    rows.append(("make book", "warm", *timed(["make", "book"])))
    for nb in notebooks:
        rows.append(
            (
                "nbval",
                nb,
                *timed(
                    [
                        str(VENV_PY),
                        "-m",
                        "pytest",
                        "-q",
                        "--nbval",
                        "--nbval-sanitize-with",
                        "tests/nbval_sanitize.cfg",
                        nb,
                    ]
                ),
            )
        )
    rows.append(("make test", "total", *timed(["make", "test"])))

    with open(OUT, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["measure", "item", "seconds", "status"])
        writer.writerows((m, item, f"{s:.1f}", code) for m, item, s, code in rows)
    print(f"wrote {OUT.relative_to(ROOT)}")
    failed = [f"{m} {item}" for m, item, _, code in rows if code != 0]
    if failed:
        print("these commands failed (their times are still recorded): " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
