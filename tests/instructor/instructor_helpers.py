"""Helpers of the instructor tools' tests (imported by name: tests/instructor is on sys.path)."""

from __future__ import annotations

import json
from pathlib import Path

from backprop import exercises
from backprop.instructor import chapter_keys
from backprop.instructor.cli import main

ROOT = Path(__file__).resolve().parents[2]
# Small limits keep the suite fast: an endless loop costs CELL seconds.
CELL, NOTEBOOK = 3, 60


def number_keys(chapters: list[int]) -> list[str]:
    """The exercises of ``chapters`` whose answer is typed numbers."""
    return [k for k in chapter_keys(chapters) if exercises.make(k).kind == "number"]


def right_source(item) -> str:
    """An answer cell that answers the key's ``item`` right, whatever its kind: the numbers,
    the formula as text, the wrong line's number, or the reference function."""
    ex = exercises.make(item.key, item.seed)
    if isinstance(ex, exercises.CodeExercise):
        return f"import numpy as np\n\n{ex.reference}\n\nanswer = {ex.function}"
    if isinstance(ex, exercises.FormulaExercise):
        return f"answer = {ex.formula!r}"
    return f"answer = {list(ex.answer)!r}"


def assign_cli(roster, out, *options, secret="s3cret") -> int:
    """Run ``assign`` for the students of ``roster`` into ``out`` with ``options``."""
    return main(
        ["assign", "--roster", str(roster), "--secret", secret, *options, "--out", str(out)]
    )


def answer_cell(nb, key):
    """The one answer cell of exercise ``key`` in ``nb``."""
    [cell] = [
        c
        for c in nb.cells
        if c.metadata.get("backprop", {}).get("role") == "answer"
        and c.metadata["backprop"]["key"] == key
    ]
    return cell


def grade_cli(tmp, out, *files) -> int:
    """Run ``grade`` on ``files`` against the course's key, with the tests' short time limits."""
    argv = ["grade", "--key", str(tmp / "hw" / "key.csv"), "--out", str(out)]
    argv += ["--timeout", str(NOTEBOOK), "--cell-timeout", str(CELL)]
    return main([*argv, *map(str, files)])


def fake_site(tmp_path, html):
    """A built site of one page, ``chapters/page.html``, holding ``html``."""
    site = tmp_path / "site"
    (site / "chapters").mkdir(parents=True)
    (site / "chapters" / "page.html").write_text(html, encoding="utf-8")
    return site


def widget_html(answer, key="ch05.steepest"):
    """The saved state of an exercise widget of ``key`` that carries ``answer``."""
    state = {"state": {"m1": {"model_name": "AnyModel", "state": {"key": key, "answer": answer}}}}
    return (
        '<script type="application/vnd.jupyter.widget-state+json">'
        + json.dumps(state)
        + "</script>"
    )
