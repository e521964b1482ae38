"""What the network explorers share: a dropdown that picks one weight or bias and a
slider that sets its value, and a figure drawn off-screen for an Image widget."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._checks import as_float_array
from ..network import Network

Array = NDArray[np.float64]
#: Which parameter: ("W" or "b", list index l - 1, row i, column j); a bias has i = 0.
Which = tuple[str, int, int, int]


def new_axes(figsize: tuple[float, float]) -> Any:
    """Axes on a figure made outside pyplot, so nothing is displayed behind the widget's back."""
    from matplotlib.figure import Figure

    return Figure(figsize=figsize).subplots()


def parameter_options(net: Network) -> list[tuple[str, Which]]:
    """Dropdown entries: a plain-text name and where the parameter lives, for every parameter.

    Names count from 1 as the book does: ``W2[3,1]`` is $W^{(2)}_{31}$, stored at
    ``net.W[1][2, 0]``. A single output is called ``y``, several ``y1``, ``y2``, ...
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
                options.append((f"W{l}[{i + 1},{j + 1}] ({src} → {dst})", ("W", l - 1, i, j)))
    for l, b in enumerate(net.b, start=1):
        for j in range(b.shape[0]):
            options.append((f"b{l}[{j + 1}] (bias of layer {l}, unit {j + 1})", ("b", l - 1, 0, j)))
    return options


class ParameterPicker:
    """Mixin for an explorer with ``self.net``, a ``self.parameter`` dropdown (values from
    :func:`parameter_options`) and a ``self.value`` slider: moving the slider writes the
    chosen parameter and calls ``self.update()``; choosing another parameter moves the
    slider to its value without an update."""

    net: Network
    parameter: widgets.Dropdown
    value: widgets.FloatSlider

    def update(self) -> None:  # pragma: no cover - every explorer defines it
        raise NotImplementedError

    def _picker(self, limit: float, **slider: Any) -> None:
        self.parameter = widgets.Dropdown(
            options=parameter_options(self.net),
            description="parameter",
            layout=widgets.Layout(width="auto"),
        )
        self.value = widgets.FloatSlider(
            min=-limit, max=limit, step=0.05, description="its value", **slider
        )
        self._syncing = False
        self._sync_value()
        self.value.observe(self._on_value, names="value")
        self.parameter.observe(self._on_parameter, names="value")

    def _array(self, which: Which) -> tuple[Array, tuple[int, ...]]:
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


def one_sample(net: Network, x: ArrayLike, t: ArrayLike) -> tuple[Array, Array]:
    """An input ``x`` and target ``t`` checked against the network's sizes, each as a
    batch of one sample: shapes (1, n_inputs) and (1, n_outputs)."""
    x = as_float_array(x, "x", ndim=1)
    t = as_float_array(t, "t", ndim=1)
    for name, v, n, what in (("x", x, net.sizes[0], "inputs"), ("t", t, net.sizes[-1], "outputs")):
        if v.shape[0] != n:
            raise ValueError(f"{name} has {v.shape[0]} numbers but the network has {n} {what}")
    return x.reshape(1, -1), t.reshape(1, -1)
