r"""Which units of a small ReLU network are on, and which gradients the indicator zeroes.

A thin shell over :meth:`backprop.Network.forward` and :meth:`backprop.Network.backward`:
sliders set the inputs and one chosen weight or bias; each change reruns both passes
and redraws. A ReLU unit is on when its pre-activation $z > 0$; its delta is
$\delta = \partial L/\partial a \cdot \mathbb 1[z > 0]$, so an off unit passes no gradient.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import plots
from ..activations import relu_derivative
from ..network import Gradients, Network, Trace
from ._picker import ParameterPicker, new_axes, one_sample
from .image import AltImage

Array = NDArray[np.float64]

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


class ReluExplorer(ParameterPicker, widgets.VBox):
    """Sliders for the inputs and one parameter; a drawing of the network; a table of deltas.

    After every change these attributes hold the state (tests read them):
    ``trace`` and ``grads`` (the forward and backward passes), ``on`` (one boolean
    array per ReLU layer: $z > 0$), ``delta`` (the ReLU layers' deltas) and
    ``zeroed`` (how many weights get an exactly zero gradient).
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
        self.relu_layers = [l for l, act in enumerate(self.net.activations) if act.name == "relu"]
        if not self.relu_layers:
            raise ValueError("the network has no ReLU layer; give at least one layer 'relu'")
        x2, self.t = one_sample(self.net, x, t)
        x = x2[0]
        self.loss_name = loss
        common = dict(continuous_update=False, readout_format=".2f")
        self.inputs = [
            widgets.FloatSlider(
                value=float(v), min=-limit, max=limit, step=0.05, description=f"x{i + 1}", **common
            )
            for i, v in enumerate(x)
        ]
        self._picker(limit, **common)
        self.image = AltImage(format="png")
        self.table = widgets.HTML()
        self.summary = widgets.HTML()
        for s in self.inputs:
            s.observe(self._on_change, names="value")
        controls = widgets.VBox([*self.inputs, self.parameter, self.value])
        super().__init__([controls, self.summary, self.image, self.table])
        self.update()

    # ---- both passes, then redraw ----------------------------------------------
    @property
    def x(self) -> Array:
        """The current input as a batch of one sample, shape (1, n_inputs)."""
        return np.array([[s.value for s in self.inputs]], dtype=np.float64)

    def update(self) -> None:
        """Rerun the forward and backward passes and redraw the picture and the table."""
        self.trace: Trace = self.net.forward(self.x)
        self.grads: Gradients = self.net.backward(self.trace, self.t, self.loss_name)
        self.on = [self.trace.z[l][0] > 0 for l in self.relu_layers]
        self.delta = [self.grads.dz[l][0] + 0.0 for l in self.relu_layers]  # + 0.0: no -0
        self.zeroed = int(sum(np.count_nonzero(dW == 0) for dW in self.grads.dW))
        ax = new_axes((6.5, 3.6))
        plots.relu_network(self.net, self.trace, self.grads, ax=ax)
        self.image.value = plots.to_png(ax.figure)
        n = sum(W.size for W in self.net.W)
        self.image.alt = (
            "Diagram of the network for this input: ReLU units that are on are filled, units "
            "that are off are grey, and the weights whose gradient is exactly 0 are drawn "
            f"dotted ({self.zeroed} of {n})."
        )
        self.table.value = self._table_html()
        self.summary.value = self._summary_html()

    def _summary_html(self) -> str:
        parts = []
        for k, l in enumerate(self.relu_layers):
            on = [str(j + 1) for j in np.flatnonzero(self.on[k])] or ["none"]
            off = [str(j + 1) for j in np.flatnonzero(~self.on[k])] or ["none"]
            parts.append(f"Layer {l + 1}: units on {', '.join(on)}; units off {', '.join(off)}.")
        n = sum(W.size for W in self.net.W)
        parts.append(
            f"Loss {self.grads.loss:.4f}. {self.zeroed} of {n} weights get a gradient of exactly 0."
        )
        return "<p>" + " ".join(parts) + "</p>"

    def _table_html(self) -> str:
        cell = '<td style="padding: 0.1em 0.7em">{}</td>'
        rows = []
        for k, l in enumerate(self.relu_layers):
            z = self.trace.z[l][0]
            da = self.grads.da[l + 1][0]
            mask = relu_derivative(z)
            for j in range(z.shape[0]):
                values = (
                    l + 1,
                    j + 1,
                    f"{z[j]:.3f}",
                    f"{mask[j]:.0f}",
                    f"{da[j]:.3f}",
                    f"{self.delta[k][j]:.3f}",
                )
                rows.append("<tr>" + "".join(cell.format(v) for v in values) + "</tr>")
        head = "".join(
            f'<th style="padding: 0.1em 0.7em">{h}</th>'
            for h in ("layer", "unit", "z", "1[z &gt; 0]", "∂L/∂a", "δ = ∂L/∂a · 1[z &gt; 0]")
        )
        return (
            '<table style="border-collapse: collapse; text-align: right">'
            f"<tr>{head}</tr>" + "".join(rows) + "</table>"
        )

    def __repr__(self) -> str:
        # The plain-text fallback (no memory address, so stored outputs stay the same).
        return "ReLU explorer (run this page on Binder or Colab to move the sliders)"


def relu_explorer(
    net: Network | None = None,
    x: ArrayLike = DEFAULT_X,
    t: ArrayLike = DEFAULT_T,
    loss: str = "half_sse",
) -> ReluExplorer:
    """The chapter's widget: inputs and one parameter on sliders; which ReLU units are on.

    ``net`` defaults to :func:`default_network`; ``x`` is one input sample and ``t``
    its target; ``loss`` is a name from :data:`backprop.losses.LOSSES`.
    """
    return ReluExplorer(net, x, t, loss)
