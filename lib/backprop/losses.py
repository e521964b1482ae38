r"""Loss functions $L(Y, T)$ and their gradients $\partial L / \partial Y$, by name.

$Y$ holds the network's outputs and $T$ the targets, both of shape
(n_samples, n_outputs); row $i$ is sample $i$.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._checks import known

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Loss:
    """A loss $L(Y, T)$ (a float) and its gradient with respect to $Y$."""

    name: str
    value: Callable[[Array, Array], float]
    grad: Callable[[Array, Array], Array]
    formula: str

    def __call__(self, Y: Array, T: Array) -> float:
        return self.value(Y, T)


def sse(Y: Array, T: Array) -> float:
    r"""Sum of squared errors $L = \sum_{i,j} (y_{ij} - t_{ij})^2$."""
    d = Y - T
    return float(np.vdot(d, d))


def sse_grad(Y: Array, T: Array) -> Array:
    r"""$\partial L / \partial y_{ij} = 2 (y_{ij} - t_{ij})$."""
    return 2.0 * (Y - T)


def half_sse(Y: Array, T: Array) -> float:
    r"""Half the sum of squared errors $L = \tfrac12 \sum_{i,j} (y_{ij} - t_{ij})^2$."""
    d = Y - T
    return 0.5 * float(np.vdot(d, d))


def half_sse_grad(Y: Array, T: Array) -> Array:
    r"""$\partial L / \partial y_{ij} = y_{ij} - t_{ij}$ (the ½ cancels the 2)."""
    return Y - T


def mse(Y: Array, T: Array) -> float:
    r"""Mean squared error over samples $L = \frac1n \sum_i \lVert y_i - t_i \rVert^2$."""
    d = Y - T
    return float(np.vdot(d, d)) / Y.shape[0]


def mse_grad(Y: Array, T: Array) -> Array:
    r"""$\partial L / \partial y_{ij} = \frac2n (y_{ij} - t_{ij})$."""
    return (2.0 / Y.shape[0]) * (Y - T)


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("sse", sse, sse_grad, r"\sum_i \lVert y_i - t_i \rVert^2"),
        Loss("half_sse", half_sse, half_sse_grad, r"\tfrac12 \sum_i \lVert y_i - t_i \rVert^2"),
        Loss("mse", mse, mse_grad, r"\tfrac1n \sum_i \lVert y_i - t_i \rVert^2"),
    )
}


def get_loss(name: str | Loss) -> Loss:
    """Look up a loss by name (or pass a :class:`Loss` through).

    Raises ValueError listing the known names for an unknown one.
    """
    if isinstance(name, Loss):
        return name
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise known(str(name), "loss", LOSSES) from None
