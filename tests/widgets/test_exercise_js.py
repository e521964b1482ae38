"""The widget's JavaScript (parseAnswer / checkAnswer in backprop/widgets/js/answers.js) must give
the same verdicts and messages as the Python check_answer: the shared table
tests/exercise_cases.json, plus seeded random inputs compared case by case.

Runs the module under node (v20); without node the tests skip loudly, except
under CI=true, where a missing node is a failure."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import backprop as bp
import pytest
from backprop import exercises as E

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "lib" / "backprop" / "widgets" / "js" / "answers.js"
CASES = json.loads((ROOT / "tests" / "exercise_cases.json").read_text(encoding="utf-8"))

RUNNER = r"""
import { readFileSync } from "node:fs";

const mod = await import(process.argv[2]);
const cases = JSON.parse(readFileSync(process.argv[3], "utf8"));
const results = cases.map((c) => {
  try {
    const r = mod.checkAnswer(c.input, c.answer, c.rtol, c.atol);
    const p = mod.parseAnswer(c.input, c.answer.length);
    return {
      verdict: r.verdict,
      message: r.message,
      values: p.values === undefined ? null : p.values,
      error: p.error === undefined ? null : p.error,
    };
  } catch (e) {
    return { threw: String(e && e.stack ? e.stack : e) };
  }
});
process.stdout.write(JSON.stringify({ MAX_CHARS: mod.MAX_CHARS, results }));
"""


def _random_text(rng: random.Random) -> str:
    alphabet = "0123456789.eE+-\u2212/,[]() \t\u00a0ax"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))


def _number_text(rng: random.Random, a: float) -> str:
    """A student's spelling of a number near a (or its negative)."""
    x = rng.choice([a, -a, a * (1 + rng.choice([1e-5, 1e-2, -3e-3])), a + 1e-7, 0.0])
    form = rng.randrange(5)
    if form == 0:
        s = repr(x)
    elif form == 1:
        s = f"{x:.4g}"
    elif form == 2:
        s = f"{x:.3e}"
    elif form == 3:
        s = f"{x * 4:.6g}/4"
    else:
        s = f"{x:.6f}"
    return s.replace("-", "\u2212") if rng.random() < 0.2 else s


def _differential_cases() -> list[dict]:
    """Seeded inputs with no expected value: JS must agree with Python on each."""
    rng = random.Random(20240607)
    cases = []
    for _ in range(400):
        size = rng.randint(1, 3)
        answer = [rng.choice([0.0, 0.5, -2.0, 1e-7, 123.456, -1e5]) for _ in range(size)]
        if rng.random() < 0.5:
            text = _random_text(rng)
        else:
            text = ", ".join(_number_text(rng, a) for a in answer)
            text = rng.choice(["{}", "[{}]", "({})", " {} "]).format(text)
        cases.append({"input": text, "answer": answer, "rtol": 1e-3, "atol": 1e-6})
    cases.append({"input": "7" * 10_000, "answer": [0.5], "rtol": 1e-3, "atol": 1e-6})
    cases.append({"input": "1, " * 4000 + "1", "answer": [1.0, 2.0], "rtol": 1e-3, "atol": 1e-6})
    for key in E.keys():
        for seed in range(5):
            ex = E.make(key, seed)
            for text in (ex.answer_text, ", ".join(repr(-a) for a in ex.answer)):
                cases.append(
                    {"input": text, "answer": list(ex.answer), "rtol": ex.rtol, "atol": ex.atol}
                )
    return cases


DIFFERENTIAL = _differential_cases()

# Inputs where the two sides disagree (see the xfail test below).
WHITESPACE_MISMATCH = ["\ufeff0.5", "0.5\ufeff", "\x1c0.5", "0.5\x85", "\U0001f600" * 600]


def _run_node(node: str, tmp: Path, cases: list[dict]) -> dict:
    runner = tmp / "run_cases.mjs"
    runner.write_text(RUNNER, encoding="utf-8")
    data = tmp / "cases.json"
    data.write_text(json.dumps(cases), encoding="utf-8")
    proc = subprocess.run(
        [node, str(runner), MODULE.as_uri(), str(data)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert proc.returncode == 0, f"node failed:\n{proc.stderr}"
    out = json.loads(proc.stdout)
    assert len(out["results"]) == len(cases)
    return out


@pytest.fixture(scope="module")
def js(node, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("exercise_js")
    n_table, n_diff = len(CASES), len(DIFFERENTIAL)
    payload = (
        CASES
        + DIFFERENTIAL
        + [{"input": s, "answer": [0.5], "rtol": 1e-3, "atol": 1e-6} for s in WHITESPACE_MISMATCH]
    )
    out = _run_node(node, tmp, payload)
    res = out["results"]
    return {
        "MAX_CHARS": out["MAX_CHARS"],
        "table": res[:n_table],
        "differential": res[n_table : n_table + n_diff],
        "mismatch": res[n_table + n_diff :],
    }


def test_module_exists_and_exports_the_same_limit(js):
    assert MODULE.is_file()
    assert js["MAX_CHARS"] == E.MAX_CHARS


@pytest.mark.parametrize("i", range(len(CASES)), ids=[c["note"] for c in CASES])
def test_js_gives_the_tables_verdict_and_message(js, i):
    case, got = CASES[i], js["table"][i]
    assert "threw" not in got, got.get("threw")
    assert (got["verdict"], got["message"]) == (case["verdict"], case["message"])


def test_js_parses_the_same_numbers_as_python(js):
    for case, got in zip(CASES, js["table"], strict=True):
        parsed = bp.parse_answer(case["input"], len(case["answer"]))
        if parsed.values is None:
            assert got["values"] is None and got["error"] == parsed.error, case["note"]
        else:
            assert tuple(got["values"]) == parsed.values, case["note"]


def test_js_agrees_with_python_on_seeded_random_inputs(js):
    verdicts = set()
    for case, got in zip(DIFFERENTIAL, js["differential"], strict=True):
        assert "threw" not in got, (case["input"], got.get("threw"))
        fb = bp.check_answer(case["input"], case["answer"], case["rtol"], case["atol"])
        assert (got["verdict"], got["message"]) == (fb.verdict, fb.message), case["input"][:80]
        parsed = bp.parse_answer(case["input"], len(case["answer"]))
        if parsed.values is not None:
            assert tuple(got["values"]) == parsed.values, case["input"]
        verdicts.add(fb.verdict)
    assert verdicts == {"correct", "wrong", "invalid"}  # the inputs reach every branch


def test_js_and_python_agree_on_unusual_whitespace_and_emoji(js):
    for text, got in zip(WHITESPACE_MISMATCH, js["mismatch"], strict=True):
        fb = bp.check_answer(text, [0.5], 1e-3, 1e-6)
        assert (got["verdict"], got["message"]) == (fb.verdict, fb.message), repr(text[:4])
