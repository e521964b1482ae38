r"""Every delta and gradient of a small network, live: move a target, a weight or a bias.

An anywidget: the browser (``js/deltas.js`` with ``js/numerics.js``) reruns the forward
and backward passes of :class:`backprop.Network` for one sample at every move of a
slider. Sliders set the targets $t_k$ and one chosen weight or bias; the view shows the
outputs, the output deltas $\delta^{(D)}$, the hidden deltas
$\delta^{(l)} = \big(\delta^{(l+1)} (W^{(l+1)})^\top\big) \odot f'(z^{(l)})$, and every
gradient $\partial L/\partial W^{(l)}_{ij} = a^{(l-1)}_i\,\delta^{(l)}_j$,
$\partial L/\partial b^{(l)}_j = \delta^{(l)}_j$. The properties below compute the same
numbers with the library (the tests compare them).
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from .._types import Array
from ..network import Network
from ._base import bundle
from ._network import NetworkExplorer

#: The network the widget starts from when none is given (chapter 6's 2-3-2 sigmoid network).
DEFAULT_WEIGHTS = (
    [[0.5, -0.3, 0.8], [0.2, 0.6, -0.4]],
    [[0.7, -0.5], [-0.6, 0.9], [0.4, -0.3]],
)
DEFAULT_BIASES = ([0.1, -0.1, 0.0], [0.1, -0.2])
DEFAULT_X = (1.0, 0.5)
DEFAULT_T = (1.0, 0.0)
#: The sliders of the picked parameter run from -DEFAULT_LIMIT to DEFAULT_LIMIT.
DEFAULT_LIMIT = 2.0


def default_network() -> Network:
    """The widget's starting network: 2 inputs, 3 sigmoid hidden units, 2 sigmoid outputs."""
    return Network(DEFAULT_WEIGHTS, DEFAULT_BIASES, "sigmoid")


class DeltaExplorer(NetworkExplorer):
    r"""Sliders for the targets and one parameter; the network drawn with its deltas;
    tables of every unit's $z$, $f'(z)$, $\partial L/\partial a$ and $\delta$ (with its
    change since the start) and of every parameter's gradient.

    The traits (``t``, ``weights``, ``biases``, ``parameter``, ...) are those of
    ``NetworkExplorer`` (``widgets/_network.py``). The properties ``output``, ``delta``,
    ``dW``, ``db`` and ``loss`` give what the view shows, computed with the library.
    """

    _esm = bundle("deltas")
    _title = "Delta"

    def __init__(
        self,
        net: Network | None = None,
        x: ArrayLike = DEFAULT_X,
        t: ArrayLike = DEFAULT_T,
        loss: str = "half_sse",
        limit: float = DEFAULT_LIMIT,
    ) -> None:
        super().__init__(net if net is not None else default_network(), x, t, loss, limit)

    @property
    def target_range(self) -> tuple[float, float]:
        """The targets' sliders run over [0, 1], widened to the starting targets."""
        t0 = self.initial["t"]
        return min(0.0, *t0), max(1.0, *t0)

    @property
    def delta(self) -> list[Array]:
        r"""The deltas $\delta^{(l)}$ of every layer, at index ``l - 1`` (1-D arrays)."""
        return [d[0] + 0.0 for d in self.grads.dz]  # + 0.0: no -0

    @property
    def dW(self) -> list[Array]:
        r"""The gradients $\partial L/\partial W^{(l)}$ of every layer, at index ``l - 1``."""
        return [g + 0.0 for g in self.grads.dW]

    @property
    def db(self) -> list[Array]:
        r"""The gradients $\partial L/\partial b^{(l)}$ of every layer, at index ``l - 1``."""
        return [g + 0.0 for g in self.grads.db]


def delta_explorer(
    net: Network | None = None,
    x: ArrayLike = DEFAULT_X,
    t: ArrayLike = DEFAULT_T,
    loss: str = "half_sse",
) -> DeltaExplorer:
    """The chapter's widget: targets and one parameter on sliders; every delta and gradient.

    ``net`` defaults to :func:`default_network` (it is copied, never changed); ``x`` is
    one input sample and ``t`` its targets; ``loss`` is a name from
    :data:`backprop.losses.LOSSES`.
    """
    return DeltaExplorer(net, x, t, loss)
