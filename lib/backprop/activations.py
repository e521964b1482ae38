r"""Activation functions $f$ and their derivatives $f'$, by name.

A layer computes $a = f(z)$ elementwise. Backpropagation needs $f'(z)$,
evaluated at the *pre-activation* $z$ (not at the output $a$).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._checks import lookup
from ._types import Array


@dataclass(frozen=True)
class Activation:
    """An elementwise function $f$ with its derivative $f'$ (both take $z$)."""

    name: str
    f: Callable[[Array], Array]
    df: Callable[[Array], Array]
    # The same derivative computed from z and the stored output a = f(z), so
    # the backward pass need not recompute f (sigmoid: a(1 - a); exp: a).
    df_za: Callable[[Array, Array], Array] | None = None

    def __call__(self, z: Array) -> Array:
        return self.f(z)

    def derivative(self, z: Array, a: Array | None = None) -> Array:
        r"""$f'(z)$; when the output $a = f(z)$ is given it is reused."""
        if a is not None and self.df_za is not None:
            return self.df_za(z, a)
        return self.df(z)


def identity(z: Array) -> Array:
    r"""$f(z) = z$."""
    return z


def identity_derivative(z: Array) -> Array:
    r"""$f'(z) = 1$."""
    return np.ones_like(z)


def relu(z: Array) -> Array:
    r"""$\mathrm{ReLU}(z) = \max(z, 0)$."""
    return np.maximum(z, 0.0)


def relu_derivative(z: Array) -> Array:
    r"""$\mathrm{ReLU}'(z) = \mathbb{1}[z > 0]$, the indicator function.

    At $z = 0$ the derivative does not exist; we take 0 (the usual choice).
    """
    return (z > 0).astype(np.float64)


def sigmoid(z: Array) -> Array:
    r"""$\sigma(z) = 1 / (1 + e^{-z})$, computed without overflow for any $z$.

    For $z < 0$ it uses the equal form $e^{z} / (1 + e^{z})$, so ``exp``
    never sees a large positive argument.
    """
    with np.errstate(under="ignore"):  # e^{-|z|} underflowing to 0 is harmless
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(z: Array) -> Array:
    r"""$\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$: written through the output $o = \sigma(z)$
    as $o(1 - o)$, but still a function of $z$."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: Array) -> Array:
    r"""$\tanh(z)$."""
    return np.tanh(z)


def tanh_derivative(z: Array) -> Array:
    r"""$\tanh'(z) = 1 - \tanh^2(z)$."""
    t = np.tanh(z)
    return 1.0 - t * t


def sin_derivative(z: Array) -> Array:
    r"""$\sin'(z) = \cos(z)$."""
    return np.cos(z)


def cos_derivative(z: Array) -> Array:
    r"""$\cos'(z) = -\sin(z)$."""
    return -np.sin(z)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("identity", identity, identity_derivative),
        Activation("relu", relu, relu_derivative, lambda z, a: relu_derivative(z)),
        Activation("sigmoid", sigmoid, sigmoid_derivative, lambda z, a: a * (1.0 - a)),
        Activation("tanh", tanh, tanh_derivative, lambda z, a: 1.0 - a * a),
        Activation("sin", np.sin, sin_derivative),
        Activation("cos", np.cos, cos_derivative),
        # exp is its own derivative: f'(z) = e^z = a.
        Activation("exp", np.exp, np.exp, lambda z, a: a),
    )
}


def get_activation(name: str | Activation) -> Activation:
    """Look up an activation by name (or pass an :class:`Activation` through).

    Raises ValueError listing the known names for an unknown one.
    """
    return lookup(name, "activation", ACTIVATIONS, Activation)
