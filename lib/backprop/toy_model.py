r"""The eight-parameter toy model of the notes, with both backward passes written out.

$$f[x, \phi] = \beta_3 + \omega_3 \cos\!\big(\beta_2 + \omega_2
\exp(\beta_1 + \omega_1 \sin(\beta_0 + \omega_0 x))\big)$$

and the least-squares loss $L = \sum_i \ell_i$, $\ell_i = (f[x_i, \phi] - y_i)^2$.

Writing $h_0 = x$, the forward pass is, for $k = 0, 1, 2, 3$,
$f_k = \beta_k + \omega_k h_k$, with $h_1 = \sin f_0$, $h_2 = \exp f_1$,
$h_3 = \cos f_2$, and the output is $f_3$.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_float_array
from ._types import Array
from .network import Network

#: The activation after each pre-activation f_0, f_1, f_2 (f_3 is the output).
ACTIVATION_NAMES = ("sin", "exp", "cos")
_F = (np.sin, np.exp, np.cos)
_DF = (np.cos, np.exp, lambda f: -np.sin(f))


@dataclass
class ToyTrace:
    """The forward pass's intermediates: ``f[k]`` $= f_k$, ``h[k]`` $= h_k$ (``h[0]`` is x).

    Each entry has the shape of x (a number or one value per data point).
    """

    f: list[Array]
    h: list[Array]
    x: Array

    @property
    def output(self) -> Array:
        """The model's output $f_3$."""
        return self.f[3]


@dataclass
class ToyGradients:
    r"""Both backward passes of the toy model.

    Pass #1: ``dl_df[k]`` $= \partial \ell/\partial f_k$ and ``dl_dh[k]``
    $= \partial \ell/\partial h_k$ (``dl_dh[0]`` is $\partial \ell/\partial x$), one
    value per data point. Pass #2: ``dl_dbeta[k]`` and ``dl_domega[k]``, summed
    over the data points (the gradient of $L = \sum_i \ell_i$). ``loss`` is $L$.
    """

    loss: float
    dl_df: list[Array]
    dl_dh: list[Array]
    dl_dbeta: Array
    dl_domega: Array


class ToyModel:
    r"""$f[x, \phi]$ with $\phi = (\beta_0, \dots, \beta_3, \omega_0, \dots, \omega_3)$."""

    def __init__(self, beta: ArrayLike, omega: ArrayLike) -> None:
        self.beta = as_float_array(beta, "beta", ndim=1).copy()
        self.omega = as_float_array(omega, "omega", ndim=1).copy()
        for name, v in (("beta", self.beta), ("omega", self.omega)):
            if v.shape != (4,):
                raise ValueError(f"{name} must hold 4 numbers (k = 0..3); got shape {v.shape}")

    @classmethod
    def from_phi(cls, phi: ArrayLike) -> ToyModel:
        r"""Build from $\phi = (\beta_0, \dots, \beta_3, \omega_0, \dots, \omega_3)$."""
        phi = as_float_array(phi, "phi", ndim=1)
        if phi.shape != (8,):
            raise ValueError(f"phi must hold 8 numbers (4 betas, 4 omegas); got {phi.shape}")
        return cls(phi[:4], phi[4:])

    @property
    def phi(self) -> Array:
        r"""The parameters as one vector $(\beta_0..\beta_3, \omega_0..\omega_3)$."""
        return np.concatenate([self.beta, self.omega])

    def __repr__(self) -> str:
        return f"ToyModel(beta={self.beta.tolist()}, omega={self.omega.tolist()})"

    def forward(self, x: ArrayLike) -> ToyTrace:
        r"""$f_k = \beta_k + \omega_k h_k$ for $k = 0..3$, with $h_0 = x$,
        $h_1 = \sin f_0$, $h_2 = \exp f_1$, $h_3 = \cos f_2$."""
        x = as_float_array(x, "x")
        h, f = [x], []
        for k in range(4):
            f.append(self.beta[k] + self.omega[k] * h[k])
            if k < 3:
                h.append(_F[k](f[k]))
        return ToyTrace(f, h, x)

    def __call__(self, x: ArrayLike) -> Array:
        """The output $f[x, \\phi]$."""
        return self.forward(x).output

    def loss(self, x: ArrayLike, y: ArrayLike) -> float:
        r"""$L = \sum_i (f[x_i, \phi] - y_i)^2$."""
        trace = self.forward(x)
        y = as_float_array(y, "y")
        if y.shape != trace.x.shape:
            raise ValueError(f"y has shape {y.shape} but x has shape {trace.x.shape}")
        d = trace.output - y
        return float(np.sum(d * d))

    def backward(self, trace: ToyTrace, y: ArrayLike) -> ToyGradients:
        r"""Backward pass #1 then #2, each step a local derivative times the upstream gradient.

        Pass #1: $\partial\ell/\partial f_3 = 2(f_3 - y)$; then for $k = 3, 2, 1$:
        $\partial\ell/\partial h_k = \omega_k \,\partial\ell/\partial f_k$ and
        $\partial\ell/\partial f_{k-1} = g_{k-1}'(f_{k-1})\,\partial\ell/\partial h_k$
        ($g' = \cos, \exp, -\sin$).

        Pass #2: $\partial\ell/\partial\beta_k = 1 \cdot \partial\ell/\partial f_k$ and
        $\partial\ell/\partial\omega_k = h_k \,\partial\ell/\partial f_k$, summed over points.
        """
        y = as_float_array(y, "y")
        if y.shape != trace.x.shape:
            raise ValueError(f"y has shape {y.shape} but x has shape {trace.x.shape}")
        f, h = trace.f, trace.h
        dl_df: list[Array] = [None] * 4  # type: ignore[list-item]
        dl_dh: list[Array] = [None] * 4  # type: ignore[list-item]
        dl_df[3] = 2.0 * (f[3] - y)
        for k in range(3, 0, -1):
            dl_dh[k] = self.omega[k] * dl_df[k]
            dl_df[k - 1] = _DF[k - 1](f[k - 1]) * dl_dh[k]
        dl_dh[0] = self.omega[0] * dl_df[0]
        dl_dbeta = np.array([np.sum(dl_df[k]) for k in range(4)])
        dl_domega = np.array([np.sum(h[k] * dl_df[k]) for k in range(4)])
        d = f[3] - y
        return ToyGradients(float(np.sum(d * d)), dl_df, dl_dh, dl_dbeta, dl_domega)

    def gradients(self, x: ArrayLike, y: ArrayLike) -> ToyGradients:
        """Forward then backward in one call."""
        return self.backward(self.forward(x), y)

    def to_network(self) -> Network:
        """The same model as a width-1 :class:`Network` (sin, exp, cos, identity), loss "sse".

        Layer $k+1$ has $W = [[\\omega_k]]$ and $b = [\\beta_k]$.
        """
        return Network(
            [[[w]] for w in self.omega],
            [[b] for b in self.beta],
            [*ACTIVATION_NAMES, "identity"],
        )
