r"""Loss functions $L(Y, T)$ and their gradients $\partial L / \partial Y$, by name.

$Y$ holds the network's outputs and $T$ the targets, both of shape
(n_samples, n_outputs); row $i$ is sample $i$.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array, lookup
from ._types import Array


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
    return lookup(name, "loss", LOSSES, Loss)


# ---- classification: softmax cross-entropy, and the accuracy metric --------


def softmax(Y: ArrayLike) -> Array:
    r"""Row-wise softmax $p_{ij} = e^{y_{ij}} / \sum_k e^{y_{ik}}$: scores to probabilities.

    Each row's maximum is subtracted first (which leaves $p$ unchanged), so
    ``exp`` never overflows. A 1-D ``Y`` is treated as one row.
    """
    return _softmax(as_float_array(Y, "Y"))


def _softmax(Y: Array) -> Array:
    e = np.exp(Y - Y.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _log_softmax(Y: Array) -> Array:
    r"""$\log p_{ij} = y_{ij} - \log \sum_k e^{y_{ik}}$, without overflow."""
    shifted = Y - Y.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax_cross_entropy(Y: Array, T: Array) -> float:
    r"""Mean cross-entropy of the softmax of the outputs:
    $L = -\frac1n \sum_i \sum_j t_{ij} \log p_{ij}$ with $p_i = \operatorname{softmax}(y_i)$.

    ``Y`` holds the output layer's scores (logits: use an identity last layer)
    and ``T`` one-hot targets; for one-hot rows $L$ is the mean of
    $-\log p_{i,c_i}$, $c_i$ being sample $i$'s class.
    """
    return float(-np.sum(T * _log_softmax(Y))) / Y.shape[0]


def softmax_cross_entropy_grad(Y: Array, T: Array) -> Array:
    r"""$\partial L / \partial y_{ij} = \frac1n (p_{ij} - t_{ij})$ for rows of $T$ that sum to 1
    (one-hot targets); in general $\frac1n (p_{ij} \sum_k t_{ik} - t_{ij})$."""
    return (_softmax(Y) * T.sum(axis=1, keepdims=True) - T) / Y.shape[0]


LOSSES["softmax_cross_entropy"] = Loss(
    "softmax_cross_entropy",
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
    r"-\tfrac1n \sum_i \sum_j t_{ij} \log \operatorname{softmax}(y_i)_j",
)


def _classes(A: ArrayLike, name: str) -> NDArray[np.intp]:
    """Class labels from a 1-D array of labels, or from rows of scores (argmax of each row)."""
    arr = as_float_array(A, name)
    if arr.ndim == 2:
        return arr.argmax(axis=1)
    if arr.ndim == 1:
        if np.any(arr != np.round(arr)) or np.any(arr < 0):
            raise ValueError(f"{name} as 1-D class labels must hold whole numbers 0, 1, 2, ...")
        return arr.astype(np.intp)
    raise ValueError(f"{name} must be 1-D labels or 2-D rows of scores; got {arr.ndim}-D")


def accuracy(Y: ArrayLike, T: ArrayLike) -> float:
    r"""The fraction of samples whose predicted class is the true class:
    $\frac1n \sum_i \mathbb{1}[\arg\max_j y_{ij} = c_i]$.

    ``Y`` and ``T`` may each be rows of scores / one-hot targets (the class is
    the row's argmax) or 1-D class labels. A metric, not a loss: it has no
    useful gradient (it is flat almost everywhere), so we train on a loss and
    report the accuracy.
    """
    y, t = _classes(Y, "Y"), _classes(T, "T")
    if y.shape != t.shape:
        raise ValueError(f"Y gives {y.shape[0]} predictions but T has {t.shape[0]} targets")
    if y.size == 0:
        raise ValueError("accuracy of no samples is undefined")
    return float(np.mean(y == t))


def confusion_matrix(Y: ArrayLike, T: ArrayLike, n_classes: int | None = None) -> NDArray[np.int64]:
    r"""Counts $C_{ck}$ = the number of samples of true class $c$ predicted as class $k$.

    ``Y`` and ``T`` are read as in :func:`accuracy`. The diagonal holds the
    correct predictions, so the accuracy is $\operatorname{tr} C / \sum_{c,k} C_{ck}$.
    """
    y, t = _classes(Y, "Y"), _classes(T, "T")
    if y.shape != t.shape:
        raise ValueError(f"Y gives {y.shape[0]} predictions but T has {t.shape[0]} targets")
    if n_classes is None:
        if y.size == 0:
            raise ValueError("a confusion matrix of no samples needs n_classes")
        k = int(max(y.max(), t.max())) + 1
    else:
        k = int(n_classes)
    if k < 1 or (y.size and max(y.max(), t.max()) >= k):
        raise ValueError(f"n_classes = {n_classes} is too small for the labels given")
    C = np.zeros((k, k), dtype=np.int64)
    np.add.at(C, (t, y), 1)
    return C
