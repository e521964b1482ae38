r"""Gradient descent on a loss surface of two parameters, with the learning rate and the
starting point on sliders.

A thin shell over :func:`backprop.optim.descent_path`
($x_{n+1} = x_n - \eta\,\nabla f(x_n)$) and :func:`backprop.optim.loss_grid`: each
change reruns the descent and redraws the path over the contours and the loss curve.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import plots
from .._checks import as_float_array
from ..optim import descent_path, loss_grid
from .image import AltImage

Array = NDArray[np.float64]


class DescentExplorer(widgets.VBox):
    """Sliders for the learning rate, the starting point and the number of steps.

    After every change these attributes hold the state (tests read them):
    ``path`` (the points visited, shape (k + 1, 2)), ``losses`` ($f$ at each point),
    and ``diverged`` (True when the last loss is above the first, or a step left
    the finite numbers).
    """

    def __init__(
        self,
        f: Callable[[Array], float],
        grad_fn: Callable[[Array], ArrayLike],
        start: ArrayLike,
        lr: float,
        steps: int,
        xlim: tuple[float, float],
        ylim: tuple[float, float],
        lr_range: tuple[float, float] = (1e-3, 1.0),
        labels: Sequence[str] = ("x", "y"),
        minimum: Sequence[float] | None = None,
        n: int = 81,
    ) -> None:
        start = as_float_array(start, "start", ndim=1)
        if start.shape != (2,):
            raise ValueError(f"start must be a point of two numbers; got shape {start.shape}")
        lo, hi = lr_range
        if not 0 < lo < hi:
            raise ValueError(f"lr_range must be (low, high) with 0 < low < high; got {lr_range}")
        if not lo <= lr <= hi:
            raise ValueError(f"lr = {lr} is outside lr_range {lr_range}")
        self.f, self.grad_fn = f, grad_fn
        self.labels, self.minimum = tuple(labels), minimum
        self.grid = loss_grid(f, xlim, ylim, n)  # computed once: the sliders only move the path
        common = dict(continuous_update=False)
        self.lr = widgets.FloatLogSlider(
            value=lr,
            base=10,
            min=float(np.log10(lo)),
            max=float(np.log10(hi)),
            step=0.01,
            description="η",
            readout_format=".3g",
            **common,
        )
        step_x, step_y = (xlim[1] - xlim[0]) / 100, (ylim[1] - ylim[0]) / 100
        self.start_x = widgets.FloatSlider(
            value=float(start[0]),
            min=xlim[0],
            max=xlim[1],
            step=step_x,
            description=f"start {self.labels[0]}",
            **common,
        )
        self.start_y = widgets.FloatSlider(
            value=float(start[1]),
            min=ylim[0],
            max=ylim[1],
            step=step_y,
            description=f"start {self.labels[1]}",
            **common,
        )
        self.steps = widgets.IntSlider(
            value=int(steps), min=1, max=max(200, int(steps)), description="steps", **common
        )
        self.status = widgets.HTML()
        self.image = AltImage(format="png")
        for s in (self.lr, self.start_x, self.start_y, self.steps):
            s.observe(self._on_change, names="value")
        super().__init__([self.lr, self.start_x, self.start_y, self.steps, self.status, self.image])
        self.update()

    def _on_change(self, change: dict[str, Any]) -> None:
        self.update()

    @property
    def start(self) -> Array:
        """The starting point the sliders set."""
        return np.array([self.start_x.value, self.start_y.value], dtype=np.float64)

    def update(self) -> None:
        """Rerun the descent from the sliders' values and redraw."""
        self.path = descent_path(self.grad_fn, self.start, self.lr.value, self.steps.value)
        with np.errstate(over="ignore", invalid="ignore"):
            self.losses = np.array([float(self.f(p)) for p in self.path])
        k = len(self.path) - 1
        self.diverged = bool(k < self.steps.value and not np.isfinite(self.losses[-1])) or bool(
            self.losses[-1] > self.losses[0]
        )
        self.status.value = self._status_html(k)
        self.image.value = plots.to_png(self._figure())
        self.image.alt = (
            f"Left: contour lines of the loss over ({self.labels[0]}, {self.labels[1]}) and the "
            f"path of {k} gradient-descent steps with learning rate {self.lr.value:.3g} from "
            f"({self.start_x.value:.3g}, {self.start_y.value:.3g}); right: the loss at each "
            f"step, from {self.losses[0]:.4g} to {self.losses[-1]:.4g}."
        )

    def _status_html(self, k: int) -> str:
        text = (
            f"η = {self.lr.value:.3g}: the loss goes from {self.losses[0]:.4g} "
            f"to {self.losses[-1]:.4g} in {k} steps"
        )
        if self.diverged:
            text += " <b>and grows: the steps overshoot, the run diverges.</b>"
        else:
            text += "."
        return f"<p>{text}</p>"

    def _figure(self) -> Any:
        # A figure outside pyplot, so nothing is displayed behind the widget's back.
        from matplotlib.figure import Figure

        fig = Figure(figsize=(7, 3.2))
        ax_path, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
        plots.contour_paths(
            self.grid,
            [self.path],
            ax=ax_path,
            xlabel=self.labels[0],
            ylabel=self.labels[1],
            minimum=self.minimum,
        )
        finite = self.losses[np.isfinite(self.losses)]
        plots.loss_curve(finite, ax=ax_loss, log=bool(np.all(finite > 0)))
        ax_loss.set_title("loss at each step", fontsize=9)
        ax_path.set_title("path over the loss contours", fontsize=9)
        fig.tight_layout()
        return fig

    def __repr__(self) -> str:
        # The plain-text fallback (no memory address, so stored outputs stay the same).
        return "Descent explorer (run this page on Binder or Colab to move the sliders)"


def descent_explorer(
    f: Callable[[Array], float],
    grad_fn: Callable[[Array], ArrayLike],
    start: ArrayLike,
    lr: float = 0.1,
    steps: int = 30,
    xlim: tuple[float, float] = (-3.0, 3.0),
    ylim: tuple[float, float] = (-3.0, 3.0),
    lr_range: tuple[float, float] = (1e-3, 1.0),
    labels: Sequence[str] = ("x", "y"),
    minimum: Sequence[float] | None = None,
) -> DescentExplorer:
    r"""The chapter's widget: descend $f$ from ``start`` with learning rate ``lr``.

    ``f(p)`` is the loss at a point p of two numbers and ``grad_fn(p)`` its gradient;
    the contours cover ``xlim`` by ``ylim``; ``minimum`` (optional) is marked with a star.
    """
    return DescentExplorer(f, grad_fn, start, lr, steps, xlim, ylim, lr_range, labels, minimum)
