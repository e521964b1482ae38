r"""Reverse-mode automatic differentiation, live: a small expression's graph, swept forward
then backward one node at a time.

An anywidget: the front end (``js/autodiff.js``) holds its own tiny scalar engine (the same
local rules as :mod:`backprop.autodiff`) and redraws the graph at every move of an input
slider or a step. The forward sweep computes the nodes in order; the reverse sweep seeds
$\bar f = 1$ at the output and, node by node from the output back, adds
$\bar u \mathrel{+}= \bar v\,\partial v/\partial u$ to each input $u$ of the node $v$, so a
node used twice shows its gradient growing by two terms. :meth:`AutodiffExplorer.sweep`
computes the same numbers with :class:`backprop.autodiff.Value` (the tests compare both).

An expression is a list of nodes ``{"name", "op", "args"}`` (``args`` names earlier nodes;
``"pow"`` has a constant exponent ``"c"``); nodes with op ``"input"`` are the leaves the
sliders move, and the last node is the output.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import traitlets as tl

from .._checks import as_float_array
from ..autodiff import Value
from ._base import Explorer, bundle

Spec = list[dict[str, Any]]


def _node(name: str, op: str, *args: str, c: float | None = None) -> dict[str, Any]:
    d: dict[str, Any] = {"name": name, "op": op, "args": list(args)}
    if c is not None:
        d["c"] = c
    return d


def _inputs(*names: str) -> Spec:
    """The leaves ``names``, in that order (the sliders move them)."""
    return [_node(name, "input") for name in names]


#: The expressions the explorer offers, by key, each as (title, starting inputs, nodes).
EXPRESSIONS: dict[str, tuple[str, dict[str, float], Spec]] = {
    "gates": (
        "f = (x + y) · max(y, z)",
        {"x": 1.0, "y": -2.0, "z": 0.5},
        [
            *_inputs("x", "y", "z"),
            _node("s", "add", "x", "y"),
            _node("m", "max", "y", "z"),
            _node("f", "mul", "s", "m"),
        ],
    ),
    "fork": (
        "f = x · y + sin x",
        {"x": 2.0, "y": -3.0},
        [
            *_inputs("x", "y"),
            _node("p", "mul", "x", "y"),
            _node("q", "sin", "x"),
            _node("f", "add", "p", "q"),
        ],
    ),
    "neuron": (
        "ℓ = (σ(w₁x₁ + w₂x₂ + b) − t)²",
        {"x1": 1.0, "x2": -0.5, "w1": 0.8, "w2": 0.4, "b": -0.1, "t": 1.0},
        [
            *_inputs("x1", "w1", "x2", "w2", "b", "t"),
            _node("p1", "mul", "w1", "x1"),
            _node("p2", "mul", "w2", "x2"),
            _node("s", "add", "p1", "p2"),
            _node("z", "add", "s", "b"),
            _node("a", "sigmoid", "z"),
            _node("d", "sub", "a", "t"),
            _node("ℓ", "pow", "d", c=2.0),
        ],
    ),
    "softplus": (
        "f = log(1 + exp(x · w)) / w",
        {"x": 0.5, "w": 1.5},
        [
            *_inputs("x", "w"),
            _node("u", "mul", "x", "w"),
            _node("e", "exp", "u"),
            _node("o", "add_const", "e", c=1.0),
            _node("l", "log", "o"),
            _node("f", "div", "l", "w"),
        ],
    ),
}

_BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "max": lambda a, b: a.max(b),
}
_UNARY = {
    "neg": lambda a: -a,
    "exp": Value.exp,
    "log": Value.log,
    "sin": Value.sin,
    "cos": Value.cos,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
}


def build(spec: Spec, inputs: dict[str, float]) -> list[Value]:
    """The expression's nodes as :class:`~backprop.autodiff.Value` objects, in spec order."""
    nodes: dict[str, Value] = {}
    out = []
    for nd in spec:
        op, args = nd["op"], [nodes[a] for a in nd["args"]]
        if op == "input":
            v = Value(inputs[nd["name"]])
        elif op in _BINARY:
            v = _BINARY[op](*args)
        elif op in _UNARY:
            v = _UNARY[op](*args)
        elif op == "pow":
            v = args[0] ** nd["c"]
        elif op == "add_const":
            v = args[0] + nd["c"]
        else:
            raise ValueError(f"unknown operation {op!r} in node {nd['name']!r}")
        nodes[nd["name"]] = v
        out.append(v)
    return out


@dataclass
class Sweep:
    """``data[i]``: node i's value; ``grads[j][i]``: node i's gradient after j reverse steps
    (``grads[0]`` has only the seed $\\bar f = 1$); ``grads[-1]`` is the full gradient."""

    data: list[float]
    grads: list[list[float]]


def sweep(spec: Spec, inputs: dict[str, float]) -> Sweep:
    r"""Forward, then reverse one node at a time (spec order reversed, a topological order),
    with the engine's local backward steps; the gradients after every step."""
    nodes = build(spec, inputs)
    for v in nodes[-1].graph():
        v.grad = 0.0
    nodes[-1].grad = 1.0
    grads = [[v.grad for v in nodes]]
    for nd, v in zip(reversed(spec), reversed(nodes), strict=True):
        if nd["op"] != "input":
            v._backward()  # this node's local step: its inputs' grads grow
            grads.append([u.grad + 0.0 for u in nodes])
    return Sweep([v.data for v in nodes], grads)


class AutodiffExplorer(Explorer):
    r"""An expression's graph with every node's value and gradient: sliders for the inputs,
    Back/Next through the forward sweep (one node each) and the reverse sweep (one node's
    local backward step each).

    Traits (synced): ``expression`` (a key of :data:`EXPRESSIONS`), ``spec`` (its nodes),
    ``inputs`` (name -> value), ``step`` (0: inputs only; 1..M: forward; M+1..2M: reverse,
    with M the number of operations), ``limit`` (the sliders' range), ``options`` and
    ``catalog`` (every expression's title, nodes and starting inputs).
    """

    _esm = bundle("autodiff")
    _title = "Autodiff"

    expression = tl.Unicode("gates").tag(sync=True)
    spec = tl.List(tl.Dict()).tag(sync=True)
    inputs = tl.Dict().tag(sync=True)
    step = tl.Int(0).tag(sync=True)
    limit = tl.Float(3.0).tag(sync=True)
    options = tl.List(tl.List(tl.Unicode())).tag(sync=True)
    # Every expression's nodes and starting inputs: the view switches without a kernel.
    catalog = tl.Dict().tag(sync=True)

    def __init__(self, expression: str = "gates", step: int = 0, limit: float = 3.0) -> None:
        super().__init__(
            options=[[k, t] for k, (t, _, _) in EXPRESSIONS.items()],
            catalog={k: {"inputs": i, "spec": s} for k, (_, i, s) in EXPRESSIONS.items()},
            limit=float(limit),
        )
        self.expression = expression
        self._load(expression)
        self.step = step

    @tl.validate("expression")
    def _check_expression(self, proposal: Any) -> str:
        key = proposal["value"]
        if key not in EXPRESSIONS:
            raise tl.TraitError(
                f"unknown expression {key!r}; choose one of {', '.join(EXPRESSIONS)}"
            )
        return key

    @tl.observe("expression")
    def _on_expression(self, change: Any) -> None:
        self._load(change["new"])

    def _load(self, key: str) -> None:
        _, inputs, spec = EXPRESSIONS[key]
        with self.hold_trait_notifications():
            self.spec = spec
            self.inputs = dict(inputs)
            self.step = 0

    @tl.validate("inputs")
    def _check_inputs(self, proposal: Any) -> dict[str, float]:
        value = proposal["value"]
        names = [nd["name"] for nd in self.spec if nd["op"] == "input"]
        if self.spec and sorted(value) != sorted(names):
            raise tl.TraitError(
                f"inputs must name exactly {', '.join(names)}; got {', '.join(value)}"
            )
        return {k: float(as_float_array(v, f"input {k}", ndim=0)) for k, v in value.items()}

    @tl.validate("step")
    def _check_step(self, proposal: Any) -> int:
        s = proposal["value"]
        if not 0 <= s <= self.n_steps:
            raise tl.TraitError(f"step must be within 0..{self.n_steps}; got {s}")
        return s

    @property
    def n_ops(self) -> int:
        """M, the number of operation nodes."""
        return sum(nd["op"] != "input" for nd in self.spec)

    @property
    def n_steps(self) -> int:
        """The last step, 2M (forward M nodes, then M local backward steps)."""
        return 2 * self.n_ops

    def sweep(self) -> Sweep:
        """Every value and the gradients after each reverse step, from the Python engine."""
        return sweep(self.spec, self.inputs)

    @property
    def output(self) -> float:
        """The expression's value."""
        return self.sweep().data[-1]

    @property
    def gradient(self) -> dict[str, float]:
        r"""$\partial f/\partial u$ for every input $u$."""
        s = self.sweep()
        return {nd["name"]: s.grads[-1][i] for i, nd in enumerate(self.spec) if nd["op"] == "input"}


def autodiff_explorer(expression: str = "gates", step: int = 0) -> AutodiffExplorer:
    """The chapter's explorer, starting on ``expression`` (a key of :data:`EXPRESSIONS`)."""
    return AutodiffExplorer(expression, step)
