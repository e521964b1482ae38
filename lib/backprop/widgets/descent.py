r"""Gradient descent on chapter 5's loss, with the learning rate and the starting point on sliders.

The loss is the mean squared error of a line $y = w x + b$ fitted to the points $(x_i, t_i)$,

$$L(w, b) = \frac1n \sum_{i=1}^n (w x_i + b - t_i)^2,$$

the loss of a one-layer identity :class:`backprop.Network` with ``"mse"``. The front end
(``js/descent.js``) computes everything in the browser: the loss on a grid for the contour
lines, the path $x_{n+1} = x_n - \eta\,\nabla L(x_n)$ (stopping as
:func:`backprop.optim.descent_path` does) and the loss at each step. The learning rate (on a
log slider), the start and the number of steps are synced traits; the properties below
compute the same path and losses with the library (the tests compare).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import traitlets
from numpy.typing import ArrayLike

from .._checks import as_float_array
from .._types import Array
from ..network import Network
from ..optim import descent_path, loss_grid
from ._base import Explorer, bundle

#: The most steps the steps slider allows.
MAX_STEPS = 200


def _unit(p: ArrayLike) -> Network:
    """The line y = w x + b, p = (w, b), as a one-layer identity Network."""
    w, b = (float(v) for v in np.asarray(p, dtype=np.float64))
    return Network([[[w]]], [[b]], "identity")


class DescentExplorer(Explorer):
    r"""Sliders for the learning rate $\eta$ (log scale), the start $(w_0, b_0)$ and the
    number of steps; the path over the contour lines of $L(w, b)$ and the loss at each step.

    Traits (synced): ``lr``, ``start`` (2 numbers), ``steps``; the data ``x``, ``t``; the
    contour window ``xlim``, ``ylim`` (also the start sliders' ranges); ``lr_range``,
    ``labels``, ``minimum`` (a point to mark, or empty) and ``n`` (grid points a side).
    Computed with the library: :meth:`loss`, :meth:`grad`, ``path`` (rows $x_0..x_k$),
    ``losses`` ($L$ at each point), ``diverged``, ``grid`` (:func:`~backprop.optim.loss_grid`).
    """

    _esm = bundle("descent")
    _title = "Gradient descent"

    lr = traitlets.Float(0.1).tag(sync=True)
    start = traitlets.List(traitlets.Float(), minlen=2, maxlen=2).tag(sync=True)
    steps = traitlets.Int(30).tag(sync=True)
    x = traitlets.List(traitlets.Float()).tag(sync=True)
    t = traitlets.List(traitlets.Float()).tag(sync=True)
    xlim = traitlets.List(traitlets.Float(), minlen=2, maxlen=2).tag(sync=True)
    ylim = traitlets.List(traitlets.Float(), minlen=2, maxlen=2).tag(sync=True)
    lr_range = traitlets.List(traitlets.Float(), minlen=2, maxlen=2).tag(sync=True)
    labels = traitlets.List(traitlets.Unicode(), minlen=2, maxlen=2).tag(sync=True)
    minimum = traitlets.List(traitlets.Float(), maxlen=2).tag(sync=True)
    n = traitlets.Int(61).tag(sync=True)

    def __init__(
        self,
        x: ArrayLike,
        t: ArrayLike,
        start: ArrayLike,
        lr: float,
        steps: int,
        xlim: tuple[float, float],
        ylim: tuple[float, float],
        lr_range: tuple[float, float] = (1e-3, 1.0),
        labels: Sequence[str] = ("w", "b"),
        minimum: Sequence[float] | None = None,
        n: int = 61,
    ) -> None:
        xs = as_float_array(x, "x").reshape(-1)
        ts = as_float_array(t, "t").reshape(-1)
        if xs.shape != ts.shape or xs.size == 0:
            raise ValueError(
                f"x and t must hold the same number (> 0) of points; got {xs.size} and {ts.size}"
            )
        p0 = as_float_array(start, "start", ndim=1)
        if p0.shape != (2,):
            raise ValueError(f"start must be a point (w, b) of two numbers; got shape {p0.shape}")
        lims = []
        for name, lim in (("xlim", xlim), ("ylim", ylim)):
            v = as_float_array(lim, name, ndim=1)
            if v.shape != (2,) or not v[0] < v[1]:
                raise ValueError(f"{name} must be (low, high) with low < high; got {lim}")
            lims.append([float(v[0]), float(v[1])])
        if not (lims[0][0] <= p0[0] <= lims[0][1] and lims[1][0] <= p0[1] <= lims[1][1]):
            raise ValueError(f"start {p0.tolist()} is outside the window xlim × ylim")
        lo, hi = (float(v) for v in lr_range)
        if not 0 < lo < hi:
            raise ValueError(f"lr_range must be (low, high) with 0 < low < high; got {lr_range}")
        if not lo <= lr <= hi:
            raise ValueError(f"lr = {lr} is outside lr_range {lr_range}")
        if int(steps) != steps or not 1 <= steps <= MAX_STEPS:
            raise ValueError(f"steps must be a whole number from 1 to {MAX_STEPS}; got {steps}")
        if len(labels) != 2:
            raise ValueError(f"labels must name the two parameters; got {labels}")
        mins: list[float] = []
        if minimum is not None:
            m = as_float_array(minimum, "minimum", ndim=1)
            if m.shape != (2,):
                raise ValueError(f"minimum must be a point of two numbers; got shape {m.shape}")
            mins = [float(v) for v in m]
        if not 11 <= int(n) <= 201:
            raise ValueError(f"n (grid points a side) must be between 11 and 201; got {n}")
        super().__init__(
            x=xs.tolist(),
            t=ts.tolist(),
            xlim=lims[0],
            ylim=lims[1],
            lr_range=[lo, hi],
            labels=[str(s) for s in labels],
            minimum=mins,
            n=int(n),
            lr=float(lr),
            start=[float(v) for v in p0],
            steps=int(steps),
        )

    @traitlets.validate("lr")
    def _valid_lr(self, proposal: dict[str, Any]) -> float:
        lr = proposal["value"]
        if self.lr_range and not (
            np.isfinite(lr) and self.lr_range[0] * (1 - 1e-9) <= lr <= self.lr_range[1] * (1 + 1e-9)
        ):
            raise traitlets.TraitError(f"lr = {lr} is outside lr_range {self.lr_range}")
        return lr

    @traitlets.validate("steps")
    def _valid_steps(self, proposal: dict[str, Any]) -> int:
        s = proposal["value"]
        if not 1 <= s <= MAX_STEPS:
            raise traitlets.TraitError(f"steps must be from 1 to {MAX_STEPS}; got {s}")
        return s

    def _data(self) -> tuple[Array, Array]:
        return (
            np.asarray(self.x, dtype=np.float64).reshape(-1, 1),
            np.asarray(self.t, dtype=np.float64).reshape(-1, 1),
        )

    def loss(self, p: ArrayLike) -> float:
        r"""$L(w, b)$ at p = (w, b): :meth:`~backprop.Network.loss` with ``"mse"``."""
        X, T = self._data()
        return _unit(p).loss(X, T, "mse")

    def grad(self, p: ArrayLike) -> Array:
        r"""$\nabla L = (\partial L/\partial w, \partial L/\partial b)$ by the backward pass."""
        X, T = self._data()
        g = _unit(p).gradients(X, T, "mse")
        return np.array([g.dW[0][0, 0], g.db[0][0]])

    @property
    def path(self) -> Array:
        """The points of the descent, shape (k + 1, 2) (:func:`~backprop.optim.descent_path`)."""
        return descent_path(self.grad, self.start, self.lr, self.steps)

    @property
    def losses(self) -> Array:
        """$L$ at each point of :attr:`path`."""
        with np.errstate(over="ignore", invalid="ignore"):
            return np.array([self.loss(p) for p in self.path])

    @property
    def diverged(self) -> bool:
        """True when the run stopped on non-finite numbers or ends higher than it started."""
        losses = self.losses
        k = len(losses) - 1
        return bool(k < self.steps and not np.isfinite(losses[-1])) or bool(losses[-1] > losses[0])

    @property
    def grid(self) -> tuple[Array, Array, Array]:
        """The contour grid $(P, Q, F)$ (:func:`~backprop.optim.loss_grid`, ``n`` a side)."""
        return loss_grid(self.loss, self.xlim, self.ylim, self.n)


def descent_explorer(
    x: ArrayLike,
    t: ArrayLike,
    start: ArrayLike,
    lr: float = 0.1,
    steps: int = 30,
    xlim: tuple[float, float] = (-3.0, 3.0),
    ylim: tuple[float, float] = (-3.0, 3.0),
    lr_range: tuple[float, float] = (1e-3, 1.0),
    labels: Sequence[str] = ("w", "b"),
    minimum: Sequence[float] | None = None,
) -> DescentExplorer:
    r"""The chapter's explorer: descend the line fit's mean squared error
    $L(w, b) = \frac1n \sum_i (w x_i + b - t_i)^2$ of the data ``(x, t)`` from ``start``
    with learning rate ``lr``.

    The contours cover ``xlim`` (for $w$) by ``ylim`` (for $b$); the learning-rate slider is
    logarithmic over ``lr_range``; ``minimum`` (optional) is marked with a star.
    """
    return DescentExplorer(x, t, start, lr, steps, xlim, ylim, lr_range, labels, minimum)
