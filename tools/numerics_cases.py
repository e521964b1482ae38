"""The shared table of cases for the explorers' JavaScript core, computed by the library.

    python -m tools.numerics_cases           # rewrite tests/widgets/numerics_cases.json
    python -m tools.numerics_cases --check   # exit 1 if the table is out of date

A case is ``{"kind", "name", "input", "expected"}``: ``expected`` is what
:func:`compute` gets from the Python library for that ``kind`` and ``input``, and
lib/backprop/widgets/js/numerics.js must give the same numbers
(tests/widgets/test_numerics_js.py runs it under node on this table and on seeded
random cases built with the same :func:`compute`). Cases of kind ``"error"`` hold bad
input and a piece of the message the JavaScript must throw.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import backprop as bp
import numpy as np
from backprop.activations import get_activation
from backprop.losses import get_loss, softmax
from backprop.optim import descent_path, loss_grid

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "tests" / "widgets" / "numerics_cases.json"

#: Chapter 5's surfaces of two variables (their gradients, as the chapter writes them).
SURFACES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "minimum": lambda p: np.array([2 * p[0], 2 * p[1]]),
    "maximum": lambda p: np.array([-2 * p[0], -2 * p[1]]),
    "saddle": lambda p: np.array([2 * p[0], -2 * p[1]]),
}


def _list(a: Any) -> Any:
    return None if a is None else np.asarray(a, dtype=np.float64).tolist()


# ---- the library's side, one function per kind ---------------------------------------


def _activation(inp: dict) -> dict:
    act = get_activation(inp["name"])
    z = np.array(inp["z"], dtype=np.float64)
    a = act.f(z)
    # "derivative" is what the backward pass uses: f'(z) from z and the stored a = f(z).
    return {"f": _list(a), "df": _list(act.df(z)), "derivative": _list(act.derivative(z, a))}


def _loss(inp: dict) -> dict:
    loss = get_loss(inp["name"])
    Y, T = np.array(inp["Y"], dtype=np.float64), np.array(inp["T"], dtype=np.float64)
    return {"value": loss.value(Y, T), "grad": _list(loss.grad(Y, T))}


def _softmax(inp: dict) -> dict:
    return {"P": _list(softmax(inp["Y"]))}


def _toy(inp: dict) -> dict:
    model = bp.ToyModel(inp["beta"], inp["omega"])
    x, y = np.array(inp["x"], dtype=np.float64), np.array(inp["y"], dtype=np.float64)
    trace = model.forward(x)
    g = model.backward(trace, y)
    return {
        "f": [_list(f) for f in trace.f],
        "h": [_list(h) for h in trace.h],
        "loss": g.loss,
        "dl_df": [_list(d) for d in g.dl_df],
        "dl_dh": [_list(d) for d in g.dl_dh],
        "dl_dbeta": _list(g.dl_dbeta),
        "dl_domega": _list(g.dl_domega),
        "toy_loss": model.loss(x, y),
    }


def _network(inp: dict) -> dict:
    net = bp.Network(inp["W"], inp["b"], inp["activations"])
    trace = net.forward(inp["X"])
    g = net.backward(trace, inp["T"], inp["loss"], input_grad=inp["input_grad"])
    return {
        "a": [_list(a) for a in trace.a],
        "z": [_list(z) for z in trace.z],
        "loss": g.loss,
        "dW": [_list(d) for d in g.dW],
        "db": [_list(d) for d in g.db],
        "dz": [_list(d) for d in g.dz],
        "da": [_list(d) for d in g.da],
        "predict": net.predict(inp["X"]).argmax(axis=1).tolist(),
        "probabilities": _list(softmax(trace.output)),
    }


def _line_unit(p: np.ndarray) -> bp.Network:
    """Chapter 5's linear unit y = w x + b with p = (w, b), as a one-layer Network."""
    return bp.Network([[[p[0]]]], [[p[1]]], "identity")


def _line_fns(inp: dict) -> tuple[Callable, Callable]:
    X = np.array(inp["x"], dtype=np.float64).reshape(-1, 1)
    T = np.array(inp["t"], dtype=np.float64).reshape(-1, 1)

    def loss(p: np.ndarray) -> float:
        return _line_unit(p).loss(X, T, "mse")

    def grad(p: np.ndarray) -> np.ndarray:
        g = _line_unit(p).gradients(X, T, "mse")
        return np.array([g.dW[0][0, 0], g.db[0][0]])

    return loss, grad


def _line(inp: dict) -> dict:
    loss, grad = _line_fns(inp)
    p = np.array(inp["p"], dtype=np.float64)
    return {"loss": loss(p), "grad": _list(grad(p))}


def _toy_grad(inp: dict) -> Callable:
    x, y = np.array(inp["x"], dtype=np.float64), np.array(inp["y"], dtype=np.float64)

    def grad(phi: np.ndarray) -> np.ndarray:
        g = bp.ToyModel.from_phi(phi).gradients(x, y)
        return np.concatenate([g.dl_dbeta, g.dl_domega])

    return grad


def _descent(inp: dict) -> dict:
    """A descent path on the line fit, the toy model (phi = betas then omegas) or a surface."""
    if inp["model"] == "line":
        grad = _line_fns(inp)[1]
    elif inp["model"] == "toy":
        grad = _toy_grad(inp)
    else:
        grad = SURFACES[inp["model"]]
    with np.errstate(over="ignore", invalid="ignore"):  # diverging runs overflow on purpose
        path = descent_path(grad, inp["start"], inp["lr"], inp["steps"], inp["tol"])
    return {"path": _list(path)}


def _grid(inp: dict) -> dict:
    loss = _line_fns(inp)[0]
    P, Q, F = loss_grid(loss, tuple(inp["xlim"]), tuple(inp["ylim"]), inp["n"])
    return {"P": _list(P), "Q": _list(Q), "F": _list(F)}


COMPUTE: dict[str, Callable[[dict], dict]] = {
    "activation": _activation,
    "loss": _loss,
    "softmax": _softmax,
    "toy": _toy,
    "network": _network,
    "line": _line,
    "descent": _descent,
    "grid": _grid,
}


def compute(kind: str, inp: dict) -> dict:
    """The library's answer for one case."""
    return COMPUTE[kind](inp)


# ---- the hand-picked cases -----------------------------------------------------------


def _net_input(net: bp.Network, X: Any, T: Any, loss: str, input_grad: bool = False) -> dict:
    return {
        "W": [W.tolist() for W in net.W],
        "b": [b.tolist() for b in net.b],
        "activations": [a.name for a in net.activations],
        "X": np.asarray(X, dtype=np.float64).tolist(),
        "T": np.asarray(T, dtype=np.float64).tolist(),
        "loss": loss,
        "input_grad": input_grad,
    }


def _cases() -> list[tuple[str, str, dict]]:
    """(kind, name, input) of every hand-picked case."""
    # The explorers' own defaults (imported here: compute() needs no widget module).
    from backprop.widgets import deltas, relu
    from backprop.widgets.toy import DEFAULT_BETA, DEFAULT_OMEGA

    cases: list[tuple[str, str, dict]] = []
    add = cases.append
    # Activations: zeros, ordinary values, and |z| large enough to overflow a naive sigmoid.
    z = [0.0, -0.0, 0.5, -1.5, 3.0] + [
        s * v for v in (20.0, 40.0, 700.0, 745.0, 1e4) for s in (1, -1)
    ]
    for name in ("identity", "relu", "sigmoid", "tanh", "sin", "cos", "exp"):
        zs = z if name != "exp" else [v for v in z if v <= 700.0]
        add(("activation", name, {"name": name, "z": zs}))
    # Losses, and softmax with scores that would overflow exp without the shift.
    Y = [[0.5, -1.0, 2.0], [0.0, 0.0, 0.0]]
    T = [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    for name in ("sse", "half_sse", "mse", "softmax_cross_entropy"):
        add(("loss", name, {"name": name, "Y": Y, "T": T}))
    add(("loss", "softmax_cross_entropy, huge scores", {"name": "softmax_cross_entropy",
         "Y": [[1000.0, -1000.0, 0.0]], "T": [[0.0, 1.0, 0.0]]}))  # fmt: skip
    add(("loss", "mse, zero error", {"name": "mse", "Y": T, "T": T}))
    add(("softmax", "rows", {"Y": Y}))
    add(("softmax", "one row", {"Y": [1.0, 2.0, 3.0]}))
    add(("softmax", "huge scores", {"Y": [[1000.0, 999.0, -1000.0], [-800.0, -801.0, -802.0]]}))
    # The toy model: the explorer's default parameters, chapter 5's start, zeros.
    x = [-1.5, -0.5, 0.0, 0.7, 1.5]
    y = [0.2, -0.4, 0.5, 1.0, 0.1]
    add(("toy", "explorer defaults", {"beta": list(DEFAULT_BETA), "omega": list(DEFAULT_OMEGA), "x": x, "y": y}))  # fmt: skip
    add(("toy", "chapter 5 start", {"beta": [0.0] * 4, "omega": [1.0] * 4, "x": x, "y": y}))
    add(("toy", "zeros", {"beta": [0.0] * 4, "omega": [0.0] * 4, "x": [0.0], "y": [0.0]}))
    # Networks: chapter 6's 2-3-2 sigmoid net, chapter 4's ReLU net (a unit on z = 0 too),
    # a softmax classifier shaped like chapter 7's 64-32-10 digits net.
    ch6 = deltas.default_network()
    add(("network", "chapter 6 (2-3-2 sigmoid)", _net_input(ch6, [deltas.DEFAULT_X], [deltas.DEFAULT_T], "half_sse", True)))  # fmt: skip
    add(("network", "chapter 6, two samples, mse", _net_input(ch6, [[1.0, 0.5], [-0.3, 2.0]], [[1.0, 0.0], [0.0, 1.0]], "mse")))  # fmt: skip
    ch4 = relu.default_network()
    add(("network", "chapter 4 (ReLU)", _net_input(ch4, [relu.DEFAULT_X], [relu.DEFAULT_T], "half_sse", True)))  # fmt: skip
    add(("network", "chapter 4, a unit at z = 0", _net_input(ch4, [[0.4, -0.8]], [[0.5]], "sse")))
    rng = np.random.default_rng(7)
    digits = bp.Network.random([64, 32, 10], ["relu", "identity"], seed=0)
    X = rng.normal(size=(3, 64))
    add(("network", "64-32-10 digits net", _net_input(digits, X, bp.data.one_hot([3, 0, 9], 10), "softmax_cross_entropy")))  # fmt: skip
    add(("network", "zeros", _net_input(bp.Network([np.zeros((2, 2))], [np.zeros(2)], "tanh"), [[0.0, 0.0]], [[0.0, 0.0]], "mse")))  # fmt: skip
    # Chapter 5: the line fit at its start, its three descent rates, a stopping tolerance,
    # the toy model's descent, the saddle and a diverging maximum, the loss grid.
    X5 = np.linspace(-0.5, 2.0, 6)
    T5 = (2 * X5 - 1 + 0.1 * np.random.default_rng(0).normal(size=X5.shape)).tolist()
    line = {"x": X5.tolist(), "t": T5}
    add(("line", "chapter 5 start", {**line, "p": [-1.0, 1.0]}))
    add(("line", "zeros", {"x": [0.0, 0.0], "t": [0.0, 0.0], "p": [0.0, 0.0]}))
    for lr in (0.02, 0.3, 0.55):
        add(("descent", f"line, lr {lr}", {**line, "model": "line", "start": [-1.0, 1.0], "lr": lr, "steps": 30, "tol": 0.0}))  # fmt: skip
    add(("descent", "line, tol 1e-4", {**line, "model": "line", "start": [-1.0, 1.0], "lr": 0.3, "steps": 10_000, "tol": 1e-4}))  # fmt: skip
    add(("descent", "line, diverges to inf", {**line, "model": "line", "start": [-1.0, 1.0], "lr": 5.0, "steps": 2000, "tol": 0.0}))  # fmt: skip
    add(("descent", "line, 0 steps", {**line, "model": "line", "start": [-1.0, 1.0], "lr": 0.3, "steps": 0, "tol": 0.0}))  # fmt: skip
    x_toy = np.linspace(-1.5, 1.5, 10)
    y_toy = bp.ToyModel([0.0, 0.0, 0.0, 0.5], [1.0, 1.0, 2.0, 1.0])(x_toy)
    y_toy = (y_toy + 0.05 * np.random.default_rng(0).normal(size=x_toy.size)).tolist()
    phi0 = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]
    add(("descent", "toy, lr 0.01", {"x": x_toy.tolist(), "y": y_toy, "model": "toy", "start": phi0, "lr": 0.01, "steps": 40, "tol": 0.0}))  # fmt: skip
    add(("descent", "saddle", {"model": "saddle", "start": [1.5, 0.01], "lr": 0.1, "steps": 40, "tol": 0.0}))  # fmt: skip
    add(("descent", "maximum, to inf", {"model": "maximum", "start": [1.0, -1.0], "lr": 0.5, "steps": 5000, "tol": 0.0}))  # fmt: skip
    add(("descent", "minimum, exact stop", {"model": "minimum", "start": [1.0, -1.0], "lr": 0.5, "steps": 10, "tol": 0.0}))  # fmt: skip
    add(("grid", "chapter 5 grid", {**line, "xlim": [-1.5, 4.5], "ylim": [-3.0, 3.0], "n": 7}))
    add(("grid", "2 points", {**line, "xlim": [0.1, 0.3], "ylim": [-1.0, 1.0], "n": 2}))
    return cases


#: Bad input: (name, call, args, ...). ``call`` is an export of numerics.js or a helper of the
#: test's runner: networkBackwardOf(net, X, T, loss) runs both passes; descentPathLine and
#: descentPathBad descend on a small line fit / with a gradient of the wrong length;
#: lossGridLine(xlim, ylim, n) grids a line fit's loss.
#: (name, call, args, a piece of the message numerics.js must throw).
ERRORS: list[tuple[str, str, list, str]] = [
    (
        "W2 rows",
        "networkForward",
        [
            {
                "W": [[[1.0, 2.0, 3.0]], [[1.0], [2.0], [3.0], [4.0]]],
                "b": [[0.0, 0.0, 0.0], [0.0]],
                "activations": "relu",
            },
            [[1.0]],
        ],
        "W2 has 4 rows but a1 has 3 columns (W1 has 3)",
    ),
    (
        "X columns",
        "networkForward",
        [{"W": [[[1.0], [2.0]]], "b": [[0.0]], "activations": ["relu"]}, [[1.0, 2.0, 3.0]]],
        "W1 has 2 rows but X (a0) has 3 columns",
    ),
    (
        "b length",
        "networkForward",
        [{"W": [[[1.0], [2.0]]], "b": [[0.0, 1.0]], "activations": ["relu"]}, [[1.0, 2.0]]],
        "b1 has 2 entries but W1 has 1 columns",
    ),
    (
        "activation name",
        "networkForward",
        [{"W": [[[1.0]]], "b": [[0.0]], "activations": ["softplus"]}, [[1.0]]],
        "unknown activation 'softplus'; known: cos, exp, identity, relu, sigmoid, sin, tanh",
    ),
    (
        "activation count",
        "networkForward",
        [{"W": [[[1.0]]], "b": [[0.0]], "activations": ["relu", "relu"]}, [[1.0]]],
        "got 1 layers but 2 activations",
    ),
    (
        "ragged X",
        "networkForward",
        [{"W": [[[1.0]]], "b": [[0.0]], "activations": "relu"}, [[1.0], [1.0, 2.0]]],
        "X has rows of different lengths",
    ),
    (
        "null in X",
        "networkForward",
        [{"W": [[[1.0]]], "b": [[0.0]], "activations": "relu"}, [[None]]],
        "X must be a matrix",
    ),
    (
        "T shape",
        "networkBackwardOf",
        [
            {"W": [[[1.0, 1.0]]], "b": [[0.0, 0.0]], "activations": "relu"},
            [[1.0]],
            [[1.0, 2.0, 3.0]],
            "mse",
        ],
        "T has shape 1×3 but Y has shape 1×2",
    ),
    (
        "loss name",
        "networkBackwardOf",
        [{"W": [[[1.0]]], "b": [[0.0]], "activations": "relu"}, [[1.0]], [[1.0]], "hinge"],
        "unknown loss 'hinge'",
    ),
    (
        "beta length",
        "toyForward",
        [[1.0, 2.0, 3.0], [1.0, 1.0, 1.0, 1.0], [0.0]],
        "beta must hold 4 numbers; got 3",
    ),
    (
        "toy y length",
        "toyLoss",
        [[0.0] * 4, [1.0] * 4, [0.0, 1.0], [0.0]],
        "y has 1 values but x has 2",
    ),
    ("line t length", "lineGrad", [[0.0, 0.0], [0.0, 1.0], [0.0]], "t has 1 values but x has 2"),
    (
        "learning rate",
        "descentPathLine",
        [[0.0, 0.0], -0.1, 3],
        "the learning rate must be a positive number",
    ),
    ("steps", "descentPathLine", [[0.0, 0.0], 0.1, 2.5], "steps must be a whole number"),
    (
        "gradient shape",
        "descentPathBad",
        [[0.0, 0.0], 0.1, 2],
        "gradFn returned 3 numbers for a point of 2",
    ),
    (
        "grid n",
        "lossGridLine",
        [[-1.0, 1.0], [-1.0, 1.0], 1],
        "the grid needs n >= 2 points a side",
    ),
    (
        "grid limits",
        "lossGridLine",
        [[1.0, -1.0], [-1.0, 1.0], 5],
        "xlim must be two finite numbers",
    ),
]


def table() -> list[dict]:
    """Every hand-picked case with the library's answer, then the bad-input cases."""
    out = [
        {"kind": kind, "name": name, "input": inp, "expected": compute(kind, inp)}
        for kind, name, inp in _cases()
    ]
    out += [
        {
            "kind": "error",
            "name": name,
            "input": {"call": call, "args": args},
            "expected": {"error": msg},
        }  # fmt: skip
        for name, call, args, msg in ERRORS
    ]
    return out


# ---- comparing the JavaScript's numbers with the library's ----------------------------

#: Relative tolerance. Sums run in another order in numpy (pairwise sums, BLAS) than in
#: numerics.js (left to right), and libm's exp/sin/tanh may differ from JS's in the last bit.
RTOL = 1e-12

#: Fields that hold a list of library arrays (a[l], dW[l - 1], dl_df[k], ...): each array is
#: judged on its own scale. A path is judged point by point.
LIST_FIELDS = {"f", "h", "dl_df", "dl_dh", "a", "z", "dW", "db", "dz", "da", "path"}


def _flat(x: Any) -> list:
    return [v for item in x for v in _flat(item)] if isinstance(x, list) else [x]


def _shape(x: Any) -> Any:
    return [_shape(item) for item in x] if isinstance(x, list) else type(x).__name__


def _array_mismatch(got: Any, want: Any, elementwise: bool = False) -> str | None:
    """Why ``got`` differs from the library array ``want``, or None when they agree.

    Numbers agree when |got - want| <= RTOL * max(|want|, scale), where scale is the
    largest |entry| of ``want``: an entry near zero, next to big ones, is held to an
    absolute floor of RTOL * scale (its rounding error comes from terms of that size).
    ``elementwise`` (a function applied number by number, no sums) holds each number to
    RTOL of itself, with no floor. Whole numbers (class indices) and None must be equal.
    """
    if want is None or got is None:
        return None if got is want else f"got {got!r}, expected {want!r}"
    if isinstance(want, list) and _shape(got) != _shape(want):
        if not isinstance(got, list) or len(_flat(got)) != len(_flat(want)):
            return f"shape differs: got {str(got)[:200]}, expected {str(want)[:200]}"
    g, w = _flat(got), _flat(want)
    if len(g) != len(w):
        return f"got {len(g)} numbers, expected {len(w)}"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in w):
        return None if g == w else f"got {g}, expected {w}"
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in g):
        return f"got non-numbers {str(got)[:200]} (null is NaN or infinity in JSON)"
    scale = max(abs(v) for v in w) if w else 0.0
    for i, (a, b) in enumerate(zip(g, w, strict=True)):
        if not abs(a - b) <= RTOL * (abs(b) if elementwise else max(abs(b), scale)):
            return f"entry {i}: got {a!r}, expected {b!r} (scale {scale:.3g})"
    return None


def mismatches(got: dict, want: dict, kind: str = "") -> list[str]:
    """Every field of one case where the JavaScript (``got``) and the library (``want``) differ.

    Activations (``kind`` "activation") are compared number by number, with no floor."""
    if "threw" in got:
        return [f"threw {got['threw']}"]
    if "error" in want:
        msg = got.get("error")
        if msg is None or want["error"] not in msg:
            return [f"expected an Error containing {want['error']!r}; got {msg!r}"]
        return []
    out = []
    for field, w in want.items():
        if field not in got:
            out.append(f"{field}: missing")
            continue
        g = got[field]
        if kind == "activation":
            pairs = [(f"{field}[{i}]", gi, wi) for i, (gi, wi) in enumerate(zip(g, w, strict=True))]
            out += [f"{n}: {why}" for n, gi, wi in pairs if (why := _array_mismatch(gi, wi, True))]
            continue
        if field in LIST_FIELDS and isinstance(w, list):
            if not isinstance(g, list) or len(g) != len(w):
                out.append(f"{field}: got {str(g)[:200]}, expected {len(w)} arrays")
                continue
            pairs = [(f"{field}[{i}]", gi, wi) for i, (gi, wi) in enumerate(zip(g, w, strict=True))]
        else:
            pairs = [(field, g, w)]
        out += [f"{name}: {why}" for name, gi, wi in pairs if (why := _array_mismatch(gi, wi))]
    return out


def dumps(cases: list[dict]) -> str:
    """One case per line, so a change shows as a small diff."""
    return "[\n" + ",\n".join(json.dumps(c, allow_nan=False) for c in cases) + "\n]\n"


def stale(fresh: list[dict]) -> list[str]:
    """How the stored table differs from ``fresh``: the cases and inputs must be the same,
    the expected numbers the same up to :data:`RTOL` (another BLAS may round differently)."""
    hint = f"{TABLE.relative_to(ROOT)} is out of date: run python -m tools.numerics_cases"
    if not TABLE.is_file():
        return [hint]
    stored = json.loads(TABLE.read_text(encoding="utf-8"))
    if [(c["kind"], c["name"], c["input"]) for c in stored] != [
        (c["kind"], c["name"], c["input"]) for c in fresh
    ]:
        return [hint + " (cases or inputs differ)"]
    out = []
    for s, f in zip(stored, fresh, strict=True):
        if s["expected"].keys() != f["expected"].keys():
            out.append(f"{hint}: {s['name']}: fields differ")
        elif "error" in f["expected"]:
            if s["expected"] != f["expected"]:
                out.append(f"{hint}: {s['name']}: message differs")
        else:
            why = mismatches(s["expected"], f["expected"], f["kind"])
            out += [f"{hint}: {s['name']}: {m}" for m in why]
    return out


def main(argv: list[str]) -> int:
    fresh = table()
    if "--check" in argv:
        problems = stale(fresh)
        for p in problems:
            print(p, file=sys.stderr)
        return 1 if problems else 0
    TABLE.parent.mkdir(parents=True, exist_ok=True)
    TABLE.write_text(dumps(fresh), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
