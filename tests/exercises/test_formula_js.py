"""formula.js against backprop.exercises.formula: the shared table, 300 seeded random trees
(same trees, values within 1e-12), random attempt/answer pairs (same verdicts and messages),
the generated parser's provenance (the grammar's sha256) and an esbuild bundle."""

from __future__ import annotations

import hashlib
import json
import random
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from backprop.exercises.formula import (
    check_formula,
    evaluate,
    parse_formula,
    sample_points,
)

from tests.exercises.test_formula import (
    CASES,
    SETS,
    enc,
    expected,
    random_table,
    random_tree,
    run_python,
    show,
)

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "formula_cases.mjs"
GRAMMAR = HERE.parents[1] / "lib" / "backprop" / "exercises" / "formula.lark"
PARSER = HERE.parents[1] / "lib" / "backprop" / "widgets" / "js" / "formula_parser.js"


def run_node(node: str, tmp_path: Path, cases: list[dict[str, Any]]) -> dict[str, Any]:
    """formula.js's results for ``cases`` (the variables are the table's, as to_json())."""
    variables = {name: [v.to_json() for v in vs] for name, vs in SETS.items()}
    path = tmp_path / "cases.json"
    path.write_text(json.dumps({"variables": variables, "cases": cases}), encoding="utf-8")
    proc = subprocess.run(
        [node, str(RUNNER), str(path)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    for r in out["results"]:
        assert "exception" not in r, r["exception"]
    return out


def test_the_committed_parser_was_generated_from_this_grammar():
    sha = hashlib.sha256(GRAMMAR.read_bytes()).hexdigest()
    first = PARSER.read_text(encoding="utf-8").split("\n", 1)[0]
    found = re.search(r"sha256 ([0-9a-f]{64})", first)
    assert found, f"no sha256 in the first line of {PARSER.name}: {first!r}"
    assert found.group(1) == sha, (
        f"{PARSER.name} was generated from another grammar: run `make formula-parser`"
    )


def test_the_committed_parser_is_an_es_module():
    text = PARSER.read_text(encoding="utf-8")
    assert "module.exports" not in text and "require(" not in text
    assert "\nexport {" in text and "get_parser," in text


def test_js_on_the_shared_table(node, tmp_path):
    out = run_node(node, tmp_path, CASES)
    for case, got in zip(CASES, out["results"], strict=True):
        mathml = got.pop("mathml", None)
        if case["kind"] == "eval":
            got.pop("tree")
            assert got == {"values": case["values"]}, case["note"]
        else:
            assert got == expected(case), case["note"]
            assert got == run_python(case), case["note"]
        if mathml is not None:
            ET.fromstring(mathml)  # well-formed


def test_the_preview_shows_how_the_formula_was_read(node, tmp_path):
    cases = [
        {"kind": "parse", "vars": "xy", "input": "2/3x"},
        {"kind": "parse", "vars": "backprop", "input": "σ′(ω₃) h2²"},
        {"kind": "parse", "vars": "xy", "input": "-x^2"},
        {"kind": "parse", "vars": "xy", "input": "x*(-y)"},
    ]
    frac, prime, neg, times = (r["mathml"] for r in run_node(node, tmp_path, cases)["results"])
    # A minus sign after an operator keeps its brackets: x · (−y), not x · −y.
    assert times == (
        '<math display="inline"><mrow><mi>x</mi><mo>·</mo><mrow><mo>(</mo><mrow><mo>−</mo>'
        "<mi>y</mi></mrow><mo>)</mo></mrow></mrow></math>"
    )
    assert frac == (
        '<math display="inline"><mrow><mfrac><mn>2</mn><mn>3</mn></mfrac><mo>·</mo>'
        "<mi>x</mi></mrow></math>"
    )
    assert "<msup><mi>σ</mi><mo>′</mo></msup>" in prime and "<mi>&#x003C9;</mi>" in prime
    assert "<msup><msub><mi>h</mi><mn>2</mn></msub><mn>2</mn></msup>" in prime
    assert neg.startswith('<math display="inline"><mrow><mo>−</mo><msup><mi>x</mi>')


def close(x: float | str, y: float | str) -> bool:
    if isinstance(x, str) or isinstance(y, str):
        return x == y
    return abs(x - y) <= 1e-12 * max(abs(x), abs(y)) + 1e-300


def test_random_trees_agree(node, tmp_path):
    variables = SETS["backprop"]
    points = sample_points(variables)
    table = random_table()
    cases = [
        {"kind": "parse", "vars": "backprop", "input": row["text"], "points": points}
        for row in table
    ]
    out = run_node(node, tmp_path, cases)
    finite = 0
    for row, got in zip(table, out["results"], strict=True):
        assert got.get("tree") == row["tree"], (row["text"], got)
        want = [enc(evaluate(row["tree"], p)) for p in points]
        assert all(close(a, b) for a, b in zip(got["values"], want, strict=True)), row["text"]
        finite += sum(not isinstance(v, str) for v in want)
    assert finite > len(table) * len(points) // 3  # mostly real numbers, not nan
    print(f"{len(table)} random trees; node parsed and evaluated them in {out['ms']:.0f} ms")


def test_random_attempts_get_the_same_verdicts(node, tmp_path):
    r = random.Random(3)
    names = [v.name for v in SETS["backprop"]]
    aliases = {v.name: list(v.aliases) for v in SETS["backprop"]}
    cases = []
    for _ in range(200):
        answer = random_tree(r, names, 2)
        how = r.choice(["same", "scaled", "negated", "other", "nudged"])
        if how == "same":
            attempt = answer
        elif how == "scaled":
            attempt = ["mul", ["num", r.choice([2.0, 0.5, 3.0, 0.25, 1.5])], answer]
        elif how == "negated":
            attempt = ["neg", answer]
        elif how == "nudged":
            attempt = ["add", answer, ["num", r.choice([1e-12, 1e-3])]]
        else:
            attempt = random_tree(r, names, 2)
        cases.append(
            {
                "kind": "check",
                "vars": "backprop",
                "input": show(attempt, r, aliases),
                "answer": show(answer, r, {}),
            }
        )
    out = run_node(node, tmp_path, cases)
    verdicts = []
    for case, got in zip(cases, out["results"], strict=True):
        fb = check_formula(case["input"], case["answer"], SETS["backprop"])
        assert got == {"verdict": fb.verdict, "message": fb.message}, case
        verdicts.append(fb.message.split(":")[0])
    kinds = set(verdicts)
    assert {
        "Correct!",
        "Right up to the sign",
        "Right up to a constant factor",
        "Not quite",
    } <= kinds
    assert any(v.startswith("Your formula is undefined") for v in verdicts)


def test_the_parser_works_in_an_esbuild_bundle(node, esbuild, tmp_path):
    script = tmp_path / "bundle.mjs"
    entry = HERE.parents[1] / "lib" / "backprop" / "widgets" / "js" / "formula.js"
    script.write_text(
        f"""
import * as esbuild from {json.dumps(str(esbuild / "lib" / "main.js"))};
const r = await esbuild.build({{ entryPoints: [{json.dumps(str(entry))}], bundle: true,
  format: "esm", platform: "browser", write: false, logLevel: "error" }});
const code = r.outputFiles[0].text;
const m = await import("data:text/javascript;base64," + Buffer.from(code).toString("base64"));
const v = [{{ name: "x", latex: "x", aliases: [], lo: 0.5, hi: 2, mathml: "<mi>x</mi>", text: "x" }}];
process.stdout.write(JSON.stringify([m.parseFormula("2x²", v), m.checkFormula("2x", "x+x", v), code.length]));
"""
    )
    proc = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    tree, verdict, size = json.loads(proc.stdout)
    assert tree == {"tree": ["mul", ["num", 2], ["pow", ["var", "x"], ["num", 2]]]}
    assert verdict == {"verdict": "correct", "message": "Correct!"}
    assert size < 400_000


@pytest.mark.parametrize("text", ["x^", "2 + * 3", "😀 x", "x\u00a0+\u2003)", "(" * 60 + "x"])
def test_errors_agree_on_awkward_input(node, tmp_path, text):
    got = run_node(node, tmp_path, [{"kind": "parse", "vars": "xy", "input": text}])
    assert got["results"][0] == {"error": parse_formula(text, SETS["xy"]).error}
