r"""A fully connected network with a forward pass and both backward passes.

Notation (the book's): layer $l = 1, \dots, D$ computes

$$z^{(l)} = a^{(l-1)} W^{(l)} + b^{(l)}, \qquad a^{(l)} = f_l(z^{(l)}),$$

with $a^{(0)} = X$ of shape (n_samples, n_features), $W^{(l)}$ of shape
(n_in, n_out) and $b^{(l)}$ of shape (n_out,). Rows are samples (batch-first),
so $W$ is the transpose of the $A$ in the column-vector form $A u + b$.

In code the lists ``W``, ``b``, ``z`` and ``dz`` hold layer $l$ at index
``l - 1``, while ``a`` and ``da`` hold $a^{(l)}$ at index ``l`` (``a[0]`` is X).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ._checks import as_float_array
from ._types import Array
from .activations import Activation, get_activation
from .losses import Loss, get_loss

#: The weight scales $s$ (standard deviations) of :meth:`Network.random`, by name, as
#: functions of $(n_{in}, n_{out})$.
INITS = {
    "lecun": lambda n_in, n_out: 1.0 / np.sqrt(n_in),
    "xavier": lambda n_in, n_out: np.sqrt(2.0 / (n_in + n_out)),
    "he": lambda n_in, n_out: np.sqrt(2.0 / n_in),
}


@dataclass
class Trace:
    """What the forward pass stores: every pre-activation and activation.

    ``a[l]`` is $a^{(l)}$ (``a[0]`` is the input X); ``z[l - 1]`` is $z^{(l)}$.
    """

    a: list[Array]
    z: list[Array]

    @property
    def output(self) -> Array:
        """The network's output $y = a^{(D)}$."""
        return self.a[-1]


@dataclass
class Gradients:
    r"""What the backward passes return.

    Backward pass #1 (through the units): ``da[l]`` $= \partial L/\partial a^{(l)}$
    (``da[0]``, the gradient with respect to the input, is None unless asked for) and ``dz[l - 1]``
    $= \delta^{(l)} = \partial L/\partial z^{(l)}$.
    Backward pass #2 (to the parameters): ``dW[l - 1]`` $= \partial L/\partial W^{(l)}$
    and ``db[l - 1]`` $= \partial L/\partial b^{(l)}$.
    """

    loss: float
    dW: list[Array]
    db: list[Array]
    dz: list[Array]
    da: list[Array]

    def delta_rms(self) -> Array:
        r"""The size of each layer's deltas: entry $l - 1$ is the root mean square
        $\sqrt{\operatorname{mean}\big((\delta^{(l)})^2\big)}$ over samples and units,
        for $l = 1, \dots, D$ (a list of how the backward signal grows or shrinks with depth)."""
        return np.array([np.sqrt(np.mean(np.square(d))) for d in self.dz])


def _check_targets(T: ArrayLike, Y: Array) -> Array:
    """Targets as float64 of the output's shape (a 1-D T is accepted for one output)."""
    T = as_float_array(T, "T")
    if T.shape != Y.shape:
        if T.ndim == 1 and T.shape[0] == Y.shape[0] and Y.shape[1] == 1:
            return T[:, None]
        raise ValueError(
            f"targets T have shape {T.shape} but the network's output has shape "
            f"{Y.shape}; they must match"
        )
    return T


class Network:
    """A stack of fully connected layers $a^{(l)} = f_l(a^{(l-1)} W^{(l)} + b^{(l)})$.

    Parameters
    ----------
    weights, biases
        One array per layer: ``weights[l - 1]`` has shape (n_in, n_out) and
        ``biases[l - 1]`` shape (n_out,). They are copied to float64.
    activations
        One name per layer, from :data:`backprop.activations.ACTIVATIONS`
        (or a single name used for every layer).
    """

    def __init__(
        self,
        weights: Sequence[ArrayLike],
        biases: Sequence[ArrayLike],
        activations: Sequence[str | Activation] | str,
    ) -> None:
        if len(weights) == 0:
            raise ValueError("a Network needs at least one layer; got no weights")
        if len(biases) != len(weights):
            raise ValueError(f"got {len(weights)} weight matrices but {len(biases)} bias vectors")
        if isinstance(activations, str | Activation):
            activations = [activations] * len(weights)
        if len(activations) != len(weights):
            raise ValueError(f"got {len(weights)} layers but {len(activations)} activations")
        self.W: list[Array] = []
        self.b: list[Array] = []
        for l, (W, b) in enumerate(zip(weights, biases, strict=True), start=1):
            W = as_float_array(W, f"W[{l}]", ndim=2).copy()
            b = as_float_array(b, f"b[{l}]", ndim=1).copy()
            if b.shape[0] != W.shape[1]:
                raise ValueError(
                    f"layer {l}: W has shape {W.shape}, so b must have shape "
                    f"({W.shape[1]},); got {b.shape}"
                )
            if self.W and self.W[-1].shape[1] != W.shape[0]:
                raise ValueError(
                    f"layer {l}: W has shape {W.shape} but layer {l - 1} has "
                    f"{self.W[-1].shape[1]} outputs; W[{l}] needs {self.W[-1].shape[1]} rows"
                )
            self.W.append(W)
            self.b.append(b)
        self.activations: list[Activation] = [get_activation(a) for a in activations]

    # ---- construction -------------------------------------------------
    @classmethod
    def random(
        cls,
        sizes: Sequence[int],
        activations: Sequence[str | Activation] | str,
        seed: int = 0,
        init: str = "lecun",
    ) -> Network:
        r"""A network with layer widths ``sizes`` (input first) and seeded random weights.

        Each $W^{(l)}$ of shape $(n_{in}, n_{out})$ is drawn from $\mathcal N(0, s^2)$ with
        the variance ``init`` names; biases start at 0:

        - ``"lecun"`` (the default): $s^2 = 1/n_{in}$. Each pre-activation
          $z_j = \sum_i a_i W_{ij}$ then has the mean square of the inputs $a_i$: the
          forward signal keeps its size through units that are linear near 0 (tanh).
        - ``"xavier"`` (Glorot): $s^2 = 2/(n_{in} + n_{out})$, a compromise between
          keeping the forward signal ($1/n_{in}$) and the backward deltas ($1/n_{out}$).
        - ``"he"``: $s^2 = 2/n_{in}$. A ReLU zeroes about half of its inputs, which halves
          the mean square it passes on; the factor 2 makes up for it.
        """
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"sizes must list at least two positive widths; got {sizes}")
        scale = INITS.get(init)
        if scale is None:
            raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")
        rng = np.random.default_rng(seed)
        weights = [
            rng.normal(0.0, scale(n_in, n_out), size=(n_in, n_out))
            for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
        ]
        biases = [np.zeros(n_out) for n_out in sizes[1:]]
        return cls(weights, biases, activations)

    def copy(self) -> Network:
        """An independent copy (the arrays are copied)."""
        return Network(self.W, self.b, self.activations)

    # ---- facts --------------------------------------------------------
    @property
    def sizes(self) -> list[int]:
        """Layer widths, input first."""
        return [self.W[0].shape[0]] + [W.shape[1] for W in self.W]

    @property
    def n_layers(self) -> int:
        """$L$, the number of layers with weights."""
        return len(self.W)

    @property
    def n_params(self) -> int:
        """The number of weights and biases."""
        return sum(W.size + b.size for W, b in zip(self.W, self.b, strict=True))

    def parameters(self) -> list[Array]:
        """Every parameter array, in the order W[1], b[1], W[2], b[2], ..."""
        return [p for W, b in zip(self.W, self.b, strict=True) for p in (W, b)]

    def __repr__(self) -> str:
        acts = ", ".join(a.name for a in self.activations)
        return f"Network(sizes={self.sizes}, activations=[{acts}])"

    # ---- the forward pass ---------------------------------------------
    def _check_input(self, X: ArrayLike) -> Array:
        X = as_float_array(X, "X", ndim=2)
        if X.shape[0] == 0:
            raise ValueError(f"X has shape {X.shape}: no samples")
        if X.shape[1] != self.W[0].shape[0]:
            raise ValueError(
                f"X has shape {X.shape}: {X.shape[1]} features, but the network's "
                f"first layer W[1] has shape {self.W[0].shape} and expects "
                f"{self.W[0].shape[0]} features"
            )
        return X

    def forward(self, X: ArrayLike) -> Trace:
        r"""Run the forward pass and keep every intermediate.

        $z^{(l)} = a^{(l-1)} W^{(l)} + b^{(l)}$, $a^{(l)} = f_l(z^{(l)})$,
        for $l = 1, \dots, D$. The backward passes reuse the stored $z$ and $a$.
        """
        a = self._check_input(X)
        A, Z = [a], []
        for W, b, act in zip(self.W, self.b, self.activations, strict=True):
            z = a @ W
            z += b
            a = act.f(z)
            Z.append(z)
            A.append(a)
        return Trace(A, Z)

    def predict(self, X: ArrayLike) -> Array:
        """The output $y = a^{(D)}$ alone."""
        return self.forward(X).output

    # ---- the backward passes -----------------------------------------
    def backward(
        self,
        trace: Trace,
        T: ArrayLike,
        loss: str | Loss = "mse",
        input_grad: bool = False,
    ) -> Gradients:
        r"""Backward pass #1 and #2: every $\partial L/\partial a$, $\delta$, $\partial L/\partial W$,
        $\partial L/\partial b$.

        Starting from $\partial L/\partial a^{(D)}$ (the loss's gradient), for
        $l = D, \dots, 1$:

        - $\delta^{(l)} = \partial L/\partial a^{(l)} \odot f_l'(z^{(l)})$
        - $\partial L/\partial W^{(l)} = (a^{(l-1)})^\top \delta^{(l)}$, and
          $\partial L/\partial b^{(l)} = \sum_i \delta^{(l)}_i$ (the sum is over samples;
          $\partial z/\partial b = 1$)
        - $\partial L/\partial a^{(l-1)} = \delta^{(l)} (W^{(l)})^\top$

        ``da[0]``, the gradient with respect to the input X, costs one more
        matrix product that training never needs; it is computed only with
        ``input_grad=True`` and is None otherwise.
        """
        loss = get_loss(loss)
        Y = trace.output
        T = _check_targets(T, Y)
        L = self.n_layers
        dW: list[Array] = [None] * L  # type: ignore[list-item]
        db: list[Array] = [None] * L  # type: ignore[list-item]
        dz: list[Array] = [None] * L  # type: ignore[list-item]
        da: list[Array] = [None] * (L + 1)  # type: ignore[list-item]
        g = loss.grad(Y, T)
        da[L] = g
        for l in range(L, 0, -1):
            act = self.activations[l - 1]
            z, a_prev = trace.z[l - 1], trace.a[l - 1]
            if act.name == "identity":
                d = g
            else:
                d = g * act.derivative(z, trace.a[l])
            dz[l - 1] = d
            if a_prev.shape[0] == 1:
                # One sample: (a^(l-1))^T delta^(l) is an outer product. Broadcasting gives
                # the same numbers (one product per entry) several times faster than
                # OpenBLAS's matrix product with an inner size of 1.
                dW[l - 1] = a_prev.T * d
            else:
                dW[l - 1] = a_prev.T @ d
            db[l - 1] = d.sum(axis=0)
            if l > 1 or input_grad:
                g = d @ self.W[l - 1].T
                da[l - 1] = g
        return Gradients(loss.value(Y, T), dW, db, dz, da)

    def loss(self, X: ArrayLike, T: ArrayLike, loss: str | Loss = "mse") -> float:
        """The loss of the network's output on ``X`` against targets ``T``."""
        loss = get_loss(loss)
        Y = self.predict(X)
        return loss.value(Y, _check_targets(T, Y))

    def gradients(self, X: ArrayLike, T: ArrayLike, loss: str | Loss = "mse") -> Gradients:
        """Forward then backward in one call."""
        return self.backward(self.forward(X), T, loss)
