"""A picked (or typed) line gets the same verdict and message from Python's check_bug and the
answer box's JavaScript checkBug (widgets/js/answers.js): the shared table
tests/exercises/bug_cases.json, plus seeded random inputs compared case by case."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

from backprop.exercises import BugExercise, check_bug

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "lib" / "backprop" / "widgets" / "js" / "answers.js"
CASES = json.loads(Path(__file__).with_name("bug_cases.json").read_text(encoding="utf-8"))

RUNNER = r"""
import { readFileSync } from "node:fs";
const mod = await import(process.argv[2]);
const cases = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(cases.map((c) => mod.checkBug(c.input, c.bug, c.lines, c.notes))));
"""


def _python(case: dict) -> tuple[str, str]:
    notes = {int(k): v for k, v in case["notes"].items()}
    fb = check_bug(case["input"], case["bug"], case["lines"], notes)
    return fb.verdict, fb.message


def _javascript(node: str, cases: list[dict], tmp_path: Path) -> list[tuple[str, str]]:
    runner = tmp_path / "run.mjs"
    runner.write_text(RUNNER, encoding="utf-8")
    out = subprocess.run(
        [node, str(runner), MODULE.as_uri()],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
    )
    return [(r["verdict"], r["message"]) for r in json.loads(out.stdout)]


def test_python_gives_the_tables_verdicts():
    for case in CASES:
        assert _python(case) == (case["verdict"], case["message"]), case.get("note", case["input"])


def test_javascript_gives_the_tables_verdicts(node, tmp_path):
    got = _javascript(node, CASES, tmp_path)
    for case, js in zip(CASES, got, strict=True):
        assert js == (case["verdict"], case["message"]), case.get("note", case["input"])


def test_random_inputs_get_the_same_verdict_on_both_sides(node, tmp_path):
    rng = random.Random(15)
    alphabet = "0123456789 lLiInNeE\t\u00a0-.x\u0665"
    cases = []
    for _ in range(600):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9)))
        if rng.random() < 0.4:
            text = rng.choice(["", "line ", "L", " "]) + str(rng.randint(0, 16))
        lines = rng.randint(1, 14)
        notes = {str(k): f"note {k}" for k in range(1, lines + 1) if rng.random() < 0.3}
        cases.append({"input": text, "bug": rng.randint(1, lines), "lines": lines, "notes": notes})
    got = _javascript(node, cases, tmp_path)
    for case, js in zip(cases, got, strict=True):
        assert js == _python(case), case


def test_a_bug_exercise_checks_numbers_and_text_alike():
    ex = BugExercise(key="t.bug", question="q", listing=("a = 1", "b = 2", "c = a + b"), bug=2)
    assert ex.check(2).correct and ex.check("2").correct and ex.check(2.0).correct
    assert ex.check("line 2").correct and not ex.check(3).correct
    assert ex.answer == (2.0,) and ex.expects == "the number of the wrong line (1 to 3)"
    assert ex.spec(student=True)["bug"] == 0 and ex.spec()["bug"] == 2


def test_a_bug_line_outside_the_listing_is_refused():
    import pytest

    with pytest.raises(ValueError, match="not a line of the listing"):
        BugExercise(key="t.bug", question="q", listing=("a", "b"), bug=3)
