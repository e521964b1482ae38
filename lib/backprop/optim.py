r"""Gradient descent: $\theta \leftarrow \theta - \eta \, \partial L/\partial \theta$."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_float_array
from .losses import Loss, get_loss
from .network import Gradients, Network


def sgd_step(net: Network, grads: Gradients, lr: float) -> None:
    r"""One gradient-descent step in place: $W^{(l)} \leftarrow W^{(l)} - \eta\,\partial L/\partial W^{(l)}$,
    and the same for $b^{(l)}$, with learning rate $\eta$ = ``lr``."""
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"the learning rate must be a positive number; got {lr}")
    for W, b, dW, db in zip(net.W, net.b, grads.dW, grads.db, strict=True):
        W -= lr * dW
        b -= lr * db


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
