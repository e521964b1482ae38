r"""Finite-difference gradients, to check the backward passes.

The central difference $\frac{\partial F}{\partial x_j} \approx
\frac{F(x + \epsilon e_j) - F(x - \epsilon e_j)}{2\epsilon}$ has error
$O(\epsilon^2)$, against $O(\epsilon)$ for the one-sided difference.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_float_array
from ._types import Array
from .losses import Loss
from .network import Network


def numerical_gradient(f: Callable[[Array], float], x: ArrayLike, eps: float = 1e-6) -> Array:
    r"""$\nabla F(x)$ by central differences, one coordinate at a time.

    ``f`` takes an array shaped like ``x`` and returns a number. ``x`` is not
    modified. Returns an array of ``x``'s shape.
    """
    x = as_float_array(x, "x").copy()
    if eps <= 0:
        raise ValueError(f"eps must be positive; got {eps}")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for j in range(flat.size):
        old = flat[j]
        flat[j] = old + eps
        up = float(f(x))
        flat[j] = old - eps
        down = float(f(x))
        flat[j] = old
        gflat[j] = (up - down) / (2.0 * eps)
    return grad


def relative_error(analytic: ArrayLike, numeric: ArrayLike, floor: float = 1e-8) -> float:
    r"""$\max_j |g_j - \hat g_j| / \max(|g_j| + |\hat g_j|, \text{floor})$.

    The floor keeps gradients that are both (nearly) zero from counting as
    large relative errors.
    """
    g = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if g.shape != n.shape:
        raise ValueError(f"shapes differ: analytic {g.shape}, numeric {n.shape}")
    if g.size == 0:
        return 0.0
    return float(np.max(np.abs(g - n) / np.maximum(np.abs(g) + np.abs(n), floor)))


def gradient_check(
    net: Network, X: ArrayLike, T: ArrayLike, loss: str | Loss = "mse", eps: float = 1e-6
) -> float:
    """The largest relative error between ``net.backward`` and finite differences.

    Every weight and bias is checked (so keep the network small). Values
    around 1e-7 or below mean the backward pass is right; ReLU kinks within
    ``eps`` of a pre-activation can spoil single entries.
    """
    grads = net.gradients(X, T, loss)
    analytic = [g for dW, db in zip(grads.dW, grads.db, strict=True) for g in (dW, db)]
    worst = 0.0
    for p, g in zip(net.parameters(), analytic, strict=True):
        original = p.copy()

        def f(values: Array, p: Array = p) -> float:
            p[...] = values
            return net.loss(X, T, loss)

        try:
            numeric = numerical_gradient(f, original, eps)
        finally:
            p[...] = original
        worst = max(worst, relative_error(g, numeric))
    return worst
