r"""Which units of a small ReLU network are on, and which gradients the indicator zeroes.

A thin shell over :meth:`backprop.Network.forward` and :meth:`backprop.Network.backward`:
sliders set the inputs and one chosen weight or bias; each change reruns both passes
and redraws. A ReLU unit is on when its pre-activation $z > 0$; its delta is
$\delta = \partial L/\partial a \cdot \mathbb 1[z > 0]$, so an off unit passes no gradient.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import plots
from .._checks import as_float_array
from ..activations import relu_derivative
from ..network import Gradients, Network, Trace

Array = NDArray[np.float64]

#: The network the widget starts from when none is given: 2 inputs, 3 ReLU units, 1 output.
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


def _new_axes(figsize: tuple[float, float]) -> Any:
    # A figure outside pyplot, so nothing is displayed behind the widget's back.
    from matplotlib.figure import Figure

    return Figure(figsize=figsize).subplots()


def _parameter_options(net: Network) -> list[tuple[str, tuple[str, int, int, int]]]:
    """Dropdown entries: a plain-text name and ("W" or "b", layer index, i, j) for every parameter."""
    last = net.n_layers
    options = []
    for l, W in enumerate(net.W, start=1):
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                src = f"x{i + 1}" if l == 1 else f"unit {i + 1}"
                dst = "y" if l == last and W.shape[1] == 1 else f"unit {j + 1}"
                if l == last and W.shape[1] > 1:
                    dst = f"y{j + 1}"
                options.append((f"W{l}[{i + 1},{j + 1}] ({src} → {dst})", ("W", l - 1, i, j)))
    for l, b in enumerate(net.b, start=1):
        for j in range(b.shape[0]):
            options.append((f"b{l}[{j + 1}] (bias of layer {l}, unit {j + 1})", ("b", l - 1, 0, j)))
    return options


class ReluExplorer(widgets.VBox):
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
        x = as_float_array(x, "x", ndim=1)
        if x.shape[0] != self.net.sizes[0]:
            raise ValueError(
                f"x has {x.shape[0]} numbers but the network has {self.net.sizes[0]} inputs"
            )
        self.t = as_float_array(t, "t", ndim=1).reshape(1, -1)
        if self.t.shape[1] != self.net.sizes[-1]:
            raise ValueError(
                f"t has {self.t.shape[1]} numbers but the network has {self.net.sizes[-1]} outputs"
            )
        self.loss_name = loss
        slider = dict(
            min=-limit, max=limit, step=0.05, continuous_update=False, readout_format=".2f"
        )
        self.inputs = [
            widgets.FloatSlider(value=float(v), description=f"x{i + 1}", **slider)
            for i, v in enumerate(x)
        ]
        self.parameter = widgets.Dropdown(
            options=_parameter_options(self.net),
            description="parameter",
            layout=widgets.Layout(width="auto"),
        )
        self.value = widgets.FloatSlider(description="its value", **slider)
        self.image = widgets.Image(format="png")
        self.table = widgets.HTML()
        self.summary = widgets.HTML()
        self._syncing = False
        self._sync_value()
        for s in self.inputs:
            s.observe(self._on_change, names="value")
        self.value.observe(self._on_value, names="value")
        self.parameter.observe(self._on_parameter, names="value")
        controls = widgets.VBox([*self.inputs, self.parameter, self.value])
        super().__init__([controls, self.summary, self.image, self.table])
        self.update()

    # ---- the parameter the value slider controls -----------------------------
    def _array(self, which: tuple[str, int, int, int]) -> tuple[Array, tuple[int, ...]]:
        kind, l, i, j = which
        return (self.net.W[l], (i, j)) if kind == "W" else (self.net.b[l], (j,))

    def _sync_value(self) -> None:
        arr, idx = self._array(self.parameter.value)
        self._syncing = True
        try:
            self.value.value = float(arr[idx])
        finally:
            self._syncing = False

    def _on_parameter(self, change: dict[str, Any]) -> None:
        self._sync_value()

    def _on_value(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        arr, idx = self._array(self.parameter.value)
        arr[idx] = float(change["new"])
        self.update()

    def _on_change(self, change: dict[str, Any]) -> None:
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
        ax = _new_axes((6.5, 3.6))
        plots.relu_network(self.net, self.trace, self.grads, ax=ax)
        self.image.value = plots.to_png(ax.figure)
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
