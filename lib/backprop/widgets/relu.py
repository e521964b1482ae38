r"""Which units of a small ReLU network are on, and which gradients the indicator zeroes.

An anywidget: the browser (``js/relu.js`` with ``js/numerics.js``) reruns the forward
and backward passes of :class:`backprop.Network` at every move of a slider and draws the
network in SVG. Sliders set the inputs and one chosen weight or bias. A ReLU unit is on
when its pre-activation $z > 0$; its delta is
$\delta = \partial L/\partial a \cdot \mathbb 1[z > 0]$, so an off unit passes no gradient.
The properties below compute the same numbers with the library (the tests compare them).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .._types import Array
from ..activations import relu_derivative
from ..network import Network
from ._base import bundle
from ._network import NetworkExplorer

#: The network the widget starts from when none is given (2 inputs, 3 ReLU units, 1 output).
DEFAULT_WEIGHTS = (
    [[1.0, -1.0, 0.5], [0.5, 1.0, -1.0]],
    [[1.0], [-0.8], [1.2]],
)
DEFAULT_BIASES = ([0.0, -0.2, 0.1], [0.0])
DEFAULT_X = (1.0, 0.5)
DEFAULT_T = (0.5,)


def default_network() -> Network:
    """The widget's starting network: 2 inputs, 3 ReLU hidden units, 1 identity output."""
    return Network(DEFAULT_WEIGHTS, DEFAULT_BIASES, ["relu", "identity"])


class ReluExplorer(NetworkExplorer):
    r"""Sliders for the inputs and one parameter; the network drawn with its units on or
    off; a table of each ReLU unit's $z$, $\mathbb 1[z > 0]$, $a$, $\partial L/\partial a$
    and $\delta$.

    The traits (``x``, ``weights``, ``biases``, ``parameter``, ...) are those of
    ``NetworkExplorer`` (``widgets/_network.py``). The properties ``on``,
    ``delta``, ``zeroed``, ``output`` and ``loss`` give what the view shows, computed with
    the library.
    """

    _esm = bundle("relu")
    _title = "ReLU network"

    def __init__(
        self,
        net: Network | None = None,
        x: ArrayLike = DEFAULT_X,
        t: ArrayLike = DEFAULT_T,
        loss: str = "half_sse",
        limit: float = 2.0,
    ) -> None:
        net = net if net is not None else default_network()
        if not any(a.name == "relu" for a in net.activations):
            raise ValueError("the network has no ReLU layer; give at least one layer 'relu'")
        super().__init__(net, x, t, loss, limit)

    @property
    def relu_layers(self) -> list[int]:
        """List indices ``l - 1`` of the ReLU layers."""
        return [l for l, name in enumerate(self.activations) if name == "relu"]

    @property
    def on(self) -> list[Array]:
        """Which units of each ReLU layer have $z > 0$ (one boolean array per layer)."""
        z = self.trace.z
        return [z[l][0] > 0 for l in self.relu_layers]

    @property
    def indicator(self) -> list[Array]:
        r"""$\mathbb 1[z > 0]$ per ReLU layer, as ``backprop.activations.relu_derivative`` gives it."""
        z = self.trace.z
        return [relu_derivative(z[l][0]) for l in self.relu_layers]

    @property
    def delta(self) -> list[Array]:
        r"""The ReLU layers' deltas $\delta = \partial L/\partial a \cdot \mathbb 1[z > 0]$."""
        dz = self.grads.dz
        return [dz[l][0] + 0.0 for l in self.relu_layers]  # + 0.0: no -0

    @property
    def zeroed(self) -> int:
        """How many weights get a gradient of exactly 0 for this sample."""
        return int(sum(np.count_nonzero(dW == 0) for dW in self.grads.dW))


def relu_explorer(
    net: Network | None = None,
    x: ArrayLike = DEFAULT_X,
    t: ArrayLike = DEFAULT_T,
    loss: str = "half_sse",
) -> ReluExplorer:
    """The chapter's widget: inputs and one parameter on sliders; which ReLU units are on.

    ``net`` defaults to :func:`default_network` (it is copied, never changed); ``x`` is
    one input sample and ``t`` its target; ``loss`` is a name from
    :data:`backprop.losses.LOSSES`.
    """
    return ReluExplorer(net, x, t, loss)
