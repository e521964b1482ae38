"""The explorers' JavaScript core (lib/backprop/widgets/js/numerics.js) must give the
library's numbers: the shared table tests/widgets/numerics_cases.json (written by
``python -m tools.numerics_cases``), plus at least 1,000 seeded random cases per model
(toy model, dense network, descent paths, softmax and digit predictions), all evaluated
by ONE node process and compared here with ``tools.numerics_cases.mismatches``: 1e-12
relative, with an absolute floor of 1e-12 times the largest entry of the same library
array for entries near zero.

Without node the tests skip loudly, except under CI=true, where a missing node is a failure.
"""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import backprop as bp
import numpy as np
import pytest

from tools import numerics_cases as NC

ROOT = Path(__file__).resolve().parents[2]
MODULE = ROOT / "lib" / "backprop" / "widgets" / "js" / "numerics.js"
N_RANDOM = 1000

RUNNER = r"""
import { readFileSync } from "node:fs";

const m = await import(process.argv[2]);
const cases = JSON.parse(readFileSync(process.argv[3], "utf8"));

const SURFACES = {  // chapter 5's gradients, as tools/numerics_cases.py writes them
  minimum: (p) => [2 * p[0], 2 * p[1]],
  maximum: (p) => [-2 * p[0], -2 * p[1]],
  saddle: (p) => [2 * p[0], -2 * p[1]],
};
const toyGrad = (x, y) => (phi) => {
  const beta = phi.slice(0, 4), omega = phi.slice(4);
  const g = m.toyBackward(beta, omega, m.toyForward(beta, omega, x), y);
  return [...g.dl_dbeta, ...g.dl_domega];
};
const lineGrad = (p) => m.lineGrad(p, [0, 1], [1, 3]);
const CALLS = {  // what the "error" cases call
  ...m,
  networkBackwardOf: (net, X, T, loss) => m.networkBackward(net, m.networkForward(net, X), T, loss),
  descentPathLine: (start, lr, steps) => m.descentPath(lineGrad, start, lr, steps),
  descentPathBad: (start, lr, steps) => m.descentPath(() => [1, 2, 3], start, lr, steps),
  lossGridLine: (xlim, ylim, n) => m.lossGrid((p) => m.lineLoss(p, [0, 1], [1, 3]), xlim, ylim, n),
};

const RUN = {
  activation: ({ name, z }) => {
    const act = m.ACTIVATIONS[name];
    const a = z.map(act.f);
    const derivative = z.map((zi, i) => (act.dfza ? act.dfza(zi, a[i]) : act.df(zi)));
    return { f: a, df: z.map(act.df), derivative };
  },
  loss: ({ name, Y, T }) => ({ value: m.LOSSES[name].value(Y, T), grad: m.LOSSES[name].grad(Y, T) }),
  softmax: ({ Y }) => ({ P: m.softmax(Y) }),
  toy: ({ beta, omega, x, y }) => {
    const t = m.toyForward(beta, omega, x);
    const g = m.toyBackward(beta, omega, t, y);
    return { f: t.f, h: t.h, ...g, toy_loss: m.toyLoss(beta, omega, x, y) };
  },
  network: (c) => {
    const net = { W: c.W, b: c.b, activations: c.activations };
    const t = m.networkForward(net, c.X);
    const g = m.networkBackward(net, t, c.T, c.loss, c.input_grad);
    const probabilities = m.softmax(t.a[t.a.length - 1]);
    return { a: t.a, z: t.z, ...g, predict: m.predict(net, c.X), probabilities };
  },
  line: ({ p, x, t }) => ({ loss: m.lineLoss(p, x, t), grad: m.lineGrad(p, x, t) }),
  descent: (c) => {
    const grad = c.model === "line" ? (p) => m.lineGrad(p, c.x, c.t)
      : c.model === "toy" ? toyGrad(c.x, c.y) : SURFACES[c.model];
    return { path: m.descentPath(grad, c.start, c.lr, c.steps, c.tol) };
  },
  grid: (c) => m.lossGrid((p) => m.lineLoss(p, c.x, c.t), c.xlim, c.ylim, c.n),
  error: ({ call, args }) => {
    try {
      CALLS[call](...args);
      return { error: null };
    } catch (e) {
      return { error: e instanceof Error ? e.message : `threw a non-Error: ${e}` };
    }
  },
};

const results = cases.map((c) => {
  try {
    return RUN[c.kind](c.input);
  } catch (e) {
    return { threw: String(e && e.stack ? e.stack : e) };
  }
});
process.stdout.write(JSON.stringify({ exports: Object.keys(m).sort(), results }));
"""


def _run_node(node: str, tmp: Path, cases: list[dict]) -> dict:
    """``{"exports": [...], "results": [...]}``: numerics.js's export names and one result per case."""
    runner = tmp / "run_numerics.mjs"
    runner.write_text(RUNNER, encoding="utf-8")
    data = tmp / "cases.json"
    data.write_text(json.dumps([{"kind": c["kind"], "input": c["input"]} for c in cases]))
    proc = subprocess.run(
        [node, str(runner), MODULE.as_uri(), str(data)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert proc.returncode == 0, f"node failed:\n{proc.stderr}"
    out = json.loads(proc.stdout)
    assert len(out["results"]) == len(cases)
    return out


# ---- seeded random cases (the library computes "expected") ----------------------------


def _case(kind: str, name: str, inp: dict) -> dict:
    return {"kind": kind, "name": name, "input": inp, "expected": NC.compute(kind, inp)}


def _toy_cases(rng: np.random.Generator) -> list[dict]:
    out = []
    for i in range(N_RANDOM):
        n = int(rng.integers(1, 9))
        inp = {
            "beta": rng.uniform(-2, 2, 4).tolist(),
            "omega": rng.uniform(-2, 2, 4).tolist(),
            "x": rng.uniform(-2, 2, n).tolist(),
            "y": rng.uniform(-2, 2, n).tolist(),
        }
        out.append(_case("toy", f"random toy {i}", inp))
    return out


ACTS = ["identity", "relu", "sigmoid", "tanh", "sin", "cos"]
LOSS_NAMES = ["sse", "half_sse", "mse", "softmax_cross_entropy"]


def _network_cases(rng: np.random.Generator) -> list[dict]:
    """Random widths, activations, losses and targets; weights drawn as Network.random draws
    them, N(0, 1/n_in), so pre-activations stay in the range the explorers show. (Far out,
    the library's own formulas amplify one-ulp differences between libm and JavaScript's
    Math: 1 - a*a for tanh at |z| > 15, or sin of a pre-activation in the thousands after an
    exp layer, lose all but a few digits in both; the table holds large |z| elementwise.)"""
    out = []
    for i in range(N_RANDOM):
        sizes = rng.integers(1, 7, size=int(rng.integers(2, 6))).tolist()
        acts = [str(rng.choice(ACTS)) for _ in sizes[1:]]
        if rng.random() < 0.1:
            acts[-1] = "exp"  # last, so no later layer sees e^z's big values (see _network_cases)
        n, k = int(rng.integers(1, 6)), sizes[-1]
        loss = str(rng.choice(LOSS_NAMES))
        if loss == "softmax_cross_entropy" and rng.random() < 0.7:
            T = bp.data.one_hot(rng.integers(0, k, n), k).tolist()
        else:
            T = rng.normal(size=(n, k)).tolist()
        if k == 1 and rng.random() < 0.3:
            T = [row[0] for row in T]  # one output: 1-D targets
        inp = {
            "W": [
                (rng.normal(size=(a, b)) / np.sqrt(a)).tolist()
                for a, b in zip(sizes[:-1], sizes[1:], strict=True)
            ],
            "b": [rng.normal(0.0, 0.5, size=b).tolist() for b in sizes[1:]],
            "activations": acts,
            "X": rng.normal(size=(n, sizes[0])).tolist(),
            "T": T,
            "loss": loss,
            "input_grad": bool(rng.random() < 0.5),
        }
        out.append(_case("network", f"random network {i}", inp))
    return out


def _descent_cases(rng: np.random.Generator) -> list[dict]:
    out = []
    for i in range(N_RANDOM):
        u = rng.random()
        tol = float(rng.choice([0.0, 1e-3, 1e-1]))
        if u < 0.5:  # the line fit; large rates diverge
            n = int(rng.integers(2, 9))
            inp = {
                "model": "line",
                "x": rng.uniform(-2, 2, n).tolist(),
                "t": rng.uniform(-3, 3, n).tolist(),
                "start": rng.uniform(-3, 3, 2).tolist(),
                "lr": float(10 ** rng.uniform(-3, 0.5)),
                "steps": int(rng.integers(0, 50)),
                "tol": tol,
            }
        elif u < 0.7:  # the toy model from near chapter 5's start
            n = int(rng.integers(3, 7))
            inp = {
                "model": "toy",
                "x": rng.uniform(-1.5, 1.5, n).tolist(),
                "y": rng.uniform(-1, 1.5, n).tolist(),
                "start": (
                    np.array([0, 0, 0, 0, 1, 1, 1, 1.0]) + rng.uniform(-0.5, 0.5, 8)
                ).tolist(),
                "lr": float(10 ** rng.uniform(-3, -1.5)),
                "steps": int(rng.integers(0, 20)),
                "tol": tol,
            }
        else:
            inp = {
                "model": str(rng.choice(list(NC.SURFACES))),
                "start": rng.uniform(-2, 2, 2).tolist(),
                "lr": float(rng.uniform(0.01, 1.5)),
                "steps": int(rng.integers(0, 80)),
                "tol": tol,
            }
        out.append(_case("descent", f"random descent {i}", inp))
    return out


def _softmax_cases(rng: np.random.Generator) -> list[dict]:
    """Softmax of random scores (some huge), and the digit net's predictions and probabilities."""
    out = []
    for i in range(N_RANDOM):
        shape = (int(rng.integers(1, 4)), int(rng.integers(1, 11)))
        Y = rng.normal(size=shape) * float(rng.choice([1.0, 30.0, 1000.0]))
        out.append(_case("softmax", f"random softmax {i}", {"Y": Y.tolist()}))
    # 10 nets shaped like chapter 7's, 100 inputs each: 1,000 digit predictions.
    for seed in range(10):
        net = bp.Network.random([64, 32, 10], ["relu", "identity"], seed=seed)
        X = rng.normal(size=(100, 64))
        labels = rng.integers(0, 10, 100)
        inp = NC._net_input(net, X, bp.data.one_hot(labels, 10), "softmax_cross_entropy")
        out.append(_case("network", f"random digits net {seed}", inp))
    return out


def _perturbed(cases: list[dict]) -> list[dict]:
    """Decoys: a case whose input was nudged after its expected answer was computed
    (by 1e-9 relative, or one weight flipped): the comparison must catch each."""
    by_kind = {c["kind"]: c for c in reversed(cases)}
    out = []
    for kind, path in [
        ("toy", ("beta", 0)),
        ("network", ("W", 0, 0, 0)),
        ("line", ("p", 1)),
        ("descent", ("start", 0)),
        ("softmax", ("Y", 0, 0)),
    ]:
        c = copy.deepcopy(by_kind[kind])
        c["name"] = "decoy " + c["name"]
        box = c["input"]
        for key in path[:-1]:
            box = box[key]
        box[path[-1]] += 1e-9 * (abs(box[path[-1]]) + 1)
        out.append(c)
    # A digit net whose first hidden layer lost its sign: the predictions must differ.
    c = copy.deepcopy(next(c for c in cases if c["name"] == "random digits net 0"))
    c["name"] = "decoy flipped digits net"
    c["input"]["W"][1] = (-np.array(c["input"]["W"][1])).tolist()
    out.append(c)
    return out


@pytest.fixture(scope="module")
def run(node, tmp_path_factory) -> dict:
    """Every case (table, random, decoys) through one node process."""
    table = json.loads(NC.TABLE.read_text(encoding="utf-8"))
    rng = np.random.default_rng(20261130)
    groups = {
        "toy": _toy_cases(rng),
        "network": _network_cases(rng),
        "descent": _descent_cases(rng),
        "softmax": _softmax_cases(rng),
    }
    groups["decoys"] = _perturbed(table + [c for g in groups.values() for c in g])
    cases = table + [c for g in groups.values() for c in g]
    ran = _run_node(node, tmp_path_factory.mktemp("numerics_js"), cases)
    results, start = ran["results"], len(table)
    out = {"exports": ran["exports"], "table": list(zip(table, results[:start], strict=True))}
    for name, group in groups.items():
        out[name] = list(zip(group, results[start : start + len(group)], strict=True))
        start += len(group)
    return out


def _failures(pairs: list[tuple[dict, dict]]) -> list[str]:
    return [
        f"{case['kind']} / {case['name']}: {m}"
        for case, got in pairs
        for m in NC.mismatches(got, case["expected"], case["kind"])
    ]


def test_table_is_up_to_date():
    """The stored table is what the generator writes now (expected numbers to 1e-12)."""
    problems = NC.stale(NC.table())
    assert not problems, "\n".join(problems[:20])


def test_table_covers_every_export(run):
    """Every kind of case is in the table, and the module exports exactly the documented API."""
    kinds = {c["kind"] for c, _ in run["table"]}
    assert kinds == set(NC.COMPUTE) | {"error"}
    assert run["exports"] == sorted(
        ["ACTIVATIONS", "LOSSES", "softmax", "toyForward", "toyBackward", "toyLoss"]
        + ["networkForward", "networkBackward", "predict", "lineLoss", "lineGrad"]
        + ["descentPath", "lossGrid"]
    )


@pytest.mark.parametrize("group", ["table", "toy", "network", "descent", "softmax"])
def test_javascript_agrees_with_the_library(run, group):
    pairs = run[group]
    assert group == "table" or len(pairs) >= N_RANDOM
    failures = _failures(pairs)
    assert not failures, f"{len(failures)} mismatches, first ones:\n" + "\n".join(failures[:10])


def test_random_cases_reach_the_interesting_branches(run):
    """The random descents include runs that stop early (tolerance or divergence), and the
    networks every activation and loss; otherwise agreement would prove less."""
    stopped = [c for c, _ in run["descent"] if len(c["expected"]["path"]) - 1 < c["input"]["steps"]]
    diverged = [c for c in stopped if c["input"]["model"] in ("line", "maximum", "saddle")]
    assert len(stopped) >= 50 and len(diverged) >= 5
    nets = [c["input"] for c, _ in run["network"]]
    assert {a for n in nets for a in n["activations"]} == set(ACTS) | {"exp"}
    assert {n["loss"] for n in nets} == set(LOSS_NAMES)
    assert any(n["input_grad"] for n in nets) and any(isinstance(n["T"][0], float) for n in nets)
    digits = [c["expected"]["predict"] for c, _ in run["softmax"] if c["kind"] == "network"]
    assert {p for predicted in digits for p in predicted} == set(range(10))


def test_decoys_are_caught(run):
    """The comparison can fail: every perturbed case is reported, a flipped net's predictions too."""
    for case, got in run["decoys"]:
        assert NC.mismatches(got, case["expected"]), f"{case['name']} was not detected"
    flipped = run["decoys"][-1]
    assert any(m.startswith("predict") for m in NC.mismatches(flipped[1], flipped[0]["expected"]))


def test_comparison_rules():
    """The tolerance: 1e-12 relative, an absolute floor of 1e-12 x the array's largest entry,
    exact class indices and None, and shapes that must match."""
    want = {"v": [1.0, 1e-20], "k": [1, 2], "da": [None, [[1.0]]]}
    ok = {"v": [1.0 + 5e-13, 5e-13], "k": [1, 2], "da": [None, [[1.0]]]}
    assert NC.mismatches(ok, want) == []
    for field, bad in [
        ("v", [1.0 + 2e-12, 0.0]),
        ("v", [1.0, 2e-12]),
        ("v", [1.0]),
        ("v", [1.0, None]),
        ("k", [1, 3]),
        ("da", [[[0.0]], [[1.0]]]),
    ]:
        assert NC.mismatches({**ok, field: bad}, want), (field, bad)
    # Activations: each number to 1e-12 of itself (a naive sigmoid's 0 for 5e-324 fails).
    assert NC.mismatches({"f": [0.5, 0.0]}, {"f": [0.5, 5e-324]}, "activation")
    assert not NC.mismatches({"f": [0.5, 5e-324]}, {"f": [0.5, 5e-324]}, "activation")
    assert NC.mismatches({"threw": "Error: x"}, want)
    assert NC.mismatches({"error": "something else"}, {"error": "W2 has 3 rows"})
    assert NC.mismatches({"error": None}, {"error": "W2 has 3 rows"})
