r"""Gradients through depth, live: the size of every layer's pre-activations and deltas in a
deep network, for a depth, an activation and an initialisation the reader picks.

An anywidget: the front end (``js/depth.js``) draws the network's weights itself from a small
seeded generator (mulberry32, 32-bit integer arithmetic that Python repeats exactly), runs
``networkForward`` / ``networkBackward`` of ``numerics.js`` and plots, layer by layer, the
root mean squares of $z^{(l)}$ and of $\delta^{(l)} = \partial L/\partial z^{(l)}$ on a log
scale. Only the settings travel in the widget's state. :func:`depth_profile` computes the same
numbers with :class:`backprop.Network` (the tests compare both).

The network: $D$ = ``depth`` layers of ``width`` units, the chosen activation in layers
$1, \dots, D - 1$ and the identity in layer $D$, no biases (zeros), mean squared error against
random targets. Every input, target and weight is uniform: $x, t \sim U(-\sqrt 3, \sqrt 3)$
(mean square 1) and $W^{(l)}_{ij} = s \sqrt 3\,(2u - 1)$ with $u \sim U(0, 1)$, so the weights
have variance $s^2$, the scale :data:`backprop.network.INITS` gives (uniform rather than normal:
a uniform draw needs no logarithm or cosine, whose last bits may differ between numpy and a
browser).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import traitlets as tl

from .._types import Array
from ..network import INITS, Network
from ._base import Explorer, bundle

#: The activations the explorer offers (hidden layers), and the depth range.
ACTIVATIONS = ("sigmoid", "tanh", "relu")
MIN_DEPTH, MAX_DEPTH = 2, 50
WIDTH, SAMPLES = 32, 64

_MASK = 0xFFFFFFFF


def uniforms(seed: int, n: int) -> Array:
    """``n`` draws of mulberry32 seeded with ``seed``: uniform on [0, 1), multiples of 2^-32.

    The same 32-bit integer steps as ``mulberry32`` in ``js/depth.js`` (JavaScript's
    ``Math.imul`` is a product modulo 2^32), so both sides get the same numbers exactly.
    """
    a = int(seed) & _MASK
    out = np.empty(n)
    for i in range(n):
        a = (a + 0x6D2B79F5) & _MASK
        t = ((a ^ (a >> 15)) * (1 | a)) & _MASK
        t = ((t + (((t ^ (t >> 7)) * (61 | t)) & _MASK)) & _MASK) ^ t
        out[i] = ((t ^ (t >> 14)) & _MASK) / 4294967296
    return out


def _problem(name: str, value: Any) -> str | None:
    """What is wrong with the setting ``name`` (depth, activation or init), or None."""
    if name == "depth":
        ok = MIN_DEPTH <= value <= MAX_DEPTH
        return None if ok else f"depth must be within {MIN_DEPTH}..{MAX_DEPTH}; got {value}"
    options = ACTIVATIONS if name == "activation" else INITS
    return (
        None
        if value in options
        else f"unknown {name} {value!r}; choose one of {', '.join(options)}"
    )


def _check(depth: int, activation: str, init: str) -> None:
    for name, value in (("depth", depth), ("activation", activation), ("init", init)):
        if (problem := _problem(name, value)) is not None:
            raise ValueError(problem)


def depth_setup(
    depth: int,
    activation: str,
    init: str,
    width: int = WIDTH,
    samples: int = SAMPLES,
    seed: int = 0,
) -> tuple[Network, Array, Array]:
    """The explorer's network, inputs X and targets T (the draws in the order X, T, W[1], ..., W[D])."""
    _check(depth, activation, init)
    n_data = 2 * samples * width
    u = uniforms(seed, n_data + depth * width * width)
    root3 = np.sqrt(3.0)
    X = root3 * (2 * u[: samples * width] - 1)
    T = root3 * (2 * u[samples * width : n_data] - 1)
    s = INITS[init](width, width)
    weights = [
        s * root3 * (2 * u[n_data + k * width * width : n_data + (k + 1) * width * width] - 1)
        for k in range(depth)
    ]
    net = Network(
        [w.reshape(width, width) for w in weights],
        [np.zeros(width)] * depth,
        [activation] * (depth - 1) + ["identity"],
    )
    return net, X.reshape(samples, width), T.reshape(samples, width)


@dataclass
class Profile:
    r"""Entry $l - 1$ of each: the root mean square of $z^{(l)}$ and of $\delta^{(l)}$."""

    z_rms: Array
    delta_rms: Array


def depth_profile(
    depth: int,
    activation: str,
    init: str,
    width: int = WIDTH,
    samples: int = SAMPLES,
    seed: int = 0,
) -> Profile:
    """What the explorer plots, computed with :class:`backprop.Network`."""
    net, X, T = depth_setup(depth, activation, init, width, samples, seed)
    trace = net.forward(X)
    grads = net.backward(trace, T, "mse")
    z_rms = np.array([np.sqrt(np.mean(np.square(z))) for z in trace.z])
    return Profile(z_rms, grads.delta_rms())


class DepthExplorer(Explorer):
    r"""Per-layer sizes of $z^{(l)}$ and $\delta^{(l)}$: a depth slider and pickers for the
    activation and the initialisation.

    Traits (synced): ``depth`` (2..50), ``activation`` (sigmoid, tanh, relu), ``init``
    (lecun, xavier, he), ``width``, ``samples`` and ``seed``.
    """

    _esm = bundle("depth")
    _title = "Depth"

    depth = tl.Int(10).tag(sync=True)
    activation = tl.Unicode("tanh").tag(sync=True)
    init = tl.Unicode("lecun").tag(sync=True)
    width = tl.Int(WIDTH).tag(sync=True)
    samples = tl.Int(SAMPLES).tag(sync=True)
    seed = tl.Int(0).tag(sync=True)

    @tl.validate("depth", "activation", "init")
    def _check_setting(self, proposal: Any) -> Any:
        problem = _problem(proposal["trait"].name, proposal["value"])
        if problem is not None:
            raise tl.TraitError(problem)
        return proposal["value"]

    def profile(self) -> Profile:
        """The numbers the view plots, from the library."""
        return depth_profile(
            self.depth, self.activation, self.init, self.width, self.samples, self.seed
        )


def depth_explorer(depth: int = 10, activation: str = "tanh", init: str = "lecun") -> DepthExplorer:
    """The chapter's explorer, starting at ``depth`` layers of ``activation`` units, ``init`` weights."""
    return DepthExplorer(depth=depth, activation=activation, init=init)
