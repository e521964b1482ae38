"""The autodiff explorer (backprop.widgets.autodiff, js/autodiff.js): its sweeps are the
engine's (backprop.autodiff) numbers, and the JavaScript engine agrees with the Python one
on a table of expressions and inputs (1e-12 relative, with an absolute floor of 1e-12
times the largest gradient of the same sweep)."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest
import traitlets
from backprop.autodiff import Value
from backprop.widgets.autodiff import EXPRESSIONS, AutodiffExplorer, autodiff_explorer, build, sweep

RUNNER = r"""
import { readFileSync } from "node:fs";
const m = await import(process.argv[2]);
const cases = JSON.parse(readFileSync(process.argv[3], "utf8"));
const out = cases.map(({ spec, inputs }) => {
  try {
    const { data, grads } = m.sweep(spec, inputs);
    return { data, grads };
  } catch (e) {
    return { error: e.message };
  }
});
process.stdout.write(JSON.stringify(out));
"""

# Extra expressions for the table: every operation the JS engine knows, forks included.
EXTRA = {
    "every-op": [
        {"name": "x", "op": "input", "args": []},
        {"name": "y", "op": "input", "args": []},
        {"name": "a", "op": "sub", "args": ["x", "y"]},
        {"name": "b", "op": "neg", "args": ["a"]},
        {"name": "c", "op": "tanh", "args": ["b"]},
        {"name": "d", "op": "cos", "args": ["x"]},
        {"name": "e", "op": "relu", "args": ["d"]},
        {"name": "f", "op": "mul", "args": ["c", "e"]},
        {"name": "g", "op": "pow", "args": ["y"], "c": 3.0},
        {"name": "h", "op": "max", "args": ["f", "g"]},
        {"name": "k", "op": "add", "args": ["h", "x"]},
        {"name": "l", "op": "div", "args": ["k", "y"]},
    ],
}


def table(rng: np.random.Generator) -> list[dict]:
    specs = {k: s for k, (_, _, s) in EXPRESSIONS.items()} | EXTRA
    rows = []
    for key, spec in specs.items():
        names = [nd["name"] for nd in spec if nd["op"] == "input"]
        for _ in range(60):
            inputs = {
                n: float(v) for n, v in zip(names, rng.uniform(-3, 3, len(names)), strict=True)
            }
            if key in ("every-op", "softplus"):  # y and w divide: away from 0
                for n in ("y", "w"):
                    if n in inputs:
                        inputs[n] = float(np.copysign(abs(inputs[n]) + 0.3, inputs[n]))
            rows.append({"key": key, "spec": spec, "inputs": inputs})
    return rows


def test_js_and_python_engines_agree_on_a_table_of_expressions(node, root, tmp_path, rng):
    rows = table(rng)
    (tmp_path / "run.mjs").write_text(RUNNER)
    (tmp_path / "cases.json").write_text(json.dumps(rows))
    module = root / "lib" / "backprop" / "widgets" / "js" / "autodiff.js"
    proc = subprocess.run(
        [node, str(tmp_path / "run.mjs"), module.as_uri(), str(tmp_path / "cases.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert len(got) == len(rows) >= 300
    for row, js in zip(rows, got, strict=True):
        assert "error" not in js, (row, js)
        py = sweep(row["spec"], row["inputs"])
        np.testing.assert_allclose(js["data"], py.data, rtol=1e-12, atol=1e-300, err_msg=row["key"])
        want = np.array(py.grads)
        assert np.shape(js["grads"]) == want.shape
        floor = 1e-12 * max(np.abs(want).max(), 1e-300)
        np.testing.assert_allclose(js["grads"], want, rtol=1e-12, atol=floor, err_msg=row["key"])


def test_js_engine_rejects_bad_input_clearly(node, root, tmp_path):
    spec = EXPRESSIONS["fork"][2]
    rows = [
        {"spec": spec, "inputs": {"x": 1.0}},
        {
            "spec": [
                {"name": "x", "op": "input", "args": []},
                {"name": "f", "op": "bogus", "args": ["x"]},
            ],
            "inputs": {"x": 1.0},
        },
    ]
    (tmp_path / "run.mjs").write_text(RUNNER)
    (tmp_path / "cases.json").write_text(json.dumps(rows))
    module = root / "lib" / "backprop" / "widgets" / "js" / "autodiff.js"
    proc = subprocess.run(
        [node, str(tmp_path / "run.mjs"), module.as_uri(), str(tmp_path / "cases.json")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    out = json.loads(proc.stdout)
    assert out[0]["error"] == "input y must be a finite number"
    assert out[1]["error"] == "unknown operation 'bogus' in node f"


def test_the_sweep_ends_with_the_engines_backward():
    for key, (_, inputs, spec) in EXPRESSIONS.items():
        s = sweep(spec, inputs)
        nodes = build(spec, inputs)
        nodes[-1].backward()
        assert s.grads[-1] == [v.grad for v in nodes], key
        assert s.data == [v.data for v in nodes]
        n_ops = sum(nd["op"] != "input" for nd in spec)
        assert len(s.grads) == n_ops + 1
        # Each reverse step changes only the gradients of the node's inputs.
        ops = [nd for nd in reversed(spec) if nd["op"] != "input"]
        names = [nd["name"] for nd in spec]
        for j, nd in enumerate(ops, start=1):
            changed = {names[i] for i in range(len(spec)) if s.grads[j][i] != s.grads[j - 1][i]}
            assert changed <= set(nd["args"]), (key, nd["name"], changed)


def test_the_gates_expression_shows_the_patterns():
    w = autodiff_explorer("gates")
    x, y, z = 1.0, -2.0, 0.5
    assert w.output == (x + y) * max(y, z)
    # f = s * m: multiply swaps (ds = m, dm = s); add distributes (dx = ds); max routes to z;
    # y feeds both s and m: a fork, whose gradient sums (here only through s: max picks z).
    assert w.gradient == {"x": 0.5, "y": 0.5, "z": -1.0}
    w.inputs = {"x": 1.0, "y": 2.0, "z": 0.5}  # now max picks y: two paths into y
    assert w.gradient == {"x": 2.0, "y": 2.0 + 3.0, "z": 0.0}


def test_traits_switch_expressions_and_are_checked():
    w = AutodiffExplorer()
    assert (
        w.expression == "gates"
        and w.n_steps == 6
        and repr(w) == ("Autodiff explorer: run this cell to move the sliders")
    )
    w.step = 4
    w.expression = "neuron"
    assert w.step == 0 and w.n_steps == 14 and set(w.inputs) == {"x1", "x2", "w1", "w2", "b", "t"}
    assert sorted(w.catalog) == sorted(EXPRESSIONS) and [k for k, _ in w.options] == list(
        EXPRESSIONS
    )
    xs = Value(1.0), Value(-0.5)
    ws = Value(0.8), Value(0.4)
    loss = ((ws[0] * xs[0] + ws[1] * xs[1] - 0.1).sigmoid() - 1.0) ** 2
    loss.backward()
    assert w.output == pytest.approx(loss.data, rel=1e-15)
    assert w.gradient["w1"] == pytest.approx(ws[0].grad, rel=1e-14)
    with pytest.raises(traitlets.TraitError, match="unknown expression"):
        w.expression = "nope"
    with pytest.raises(traitlets.TraitError, match="within 0..14"):
        w.step = 15
    with pytest.raises(traitlets.TraitError, match="exactly"):
        w.inputs = {"x": 1.0}
    with pytest.raises(ValueError, match="NaN"):
        w.inputs = {**w.inputs, "b": float("nan")}
