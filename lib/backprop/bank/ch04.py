r"""Exercises of chapter 4, indicator functions: the ReLU's mask $\mathbb 1[z > 0]$ on deltas.

Each ``make(seed)`` returns one variant; seed 0 is the book's. Answers come from
:func:`backprop.activations.relu_derivative` and :meth:`backprop.Network.backward`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..activations import relu_derivative
from ..exercises import Exercise, register, vector
from ..network import Network
from ._fair import fair_variant
from ._format import tenths


def _mixed(z: np.ndarray) -> bool:
    """At least one unit on and one off: otherwise the mask teaches nothing."""
    return bool((z > 0).any() and (z <= 0).any())


def _text(v: np.ndarray) -> str:
    """Numbers as the plain-text list a student types: 1, 0, 1."""
    return vector(v)[1:-1]


@register("ch04.mask")
def mask(seed: int) -> Exercise:
    r"""The mask $\mathbb 1[z > 0]$ of a vector of pre-activations (with $\mathrm{ReLU}'(0) = 0$)."""

    def draw(rng: np.random.Generator) -> np.ndarray:
        z = tenths(rng, 5, -30, 30)
        if rng.random() < 0.5:
            z[rng.integers(5)] = 0.0  # sometimes test the convention at z = 0
        return z

    z = fair_variant(seed, (4, 1), draw, _mixed, book=lambda: np.array([1.3, -0.4, 0.0, 2.1, -2.7]))
    m = relu_derivative(z)
    return Exercise(
        key="ch04.mask",
        title="Write the mask",
        question=(
            f"A ReLU layer has pre-activations $z = {vector(z)}$. Write its derivative "
            "$\\mathrm{ReLU}'(z) = \\mathbb 1[z > 0]$ entry by entry, with the book's choice "
            "$\\mathrm{ReLU}'(0) = 0$ (five numbers, typed like `1, 0, 1, ...`)."
        ),
        prompt="1[z > 0] =",
        answer=tuple(m),
        rtol=0.0,
        atol=1e-9,
        hints=(
            "Each entry is 1 where z is strictly positive and 0 everywhere else.",
            "A z of exactly 0 is not > 0, so its entry is 0 (the book's choice).",
        ),
        solution=(
            f"Test each entry of $z = {vector(z)}$ for $z > 0$: $\\mathbb 1[z > 0] = {vector(m)}$."
        ),
        params={"z": z.tolist()},
    )


@register("ch04.masked-delta")
def masked_delta(seed: int) -> Exercise:
    r"""$\delta = \partial L/\partial a \odot \mathbb 1[z > 0]$ for one sample of a ReLU layer."""
    z, g = fair_variant(
        seed,
        (4, 2),
        lambda rng: (tenths(rng, 4), tenths(rng, 4, -20, 20)),
        lambda c: _mixed(c[0]),
        book=lambda: (np.array([0.7, -1.2, 2.0, -0.1]), np.array([0.5, -0.8, -1.5, 2.0])),
    )
    m = relu_derivative(z)
    delta = g * m + 0.0  # + 0.0: no "-0" in the answer
    return Exercise(
        key="ch04.masked-delta",
        title="Mask the deltas",
        question=(
            f"In the backward pass a ReLU layer has pre-activations $z = {vector(z)}$, and the "
            f"gradient arriving from above is $\\partial L/\\partial a = {vector(g)}$. "
            "Find the layer's delta "
            "$\\delta = \\partial L/\\partial a \\odot \\mathbb 1[z > 0]$ "
            "(four numbers, comma-separated)."
        ),
        prompt="δ =",
        answer=tuple(delta),
        rtol=1e-9,
        atol=1e-9,
        hints=(
            f"First the mask: 1[z > 0] = {_text(m)}.",
            "Multiply entry by entry: where the mask is 0 the delta is 0, "
            "where it is 1 the delta is the upstream gradient unchanged.",
        ),
        solution=(
            f"The mask is $\\mathbb 1[z > 0] = {vector(m)}$, so "
            f"$\\delta = {vector(g)} \\odot {vector(m)} = {vector(delta)}$: the units that are "
            "off pass no gradient back."
        ),
        params={"z": z.tolist(), "g": g.tolist()},
    )


@register("ch04.batch-bias")
def batch_bias(seed: int) -> Exercise:
    r"""$\partial L/\partial b = \sum_i \delta_i$ over a batch: the mask acts sample by sample."""

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        return tenths(rng, 6).reshape(3, 2), tenths(rng, 6, -10, 10).reshape(3, 2)

    def fair(c: tuple[np.ndarray, np.ndarray]) -> bool:
        Z, G = c
        D = G * relu_derivative(Z)
        # Each unit on for some samples and off for others, and a non-zero answer.
        cols = all(_mixed(Z[:, j]) for j in range(2))
        return bool(cols and np.all(np.abs(D.sum(axis=0)) > 0.05))

    book = (
        np.array([[0.5, -1.0], [-0.3, 0.8], [1.2, 0.4]]),
        np.array([[0.2, 0.6], [-0.5, -0.4], [0.3, 0.1]]),
    )
    Z, G = fair_variant(seed, (4, 3), draw, fair, book=lambda: book)
    M = relu_derivative(Z)
    D = G * M + 0.0
    db = np.round(D.sum(axis=0), 12) + 0.0  # round off float noise: 0.9, not 0.8999999999999999

    def rows(A: np.ndarray) -> str:
        body = " \\\\ ".join(" & ".join(f"{v:g}" for v in r) for r in A)
        return f"\\begin{{bmatrix}} {body} \\end{{bmatrix}}"

    return Exercise(
        key="ch04.batch-bias",
        title="A bias gradient over a batch",
        question=(
            "A ReLU layer of two units sees a batch of three samples (one row each). Its "
            f"pre-activations are $Z = {rows(Z)}$ and the gradient from above is "
            f"$\\partial L/\\partial A = {rows(G)}$. Find the gradient of the loss with respect "
            "to the layer's two biases, $\\partial L/\\partial b = \\sum_i \\delta_i$ "
            "(two numbers, comma-separated)."
        ),
        prompt="∂L/∂b =",
        answer=tuple(db),
        rtol=1e-9,
        atol=1e-9,
        hints=(
            "Mask each row on its own: δ = ∂L/∂A ⊙ 1[Z > 0], entry by entry.",
            "Then add the rows of δ: each bias collects the deltas of its unit over the batch.",
        ),
        solution=(
            f"The mask is $\\mathbb 1[Z > 0] = {rows(M)}$, so $\\delta = {rows(D)}$, and the "
            f"column sums give $\\partial L/\\partial b = {vector(db)}$."
        ),
        params={"Z": Z.tolist(), "G": G.tolist()},
    )


@register("ch04.one-unit")
def one_unit(seed: int) -> Exercise:
    r"""One ReLU unit, loss $\tfrac12 (y - t)^2$: $\partial L/\partial w = (y - t)\,\mathbb 1[z > 0]\,x$."""

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, float, float]:
        x = rng.integers(-3, 4, size=3).astype(float)
        w = rng.integers(-3, 4, size=3).astype(float)
        return x, w, float(rng.integers(-2, 3)), float(rng.integers(-2, 6))

    def unit(x: np.ndarray, w: np.ndarray, b: float, t: float) -> tuple[float, float, Any]:
        net = Network([w.reshape(3, 1)], [[b]], "relu")
        trace = net.forward(x.reshape(1, 3))
        grads = net.backward(trace, [[t]], "half_sse")
        return float(trace.z[0][0, 0]), float(trace.output[0, 0]), grads.dW[0][:, 0]

    def fair(c: tuple[np.ndarray, np.ndarray, float, float]) -> bool:
        z, y, _ = unit(*c)
        # On (z > 0), off the target, and no zero entry of x: a gradient worth computing.
        return bool(z > 0 and y != c[3] and np.all(c[0] != 0))

    book = (np.array([2.0, 1.0, -1.0]), np.array([0.5, -1.0, 1.0]), 2.0, 3.0)
    x, w, b, t = fair_variant(seed, (4, 4), draw, fair, book=lambda: book)
    z, y, dw = unit(x, w, b, t)
    return Exercise(
        key="ch04.one-unit",
        title="One ReLU unit",
        question=(
            f"One ReLU unit computes $z = w \\cdot x + b$ and $y = \\mathrm{{ReLU}}(z)$, with "
            f"$x = {vector(x)}$, $w = {vector(w)}$, $b = {b:g}$. The loss is "
            f"$L = \\tfrac12 (y - t)^2$ with target $t = {t:g}$. Find $\\partial L/\\partial w$ "
            "(three numbers, comma-separated)."
        ),
        prompt="∂L/∂w =",
        answer=tuple(dw),
        rtol=1e-9,
        atol=1e-9,
        hints=(
            f"Forward first: z = {z:g}, so the unit is on (1[z > 0] = 1) and y = {y:g}.",
            "∂L/∂w = (y − t) · 1[z > 0] · x: the upstream gradient, the indicator, then the input.",
        ),
        solution=(
            f"$z = {z:g} > 0$, so $y = {y:g}$ and the indicator is 1; "
            f"$\\partial L/\\partial y = y - t = {y - t:g}$, so "
            f"$\\partial L/\\partial w = {y - t:g} \\cdot 1 \\cdot {vector(x)} = {vector(dw)}$."
        ),
        params={"x": x.tolist(), "w": w.tolist(), "b": b, "t": t},
    )
