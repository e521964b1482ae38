r"""Small data helpers for classification: one-hot targets, a seeded train/test split,
and standardisation. Pure numpy; the data sets themselves come from elsewhere.

A classifier with $K$ outputs learns from targets $t_i \in \{0, 1\}^K$ with a
single 1 at the sample's class $c_i$ (the *one-hot* code), and is judged on
samples it never trained on (the *test set*).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._checks import as_float_array
from ._types import Array


def _labels(labels: ArrayLike, name: str = "labels") -> NDArray[np.intp]:
    arr = as_float_array(labels, name, ndim=1)
    if np.any(arr != np.round(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must hold whole numbers 0, 1, 2, ... (class indices)")
    return arr.astype(np.intp)


def one_hot(labels: ArrayLike, n_classes: int | None = None) -> Array:
    r"""Rows $t_i$ with $t_{ij} = \mathbb{1}[j = c_i]$: shape (n_samples, n_classes).

    ``n_classes`` defaults to the largest label plus one.

    >>> one_hot([2, 0], 3)
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """
    c = _labels(labels)
    k = int(c.max(initial=-1)) + 1 if n_classes is None else int(n_classes)
    if k < 1:
        raise ValueError("one_hot needs at least one class; got no labels and no n_classes")
    if c.size and c.max() >= k:
        raise ValueError(
            f"label {int(c.max())} does not fit in n_classes = {k} (labels 0..{k - 1})"
        )
    T = np.zeros((c.size, k))
    T[np.arange(c.size), c] = 1.0
    return T


def train_test_split(
    X: ArrayLike, labels: ArrayLike, test_fraction: float = 0.25, seed: int = 0
) -> tuple[Array, Array, NDArray[np.intp], NDArray[np.intp]]:
    """Shuffle the samples (seeded) and hold out ``test_fraction`` of them for testing.

    Returns ``X_train, X_test, labels_train, labels_test``. The test set has
    ``round(test_fraction * n)`` samples; the two sets are disjoint and together
    hold every sample once. The same seed gives the same split.
    """
    X = as_float_array(X, "X", ndim=2)
    c = _labels(labels)
    n = X.shape[0]
    if c.shape[0] != n:
        raise ValueError(f"X has {n} samples but labels has {c.shape[0]}")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1; got {test_fraction}")
    n_test = int(round(test_fraction * n))
    if n_test < 1 or n_test > n - 1:
        raise ValueError(
            f"test_fraction = {test_fraction} of {n} samples leaves an empty train or test set"
        )
    order = np.random.default_rng(seed).permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], c[train], c[test]


def standardize(X_train: ArrayLike, *others: ArrayLike) -> tuple[Array, ...]:
    r"""Scale every feature to mean 0 and standard deviation 1 *on the training set*:
    $x' = (x - \mu) / s$, with $\mu$ and $s$ from ``X_train`` alone (so no test
    information leaks into training), and the same $\mu, s$ applied to ``others``.

    Features that are constant on the training set get $s = 1$ (they become 0
    instead of dividing by zero). Returns the scaled ``X_train`` then each of ``others``.
    """
    X = as_float_array(X_train, "X_train", ndim=2)
    mu = X.mean(axis=0)
    s = X.std(axis=0)
    s[s == 0] = 1.0
    out = [(X - mu) / s]
    for i, other in enumerate(others):
        Z = as_float_array(other, f"others[{i}]", ndim=2)
        if Z.shape[1] != X.shape[1]:
            raise ValueError(f"others[{i}] has {Z.shape[1]} features but X_train has {X.shape[1]}")
        out.append((Z - mu) / s)
    return tuple(out)
