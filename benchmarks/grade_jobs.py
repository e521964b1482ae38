"""Time ``grade --jobs N``: seconds per submission at 1 and 2 jobs.

Assigns chapters 1, 4 and 5 to a synthetic roster (``--students``, default 20), fills
every notebook with its right answers (an honest submission), and grades them all
with ``--jobs 1`` then ``--jobs 2``, each in the bubblewrap sandbox; prints one line
per run and checks that both runs give the same grades (all full marks).

    PYTHONPATH=lib python benchmarks/grade_jobs.py [--students 20] [--jobs 1 2]
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "instructor"))

from backprop.instructor import read_key  # noqa: E402
from backprop.instructor.cli import main  # noqa: E402
from instructor_helpers import answer_cell  # noqa: E402


def course(tmp: Path, students: int) -> list[Path]:
    """Assign to ``students`` students and write each one's honest submission."""
    ids = [f"s{i:03d}" for i in range(students)]
    (tmp / "roster.csv").write_text("student_id\n" + "\n".join(ids) + "\n")
    argv = ["assign", "--roster", str(tmp / "roster.csv"), "--secret", "bench"]
    assert main([*argv, "--chapters", "1", "4", "5", "--out", str(tmp / "hw")]) == 0
    key = read_key(tmp / "hw" / "key.csv")
    (tmp / "sub").mkdir()
    files = []
    for sid in ids:
        nb = nbformat.read(tmp / "hw" / "handout" / f"{sid}.ipynb", as_version=4)
        for it in key[sid].items:
            answer_cell(nb, it.key).source = f"answer = {list(it.answer)!r}"
        nbformat.write(nb, tmp / "sub" / f"{sid}.ipynb")
        files.append(tmp / "sub" / f"{sid}.ipynb")
    return files


def main_() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=20)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-grade-", dir=Path.home()) as d:
        tmp = Path(d)
        files = course(tmp, args.students)
        grades = {}
        for jobs in args.jobs:
            out = tmp / f"grades-{jobs}.csv"
            argv = ["grade", "--key", str(tmp / "hw" / "key.csv"), "--out", str(out)]
            t0 = time.perf_counter()
            assert main([*argv, "--jobs", str(jobs), *map(str, files)]) == 0
            seconds = time.perf_counter() - t0
            with out.open() as f:
                rows = list(csv.DictReader(f))
            assert all(r["total"] == r["max"] for r in rows), "an honest submission lost marks"
            grades[jobs] = rows
            print(
                f"jobs={jobs}: {len(files)} submissions in {seconds:.1f} s, "
                f"{seconds / len(files):.2f} s per submission"
            )
        first = next(iter(grades.values()))
        assert all(rows == first for rows in grades.values()), "grades depend on --jobs"
    return 0


if __name__ == "__main__":
    sys.exit(main_())
