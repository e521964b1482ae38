r"""Every delta and weight gradient of a small network, live: move a target or a weight.

A thin shell over :meth:`backprop.Network.forward` and :meth:`backprop.Network.backward`
for one sample. Sliders set the targets $t_k$ and one chosen weight or bias; each change
reruns both passes and shows the output deltas $\delta^{(L)}$, the hidden deltas
$\delta^{(l)} = \big(\delta^{(l+1)} (W^{(l+1)})^\top\big) \odot f'(z^{(l)})$, and every
weight gradient $\partial L/\partial W^{(l)}_{ij} = a^{(l-1)}_i\,\delta^{(l)}_j$.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import plots
from ..network import Gradients, Network, Trace
from ._picker import ParameterPicker, new_axes, one_sample
from .image import AltImage

Array = NDArray[np.float64]

#: The network the widget starts from when none is given (chapter 6's 2-3-2 sigmoid network).
DEFAULT_WEIGHTS = (
    [[0.5, -0.3, 0.8], [0.2, 0.6, -0.4]],
    [[0.7, -0.5], [-0.6, 0.9], [0.4, -0.3]],
)
DEFAULT_BIASES = ([0.1, -0.1, 0.0], [0.1, -0.2])
DEFAULT_X = (1.0, 0.5)
DEFAULT_T = (1.0, 0.0)


def default_network() -> Network:
    """The widget's starting network: 2 inputs, 3 sigmoid hidden units, 2 sigmoid outputs."""
    return Network(DEFAULT_WEIGHTS, DEFAULT_BIASES, "sigmoid")


_CELL = '<td style="padding: 0.1em 0.7em">{}</td>'
_HEAD = '<th style="padding: 0.1em 0.7em">{}</th>'


def _table(head: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    return (
        '<table style="border-collapse: collapse; text-align: right">'
        + "<tr>"
        + "".join(_HEAD.format(h) for h in head)
        + "</tr>"
        + "".join("<tr>" + "".join(_CELL.format(v) for v in row) + "</tr>" for row in rows)
        + "</table>"
    )


class DeltaExplorer(ParameterPicker, widgets.VBox):
    """Sliders for the targets and one parameter; the delta drawing; tables of every
    delta and every weight gradient.

    After every change these attributes hold the state (tests read them):
    ``trace`` and ``grads`` (the forward and backward passes), ``delta`` (one 1-D
    array per layer: $\\delta^{(l)}$ at index ``l - 1``), ``dW`` (one array per layer:
    $\\partial L/\\partial W^{(l)}$) and ``loss``.
    """

    def __init__(
        self,
        net: Network | None = None,
        x: ArrayLike = DEFAULT_X,
        t: ArrayLike = DEFAULT_T,
        loss: str = "half_sse",
        limit: float = 2.0,
    ) -> None:
        self.net = (net if net is not None else default_network()).copy()
        self.x, t2 = one_sample(self.net, x, t)
        t = t2[0]
        self.loss_name = loss
        common = dict(continuous_update=False, readout_format=".2f")
        lo, hi = min(0.0, float(t.min())), max(1.0, float(t.max()))
        self.targets = [
            widgets.FloatSlider(
                value=float(v), min=lo, max=hi, step=0.05, description=f"t{k + 1}", **common
            )
            for k, v in enumerate(t)
        ]
        self._picker(limit, **common)
        self.summary = widgets.HTML()
        self.image = AltImage(format="png")
        self.delta_table = widgets.HTML()
        self.gradient_table = widgets.HTML()
        for s in self.targets:
            s.observe(self._on_change, names="value")
        controls = widgets.VBox([*self.targets, self.parameter, self.value])
        tables = widgets.HBox([self.delta_table, self.gradient_table])
        super().__init__([controls, self.summary, self.image, tables])
        self.update()

    # ---- both passes, then redraw ----------------------------------------------
    @property
    def t(self) -> Array:
        """The current targets as a batch of one sample, shape (1, n_outputs)."""
        return np.array([[s.value for s in self.targets]], dtype=np.float64)

    def update(self) -> None:
        """Rerun the forward and backward passes and redraw the picture and the tables."""
        self.trace: Trace = self.net.forward(self.x)
        self.grads: Gradients = self.net.backward(self.trace, self.t, self.loss_name)
        self.delta = [d[0] + 0.0 for d in self.grads.dz]  # + 0.0: no -0
        self.dW = [g + 0.0 for g in self.grads.dW]
        self.loss = self.grads.loss
        ax = new_axes((6.5, 3.8))
        plots.delta_flow(self.net, self.trace, self.grads, ax=ax)
        self.image.value = plots.to_png(ax.figure)
        deltas = "; ".join(
            f"layer {l + 1}: " + ", ".join(f"{v:.3g}" for v in d) for l, d in enumerate(self.delta)
        )
        self.image.alt = (
            "Diagram of the network with the deltas flowing back: each unit is coloured by its "
            f"delta (red positive, blue negative), each arrow by the term it carries. Deltas, "
            f"{deltas}."
        )
        self.summary.value = self._summary_html()
        self.delta_table.value = self._delta_html()
        self.gradient_table.value = self._gradient_html()

    def _summary_html(self) -> str:
        y = ", ".join(f"{v:.4f}" for v in self.trace.output[0])
        t = ", ".join(f"{v:.2f}" for v in self.t[0])
        return f"<p>Output y = ({y}), target t = ({t}), loss L = {self.loss:.4f}.</p>"

    def _delta_html(self) -> str:
        rows = []
        for l in range(1, self.net.n_layers + 1):
            act = self.net.activations[l - 1]
            z, a = self.trace.z[l - 1][0], self.trace.a[l][0]
            fprime = act.derivative(z, a)
            da = self.grads.da[l][0]
            for j in range(z.shape[0]):
                rows.append(
                    (
                        l,
                        j + 1,
                        f"{z[j]:.3f}",
                        f"{fprime[j]:.4f}",
                        f"{da[j]:.4f}",
                        f"{self.delta[l - 1][j]:.4f}",
                    )
                )
        return _table(("layer", "unit", "z", "f′(z)", "∂L/∂a", "δ = ∂L/∂a · f′(z)"), rows)

    def _gradient_html(self) -> str:
        rows = []
        for l, (W, dW) in enumerate(zip(self.net.W, self.dW, strict=True), start=1):
            for i in range(W.shape[0]):
                for j in range(W.shape[1]):
                    rows.append((f"W{l}[{i + 1},{j + 1}]", f"{W[i, j]:.2f}", f"{dW[i, j]:.4f}"))
        return _table(("weight", "value", "∂L/∂W"), rows)

    def __repr__(self) -> str:
        # The plain-text fallback (no memory address, so stored outputs stay the same).
        return "Delta explorer (run this page on Binder or Colab to move the sliders)"


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
