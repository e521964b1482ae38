r"""The toy model's eight parameters on sliders: its curve against the data, and the loss.

A thin shell over :class:`backprop.ToyModel` and :func:`backprop.plots.toy_fit`. The model is

$$f[x, \phi] = \beta_3 + \omega_3 \cos\!\big(\beta_2 + \omega_2
\exp(\beta_1 + \omega_1 \sin(\beta_0 + \omega_0 x))\big),$$

and each slider change reruns the forward pass over the data, recomputes
$L[\phi] = \sum_i (f[x_i, \phi] - y_i)^2$ and redraws the curve with its residuals.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import plots
from .._checks import as_float_array
from ..toy_model import ToyModel
from .image import AltImage

Array = NDArray[np.float64]

#: The parameters the widget starts from when none are given (chapter 2's guess).
DEFAULT_BETA = (0.5, -0.5, 0.0, 0.5)
DEFAULT_OMEGA = (1.0, 1.0, 1.5, 1.0)
_SUB = "₀₁₂₃"


class ToyExplorer(widgets.VBox):
    r"""Eight sliders, $\beta_0..\beta_3$ and $\omega_0..\omega_3$; a status line; a figure.

    After every change these attributes hold the state (tests read them):
    ``model`` (the :class:`ToyModel` the sliders set), ``predictions``
    ($f[x_i, \phi]$ at the data), ``residuals`` ($f[x_i, \phi] - y_i$), ``loss``
    ($L = \sum_i$ residual$^2$), and ``curve_x``, ``curve_y`` (the drawn curve).
    The sliders are ``beta[k]`` and ``omega[k]``, also ``sliders["beta_k"]`` and
    ``sliders["omega_k"]``.
    """

    def __init__(
        self,
        x: ArrayLike,
        y: ArrayLike,
        beta: ArrayLike = DEFAULT_BETA,
        omega: ArrayLike = DEFAULT_OMEGA,
        limit: float = 3.0,
        step: float = 0.05,
        ylim: tuple[float, float] | None = None,
        n: int = 200,
    ) -> None:
        self.x = as_float_array(x, "x", ndim=1)
        self.y = as_float_array(y, "y", ndim=1)
        if self.x.shape != self.y.shape or self.x.size == 0:
            raise ValueError(
                f"x and y must hold the same number (> 0) of points; got shapes "
                f"{self.x.shape} and {self.y.shape}"
            )
        if not (np.isfinite(limit) and limit > 0):
            raise ValueError(f"limit must be a positive number; got {limit}")
        if not (np.isfinite(step) and 0 < step < limit):
            raise ValueError(f"step must be between 0 and limit = {limit}; got {step}")
        start = ToyModel(beta, omega)  # checks that there are four of each
        for name, values in (("beta", start.beta), ("omega", start.omega)):
            if np.any(np.abs(values) > limit):
                raise ValueError(
                    f"{name} = {values.tolist()} has an entry outside the sliders' range "
                    f"[-{limit:g}, {limit:g}]"
                )
        span = float(self.x.max() - self.x.min())
        pad = 0.05 * max(span, 1.0)
        self.xlim = (float(self.x.min()) - pad, float(self.x.max()) + pad)
        if ylim is None:
            # Fixed limits (the data's range, generously padded), so the data stay put
            # while the curve moves.
            lo, hi = float(self.y.min()), float(self.y.max())
            margin = max(1.0, 0.5 * (hi - lo))
            ylim = (lo - margin, hi + margin)
        self.ylim = ylim
        self.curve_x = np.linspace(self.xlim[0], self.xlim[1], n)

        def slider(name: str, k: int, value: float) -> widgets.FloatSlider:
            return widgets.FloatSlider(
                value=float(value),
                min=-limit,
                max=limit,
                step=step,
                description=f"{name}{_SUB[k]}",
                readout_format=".2f",
                continuous_update=False,
            )

        self.beta = [slider("β", k, v) for k, v in enumerate(start.beta)]
        self.omega = [slider("ω", k, v) for k, v in enumerate(start.omega)]
        self.sliders = {f"beta_{k}": s for k, s in enumerate(self.beta)}
        self.sliders.update({f"omega_{k}": s for k, s in enumerate(self.omega)})
        self.status = widgets.HTML()
        self.image = AltImage(format="png")
        for s in self.sliders.values():
            s.observe(self._on_change, names="value")
        columns = widgets.HBox([widgets.VBox(self.beta), widgets.VBox(self.omega)])
        super().__init__([columns, self.status, self.image])
        self.update()

    def _on_change(self, change: dict[str, Any]) -> None:
        self.update()

    @property
    def phi(self) -> Array:
        r"""The sliders' $\phi = (\beta_0, \dots, \beta_3, \omega_0, \dots, \omega_3)$."""
        return np.array([s.value for s in (*self.beta, *self.omega)], dtype=np.float64)

    def update(self) -> None:
        """Rerun the forward pass with the sliders' parameters and redraw."""
        self.model = ToyModel.from_phi(self.phi)
        self.predictions = self.model(self.x)
        self.residuals = self.predictions - self.y
        self.loss = float(np.sum(self.residuals * self.residuals))
        self.curve_y = self.model(self.curve_x)
        self.status.value = self._status_html()
        self.image.value = plots.to_png(self._figure())
        self.image.alt = (
            f"The {self.x.size} data points and the toy model's curve f[x, φ] for the sliders' "
            f"parameters; the loss is {self.loss:.4f}."
        )

    def _status_html(self) -> str:
        worst = int(np.argmax(np.abs(self.residuals)))
        return (
            f"<p>L = Σ (f[xᵢ, φ] − yᵢ)² = <b>{self.loss:.4f}</b> over {self.x.size} points; "
            f"the largest residual is {self.residuals[worst]:+.3f} at x = {self.x[worst]:.3g}.</p>"
        )

    def _figure(self) -> Any:
        # A figure outside pyplot, so nothing is displayed behind the widget's back.
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6.5, 3.2))
        ax = fig.subplots()
        plots.toy_fit(self.model, self.x, self.y, ax=ax, xlim=self.xlim, ylim=self.ylim)
        fig.tight_layout()
        return fig

    def __repr__(self) -> str:
        # The plain-text fallback (no memory address, so stored outputs stay the same).
        return "Toy model explorer (run this page on Binder or Colab to move the sliders)"


def toy_explorer(
    x: ArrayLike,
    y: ArrayLike,
    beta: ArrayLike = DEFAULT_BETA,
    omega: ArrayLike = DEFAULT_OMEGA,
    limit: float = 3.0,
    ylim: tuple[float, float] | None = None,
) -> ToyExplorer:
    r"""The chapter's widget: the toy model with parameters ``beta``, ``omega`` on sliders
    over the data ``(x, y)``.

    Every slider runs from ``-limit`` to ``limit``; the loss shown is
    $L[\phi] = \sum_i (f[x_i, \phi] - y_i)^2$, as :meth:`ToyModel.loss` computes it.
    """
    return ToyExplorer(x, y, beta, omega, limit=limit, ylim=ylim)
