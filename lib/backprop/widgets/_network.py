"""What the network explorers (ReLU, deltas) share: a small network, one sample and a
target held as synced traits, a picked parameter and its value, both passes on demand.

The browser computes and draws everything from the traits (``js/relu.js``,
``js/deltas.js``, with ``js/numerics.js``); the properties here compute the same
numbers with the library, for notebook code and the tests.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import traitlets as tl
from numpy.typing import ArrayLike

from .._checks import as_float_array
from .._types import Array
from ..activations import get_activation
from ..losses import get_loss
from ..network import Gradients, Network, Trace
from ._base import Explorer

#: Where a parameter lives: ("W" or "b", list index l - 1, row i, column j); a bias has i = 0.
Which = tuple[str, int, int, int]

_KEY = re.compile(r"^(W)(\d+)\[(\d+),(\d+)\]$|^(b)(\d+)\[(\d+)\]$")


def parameter_options(net: Network) -> list[tuple[str, str]]:
    """Every parameter as (key, label): the key names it, the label says what it connects.

    Names count from 1 as the book does: ``W2[3,1]`` is $W^{(2)}_{31}$, stored at
    ``net.W[1][2, 0]``; ``b1[2]`` is $b^{(1)}_2$. A single output is called ``y``,
    several ``y1``, ``y2``, ...
    """
    options = []
    n_out = net.sizes[-1]
    for l, W in enumerate(net.W, start=1):
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                src = f"x{i + 1}" if l == 1 else f"unit {i + 1}"
                if l < net.n_layers:
                    dst = f"unit {j + 1}"
                else:
                    dst = "y" if n_out == 1 else f"y{j + 1}"
                key = f"W{l}[{i + 1},{j + 1}]"
                options.append((key, f"{key} ({src} → {dst})"))
    for l, b in enumerate(net.b, start=1):
        for j in range(b.shape[0]):
            key = f"b{l}[{j + 1}]"
            options.append((key, f"{key} (bias of layer {l}, unit {j + 1})"))
    return options


def parse_parameter(key: str) -> Which:
    """``"W2[3,1]"`` -> ("W", 1, 2, 0); ``"b1[2]"`` -> ("b", 0, 0, 1)."""
    m = _KEY.match(key)
    if m is None:
        raise ValueError(
            f"{key!r} names no parameter; write W<layer>[<row>,<col>] or b<layer>[<unit>]"
        )
    if m.group(1):
        return ("W", int(m.group(2)) - 1, int(m.group(3)) - 1, int(m.group(4)) - 1)
    return ("b", int(m.group(6)) - 1, 0, int(m.group(7)) - 1)


def one_sample(net: Network, x: ArrayLike, t: ArrayLike) -> tuple[Array, Array]:
    """An input ``x`` and target ``t`` checked against the network's sizes, as 1-D arrays."""
    x = as_float_array(x, "x", ndim=1)
    t = as_float_array(t, "t", ndim=1)
    for name, v, n, what in (("x", x, net.sizes[0], "inputs"), ("t", t, net.sizes[-1], "outputs")):
        if v.shape[0] != n:
            raise ValueError(f"{name} has {v.shape[0]} numbers but the network has {n} {what}")
    return x, t


def _floats(a: Array) -> Any:
    # Plain Python floats (JSON keeps float64 exactly: shortest round-trip repr); + 0.0: no -0.
    return (np.asarray(a, dtype=np.float64) + 0.0).tolist()


class NetworkExplorer(Explorer):
    """A network, one sample ``x``, its target ``t`` and a picked parameter, as synced traits.

    ``weights[l - 1]`` and ``biases[l - 1]`` hold $W^{(l)}$ and $b^{(l)}$ as nested lists;
    ``parameter`` is the key of the parameter the value slider moves (``"W1[2,3]"``);
    :attr:`value` reads or writes it. Set any trait from Python and the view redraws;
    move a slider in the view and the trait changes.
    """

    weights = tl.List(tl.List(tl.List(tl.Float()))).tag(sync=True)
    biases = tl.List(tl.List(tl.Float())).tag(sync=True)
    activations = tl.List(tl.Unicode()).tag(sync=True)
    loss_name = tl.Unicode("half_sse").tag(sync=True)
    x = tl.List(tl.Float()).tag(sync=True)
    t = tl.List(tl.Float()).tag(sync=True)
    parameter = tl.Unicode("").tag(sync=True)
    # The sliders of the inputs and of the picked parameter run from -limit to limit.
    limit = tl.Float(2.0).tag(sync=True)
    # (key, label) of every parameter, in the picker's order.
    options = tl.List(tl.List(tl.Unicode())).tag(sync=True)
    # The starting weights, biases, x and t (the Reset button restores them).
    initial = tl.Dict().tag(sync=True)

    def __init__(
        self,
        net: Network,
        x: ArrayLike,
        t: ArrayLike,
        loss: str = "half_sse",
        limit: float = 2.0,
        parameter: str | None = None,
    ) -> None:
        get_loss(loss)  # a clear error for an unknown loss name
        x1, t1 = one_sample(net, x, t)
        options = parameter_options(net)
        state = {
            "weights": [_floats(W) for W in net.W],
            "biases": [_floats(b) for b in net.b],
            "x": _floats(x1),
            "t": _floats(t1),
        }
        super().__init__(
            activations=[a.name for a in net.activations],
            loss_name=loss,
            limit=float(limit),
            options=[list(o) for o in options],
            parameter=parameter or options[0][0],
            initial=state,
            **state,
        )

    # ---- checks: a bad value from Python gets a clear message ---------------
    @tl.validate("parameter")
    def _check_parameter(self, proposal: Any) -> str:
        key = proposal["value"]
        if self.options and key not in [k for k, _ in self.options]:
            raise tl.TraitError(
                f"{key!r} is not a parameter of this network; pick one of "
                + ", ".join(k for k, _ in self.options)
            )
        return key

    @tl.validate("activations")
    def _check_activations(self, proposal: Any) -> list[str]:
        for name in proposal["value"]:
            get_activation(name)
        return proposal["value"]

    @tl.validate("x", "t")
    def _check_sample(self, proposal: Any) -> list[float]:
        name = proposal["trait"].name
        value = as_float_array(proposal["value"], name, ndim=1)
        if self.weights:
            n = len(self.weights[0]) if name == "x" else len(self.biases[-1])
            what = "inputs" if name == "x" else "outputs"
            if value.shape[0] != n:
                raise tl.TraitError(
                    f"{name} has {value.shape[0]} numbers but the network has {n} {what}"
                )
        return _floats(value)

    # ---- the library's numbers for the current state -------------------------
    @property
    def net(self) -> Network:
        """The network the traits hold now (a fresh copy: changing it changes nothing here)."""
        return Network(self.weights, self.biases, self.activations)

    def set_network(self, net: Network) -> None:
        """Put ``net``'s weights and biases (same sizes) into the traits."""
        if net.sizes != self.net.sizes:
            raise ValueError(
                f"the network has sizes {net.sizes}; this explorer's are {self.net.sizes}"
            )
        with self.hold_trait_notifications():
            self.weights = [_floats(W) for W in net.W]
            self.biases = [_floats(b) for b in net.b]

    @property
    def trace(self) -> Trace:
        """The forward pass for ``x`` (a batch of one sample)."""
        return self.net.forward(np.array([self.x]))

    @property
    def grads(self) -> Gradients:
        """Both backward passes for ``x`` against ``t`` with the explorer's loss."""
        net = self.net
        return net.backward(net.forward(np.array([self.x])), np.array([self.t]), self.loss_name)

    @property
    def output(self) -> Array:
        """The network's output $y$ for ``x``."""
        return self.trace.output[0]

    @property
    def loss(self) -> float:
        """The loss of the output against ``t``."""
        return float(self.grads.loss)

    @property
    def value(self) -> float:
        """The value of the picked parameter; setting it changes that weight or bias."""
        kind, l, i, j = parse_parameter(self.parameter)
        return self.weights[l][i][j] if kind == "W" else self.biases[l][j]

    @value.setter
    def value(self, v: float) -> None:
        v = float(as_float_array(v, "value", ndim=0))
        kind, l, i, j = parse_parameter(self.parameter)
        if kind == "W":
            weights = [[list(row) for row in W] for W in self.weights]
            weights[l][i][j] = v
            self.weights = weights
        else:
            biases = [list(b) for b in self.biases]
            biases[l][j] = v
            self.biases = biases

    def reset(self) -> None:
        """Back to the starting weights, biases, input and target."""
        with self.hold_trait_notifications():
            for name, v in self.initial.items():
                setattr(self, name, v)
