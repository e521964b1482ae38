r"""Gradient descent: $\theta \leftarrow \theta - \eta \, \partial L/\partial \theta$."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array
from .losses import Loss, get_loss
from .network import Gradients, Network


def sgd_step(net: Network, grads: Gradients, lr: float) -> None:
    r"""One gradient-descent step in place: $W^{(l)} \leftarrow W^{(l)} - \eta\,\partial L/\partial W^{(l)}$,
    and the same for $b^{(l)}$, with learning rate $\eta$ = ``lr``."""
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"the learning rate must be a positive number; got {lr}")
    for W, b, dW, db in zip(net.W, net.b, grads.dW, grads.db, strict=True):
        _subtract_scaled(W, dW, lr)  # W -= lr * dW
        _subtract_scaled(b, db, lr)  # b -= lr * db


def clip_gradients(grads: Gradients, max_norm: float) -> float:
    r"""Clip the gradient by its global norm, in place; returns the norm before clipping.

    The norm is over every parameter's gradient at once,
    $\lVert g \rVert = \big(\sum_l \lVert \partial L/\partial W^{(l)} \rVert_F^2
    + \lVert \partial L/\partial b^{(l)} \rVert^2\big)^{1/2}$. When it exceeds
    ``max_norm`` every ``dW`` and ``db`` is multiplied by ``max_norm / norm``: the step keeps
    its direction and its length becomes ``max_norm``. A smaller norm is left alone.
    ``dz`` and ``da`` are not touched. A non-finite norm raises (no direction to keep).
    """
    if not np.isfinite(max_norm) or max_norm <= 0:
        raise ValueError(f"max_norm must be a positive number; got {max_norm}")
    norm = float(np.sqrt(sum(np.sum(np.square(g)) for g in (*grads.dW, *grads.db))))
    if not np.isfinite(norm):
        raise ValueError(f"the gradient's norm is {norm}: clipping cannot give it a direction")
    if norm > max_norm:
        scale = max_norm / norm
        for g in (*grads.dW, *grads.db):
            g *= scale
    return norm


# Entries per block in _subtract_scaled: 512 KiB of float64, small enough to stay in cache.
_BLOCK = 1 << 16


def _subtract_scaled(p: NDArray[np.float64], g: NDArray[np.float64], lr: float) -> None:
    """``p -= lr * g`` in place, with the same numbers, but without a scratch array as big as ``p``.

    A big ``p`` is updated a block of rows at a time through one small buffer. A fresh
    scratch array per weight matrix and step is slow where the allocator hands out new
    pages (a page fault per 4 KiB, e.g. early in a process): up to 4x a small step.
    """
    if getattr(g, "shape", None) != p.shape or p.ndim == 0 or p.size <= _BLOCK:
        p -= lr * g
        return
    n = p.shape[0]
    rows = max(1, _BLOCK // (p.size // n))
    buf = np.empty((min(rows, n), *p.shape[1:]))
    for i in range(0, n, rows):
        block = buf[: min(rows, n - i)]
        np.multiply(g[i : i + rows], lr, out=block)
        p[i : i + rows] -= block


@dataclass
class History:
    """The loss before each step (``loss``), and anything a callback records."""

    loss: list[float] = field(default_factory=list)
    epoch_loss: list[float] = field(default_factory=list)


def train(
    net: Network,
    X: ArrayLike,
    T: ArrayLike,
    loss: str | Loss = "mse",
    lr: float = 0.1,
    epochs: int = 100,
    batch_size: int | None = None,
    seed: int = 0,
    on_epoch: Callable[[int, Network, History], None] | None = None,
) -> History:
    r"""(Mini-batch) gradient descent on ``net`` in place; returns the loss history.

    Each epoch shuffles the samples (seeded) and takes one :func:`sgd_step`
    per batch of ``batch_size`` rows (all rows when None: full-batch descent).
    ``History.loss`` has the batch loss before every step; ``epoch_loss`` the
    mean of an epoch's batch losses. ``on_epoch(epoch, net, history)`` runs after
    each epoch (for progress bars and extra curves).
    """
    loss = get_loss(loss)
    X = as_float_array(X, "X", ndim=2)
    T = as_float_array(T, "T", ndim=2)
    if X.shape[0] != T.shape[0]:
        raise ValueError(f"X has {X.shape[0]} samples but T has {T.shape[0]}")
    if epochs < 0:
        raise ValueError(f"epochs must be 0 or more; got {epochs}")
    n = X.shape[0]
    bs = n if batch_size is None else int(batch_size)
    if bs < 1:
        raise ValueError(f"batch_size must be at least 1; got {batch_size}")
    rng = np.random.default_rng(seed)
    history = History()
    for epoch in range(epochs):
        order = rng.permutation(n) if bs < n else np.arange(n)
        losses = []
        for start in range(0, n, bs):
            idx = order[start : start + bs]
            grads = net.backward(net.forward(X[idx]), T[idx], loss)
            losses.append(grads.loss)
            sgd_step(net, grads, lr)
        history.loss.extend(losses)
        history.epoch_loss.append(float(np.mean(losses)))
        if on_epoch is not None:
            on_epoch(epoch, net, history)
    return history


# ---- descent on a function of a few variables (loss surfaces, chapter figures) ----


def descent_path(
    grad_fn: Callable[[NDArray[np.float64]], ArrayLike],
    start: ArrayLike,
    lr: float,
    steps: int,
    tol: float = 0.0,
) -> NDArray[np.float64]:
    r"""The points of gradient descent from ``start``: $x_{n+1} = x_n - \eta\,\nabla f(x_n)$.

    ``grad_fn(x)`` returns $\nabla f(x)$ (shaped like ``x``); ``lr`` is the
    learning rate $\eta$. Returns the rows $x_0, x_1, \dots, x_k$ as an array of
    shape (k + 1, d), where ``x_0 = start`` (a 1-D array of d numbers) and
    $k \le$ ``steps``. Descent stops early when $\lVert \nabla f(x_n) \rVert \le$
    ``tol`` (the gradient is small enough: $x_n$ is the last row), or when a step
    would leave the finite numbers (a diverging run: the last finite point is the
    last row).
    """
    x = as_float_array(start, "start", ndim=1).copy()
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"the learning rate must be a positive number; got {lr}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a whole number, 0 or more; got {steps}")
    if not tol >= 0:
        raise ValueError(f"tol must be 0 or more; got {tol}")
    points = [x]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(int(steps)):
            g = np.asarray(grad_fn(x.copy()), dtype=np.float64)
            if g.shape != x.shape:
                raise ValueError(
                    f"grad_fn returned shape {g.shape} for a point of shape {x.shape}; "
                    "the gradient must have the point's shape"
                )
            if not np.isfinite(g).all() or np.linalg.norm(g) <= tol:
                break
            x = x - lr * g
            if not np.isfinite(x).all():
                break
            points.append(x)
    return np.array(points)


def loss_grid(
    f: Callable[[NDArray[np.float64]], float],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    n: int = 101,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    r"""A function of two variables on an n-by-n grid, for contour and surface plots.

    Returns ``(P, Q, F)``, each of shape (n, n), with ``P[i, j]`` running over
    ``xlim`` along j, ``Q[i, j]`` over ``ylim`` along i, and
    $F_{ij} = f\big((P_{ij}, Q_{ij})\big)$ (``f`` takes a point as a 1-D array of two numbers).
    """
    if n < 2:
        raise ValueError(f"the grid needs n >= 2 points a side; got {n}")
    for name, lim in (("xlim", xlim), ("ylim", ylim)):
        if len(lim) != 2 or not np.all(np.isfinite(lim)) or not lim[0] < lim[1]:
            raise ValueError(f"{name} must be two finite numbers (low, high); got {lim}")
    P, Q = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    F = np.array([float(f(np.array([p, q]))) for p, q in zip(P.ravel(), Q.ravel(), strict=True)])
    return P, Q, F.reshape(P.shape)
