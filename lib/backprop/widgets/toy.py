r"""The toy model's eight parameters on sliders: its curve against the data, and the loss.

A live explorer (``backprop.widgets._base.Explorer``): the front end (``js/toy.js``)
reruns the forward pass in the browser on every slider move, with the same formulas as
:class:`backprop.ToyModel`. The model is

$$f[x, \phi] = \beta_3 + \omega_3 \cos\!\big(\beta_2 + \omega_2
\exp(\beta_1 + \omega_1 \sin(\beta_0 + \omega_0 x))\big),$$

and the loss is $L[\phi] = \sum_i (f[x_i, \phi] - y_i)^2$. The parameters are synced traits
(``beta``, ``omega``): set them from Python and the sliders follow, and the other way round;
the properties below compute what the explorer shows with the library (the tests compare).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import traitlets
from numpy.typing import ArrayLike

from .._checks import as_float_array
from .._types import Array
from ..toy_model import ToyModel
from ._base import Explorer, bundle

#: The parameters the explorer starts from when none are given (chapter 2's guess).
DEFAULT_BETA = (0.5, -0.5, 0.0, 0.5)
DEFAULT_OMEGA = (1.0, 1.0, 1.5, 1.0)


def _four(name: str, value: Any, limit: float) -> list[float]:
    v = as_float_array(value, name, ndim=1)
    if v.shape != (4,):
        raise ValueError(f"{name} must hold 4 numbers (k = 0..3); got shape {v.shape}")
    if np.any(np.abs(v) > limit):
        raise ValueError(
            f"{name} = {v.tolist()} has an entry outside the sliders' range [-{limit:g}, {limit:g}]"
        )
    return [float(t) for t in v]


class ToyExplorer(Explorer):
    r"""Eight sliders, $\beta_0..\beta_3$ and $\omega_0..\omega_3$; the curve with its
    residuals over the data; the loss in a live text line.

    Traits (synced): ``beta``, ``omega`` (4 numbers each, within ``[-limit, limit]``), the data
    ``x``, ``y``, the slider range ``limit`` and ``step``, the fixed axes ``xlim``, ``ylim``,
    and ``n`` curve points. Computed with the library: ``model``, ``phi``, ``predictions``
    ($f[x_i, \phi]$), ``residuals`` ($f[x_i, \phi] - y_i$), ``loss`` ($L$), ``curve_x``,
    ``curve_y``, ``worst`` (the index of the largest residual, as the summary names it).
    """

    _esm = bundle("toy")
    _title = "Toy model"

    beta = traitlets.List(traitlets.Float(), minlen=4, maxlen=4).tag(sync=True)
    omega = traitlets.List(traitlets.Float(), minlen=4, maxlen=4).tag(sync=True)
    x = traitlets.List(traitlets.Float()).tag(sync=True)
    y = traitlets.List(traitlets.Float()).tag(sync=True)
    limit = traitlets.Float(3.0).tag(sync=True)
    step = traitlets.Float(0.05).tag(sync=True)
    xlim = traitlets.List(traitlets.Float(), minlen=2, maxlen=2).tag(sync=True)
    ylim = traitlets.List(traitlets.Float(), minlen=2, maxlen=2).tag(sync=True)
    n = traitlets.Int(200).tag(sync=True)

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
        xs = as_float_array(x, "x", ndim=1)
        ys = as_float_array(y, "y", ndim=1)
        if xs.shape != ys.shape or xs.size == 0:
            raise ValueError(
                f"x and y must hold the same number (> 0) of points; got shapes "
                f"{xs.shape} and {ys.shape}"
            )
        if not (np.isfinite(limit) and limit > 0):
            raise ValueError(f"limit must be a positive number; got {limit}")
        if not (np.isfinite(step) and 0 < step < limit):
            raise ValueError(f"step must be between 0 and limit = {limit}; got {step}")
        if not 2 <= int(n) <= 2000:
            raise ValueError(f"n (curve points) must be between 2 and 2000; got {n}")
        b, w = _four("beta", beta, limit), _four("omega", omega, limit)
        span = float(xs.max() - xs.min())
        pad = 0.05 * max(span, 1.0)
        xlim = (float(xs.min()) - pad, float(xs.max()) + pad)
        if ylim is None:
            # Fixed limits (the data's range, generously padded), so the data stay put
            # while the curve moves.
            lo, hi = float(ys.min()), float(ys.max())
            margin = max(1.0, 0.5 * (hi - lo))
            ylim = (lo - margin, hi + margin)
        ylim_l = [float(t) for t in ylim]
        if len(ylim_l) != 2 or not ylim_l[0] < ylim_l[1]:
            raise ValueError(f"ylim must be (low, high) with low < high; got {ylim}")
        super().__init__(
            x=xs.tolist(),
            y=ys.tolist(),
            limit=float(limit),
            step=float(step),
            xlim=list(xlim),
            ylim=ylim_l,
            n=int(n),
            beta=b,
            omega=w,
        )

    @traitlets.validate("beta", "omega")
    def _valid_parameters(self, proposal: dict[str, Any]) -> list[float]:
        name = proposal["trait"].name
        try:
            return _four(name, proposal["value"], self.limit)
        except ValueError as err:
            raise traitlets.TraitError(str(err)) from None

    @property
    def model(self) -> ToyModel:
        """The :class:`~backprop.ToyModel` the sliders set."""
        return ToyModel(self.beta, self.omega)

    @property
    def phi(self) -> Array:
        r"""$\phi = (\beta_0, \dots, \beta_3, \omega_0, \dots, \omega_3)$."""
        return self.model.phi

    @property
    def predictions(self) -> Array:
        r"""$f[x_i, \phi]$ at the data."""
        return self.model(np.asarray(self.x, dtype=np.float64))

    @property
    def residuals(self) -> Array:
        r"""$f[x_i, \phi] - y_i$ (the dashed lines)."""
        return self.predictions - np.asarray(self.y, dtype=np.float64)

    @property
    def loss(self) -> float:
        r"""$L = \sum_i (f[x_i, \phi] - y_i)^2$, as :meth:`~backprop.ToyModel.loss`."""
        return self.model.loss(self.x, self.y)

    @property
    def worst(self) -> int:
        """The index of the data point with the largest residual (the first, on a tie)."""
        return int(np.argmax(np.abs(self.residuals)))

    @property
    def curve_x(self) -> Array:
        """The x values of the drawn curve (``n`` points across ``xlim``)."""
        return np.linspace(self.xlim[0], self.xlim[1], self.n)

    @property
    def curve_y(self) -> Array:
        r"""$f[x, \phi]$ along :attr:`curve_x`."""
        return self.model(self.curve_x)


def toy_explorer(
    x: ArrayLike,
    y: ArrayLike,
    beta: ArrayLike = DEFAULT_BETA,
    omega: ArrayLike = DEFAULT_OMEGA,
    limit: float = 3.0,
    ylim: tuple[float, float] | None = None,
) -> ToyExplorer:
    r"""The chapter's explorer: the toy model with parameters ``beta``, ``omega`` on sliders
    over the data ``(x, y)``.

    Every slider runs from ``-limit`` to ``limit``; the loss shown is
    $L[\phi] = \sum_i (f[x_i, \phi] - y_i)^2$, as :meth:`~backprop.ToyModel.loss` computes it.
    """
    return ToyExplorer(x, y, beta, omega, limit=limit, ylim=ylim)
