r"""Exercises of chapter 2, the forward pass.

The toy model $f_k = \beta_k + \omega_k h_k$ ($h_0 = x$, $h_1 = \sin f_0$,
$h_2 = \exp f_1$, $h_3 = \cos f_2$, output $f_3$), its loss
$L = \sum_i (f_3(x_i) - y_i)^2$, and one layer written two ways: the
column form $\mathbf z = A \mathbf u + \mathbf b$ and the library's batch-first
$Z = X W + \mathbf b$ with $W = A^\top$.

Each ``make(seed)`` returns one variant; seed 0 is the book's. Answers come from
:class:`backprop.ToyModel` and :class:`backprop.Network`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..exercises import Exercise, register, vector
from ..network import Network
from ..toy_model import ToyModel
from ._fair import fair_variant
from ._format import paren

#: The activations the layer exercise draws from, with their formulas for the question.
_LAYER_ACTIVATIONS = {
    "sigmoid": r"\sigma(z) = 1/(1 + e^{-z})",
    "relu": r"\mathrm{ReLU}(z) = \max(z, 0)",
    "tanh": r"\tanh(z)",
}


def _bmatrix(M: np.ndarray) -> str:
    """A matrix in LaTeX: ``[[1, 2], [3, 4]]`` -> ``\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}``."""
    rows = " \\\\ ".join(" & ".join(f"{v:g}" for v in row) for row in np.atleast_2d(M))
    return f"\\begin{{bmatrix}} {rows} \\end{{bmatrix}}"


def _column(v: np.ndarray) -> str:
    """A vector as a LaTeX column."""
    return _bmatrix(np.asarray(v, dtype=np.float64).reshape(-1, 1))


def _choice(rng: np.random.Generator, values: list[float], n: int) -> np.ndarray:
    return np.array([float(rng.choice(values)) for _ in range(n)])


@register("ch02.toy-forward")
def toy_forward(seed: int) -> Exercise:
    r"""The toy model's forward pass for one input: $h_1, h_2, h_3$ and the output $f_3$."""

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, float]:
        beta = _choice(rng, [-1.0, -0.5, 0.0, 0.5, 1.0], 4)
        omega = _choice(rng, [-2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0], 4)
        return beta, omega, float(rng.choice([-1.5, -1.0, -0.5, 0.5, 1.0, 1.5]))

    def steps(beta: np.ndarray, omega: np.ndarray, x: float) -> tuple[list[float], list[float]]:
        trace = ToyModel(beta, omega).forward(x)
        return [float(v) for v in trace.f], [float(v) for v in trace.h]

    def fair(c: tuple[np.ndarray, np.ndarray, float]) -> bool:
        f, h = steps(*c)
        return all(abs(a) > 0.05 for a in (h[1], h[2], h[3], f[3]))  # every step shows

    book = (np.array([0.0, 0.5, -1.0, 0.0]), np.array([2.0, -1.0, 1.0, 1.5]), 1.0)
    beta, omega, x = fair_variant(seed, (2, 1), draw, fair, book=lambda: book)
    f, h = steps(beta, omega, x)
    answer = (h[1], h[2], h[3], f[3])
    return Exercise(
        key="ch02.toy-forward",
        title="A forward pass by hand",
        question=(
            "Run the toy model's forward pass $f_k = \\beta_k + \\omega_k h_k$ with $h_0 = x$, "
            "$h_1 = \\sin f_0$, $h_2 = \\exp f_1$, $h_3 = \\cos f_2$, for the parameters "
            f"$\\beta = {vector(beta)}$, $\\omega = {vector(omega)}$ (index $k = 0, 1, 2, 3$) and "
            f"the input $x = {x:g}$. Give $h_1$, $h_2$, $h_3$ and the output $f_3$ (four numbers, "
            "comma-separated, to at least 4 significant digits; angles are in radians)."
        ),
        prompt="h₁, h₂, h₃, f₃ =",
        answer=answer,
        rtol=1e-3,
        atol=1e-6,
        hints=(
            f"Start with f₀ = {beta[0]:g} + {paren(omega[0])}·{paren(x)} = {f[0]:g}, then h₁ = sin f₀.",
            f"Next f₁ = {beta[1]:g} + {paren(omega[1])}·h₁, h₂ = exp f₁, f₂ = {beta[2]:g} + "
            f"{paren(omega[2])}·h₂, h₃ = cos f₂, and f₃ = {beta[3]:g} + {paren(omega[3])}·h₃.",
        ),
        solution=(
            f"$f_0 = {beta[0]:g} + {paren(omega[0])} \\cdot {paren(x)} = {f[0]:g}$, "
            f"$h_1 = \\sin f_0 = {h[1]:.4f}$; "
            f"$f_1 = {beta[1]:g} + {paren(omega[1])} \\cdot h_1 = {f[1]:.4f}$, "
            f"$h_2 = \\exp f_1 = {h[2]:.4f}$; "
            f"$f_2 = {beta[2]:g} + {paren(omega[2])} \\cdot h_2 = {f[2]:.4f}$, "
            f"$h_3 = \\cos f_2 = {h[3]:.4f}$; "
            f"$f_3 = {beta[3]:g} + {paren(omega[3])} \\cdot h_3 = {f[3]:.4f}$. "
            "Each step uses only the value just before it, so the forward pass runs "
            "left to right and every intermediate is known by the end."
        ),
        params={"beta": beta.tolist(), "omega": omega.tolist(), "x": x},
    )


@register("ch02.layer")
def layer(seed: int) -> Exercise:
    r"""One layer in the column form: $\mathbf a = g(A \mathbf u + \mathbf b)$."""

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
        A = rng.integers(-2, 3, size=(2, 3)).astype(np.float64)
        u = rng.integers(-4, 5, size=3) / 2
        b = rng.integers(-2, 3, size=2) / 2
        return A, u, b, str(rng.choice(list(_LAYER_ACTIVATIONS)))

    def forward(A: np.ndarray, u: np.ndarray, b: np.ndarray, act: str) -> tuple[Any, Any]:
        trace = Network([A.T], [b], act).forward(u.reshape(1, -1))  # the library stores W = A^T
        return trace.z[0][0], trace.a[1][0]

    def fair(c: tuple[np.ndarray, np.ndarray, np.ndarray, str]) -> bool:
        z, _ = forward(*c)
        ok = np.all(np.abs(z) <= 4) and abs(z[0] - z[1]) > 0.1 and np.all(z != 0)
        if c[3] == "relu":
            ok = ok and bool(np.any(z > 0))  # at least one unit on
        return bool(ok and np.count_nonzero(c[1]) >= 2)

    book = (
        np.array([[1.0, -1.0, 2.0], [0.0, 2.0, -1.0]]),
        np.array([1.0, 0.5, 0.5]),
        np.array([0.5, 1.0]),
        "sigmoid",
    )
    A, u, b, act = fair_variant(seed, (2, 2), draw, fair, book=lambda: book)
    z, a = forward(A, u, b, act)
    return Exercise(
        key="ch02.layer",
        title="One layer in column form",
        question=(
            "A layer in the column form computes "
            "$\\mathbf a = g(A \\mathbf u + \\mathbf b)$, with the activation applied to each "
            f"entry. Take $A = {_bmatrix(A)}$, $\\mathbf u = {_column(u)}$, "
            f"$\\mathbf b = {_column(b)}$ and $g(z) = {_LAYER_ACTIVATIONS[act]}$. Give the two "
            "entries of $\\mathbf a$ (comma-separated, to at least 4 significant digits)."
        ),
        prompt="a₁, a₂ =",
        answer=tuple(float(v) for v in a),
        rtol=1e-3,
        atol=1e-6,
        hints=(
            "Entry j of Au is the dot product of row j of A with u.",
            f"The pre-activations are z = Au + b = {vector(z)}; now apply {act} to each entry.",
        ),
        solution=(
            f"$\\mathbf z = A \\mathbf u + \\mathbf b = {_column(z)}$ (row $j$ of $A$ dotted "
            f"with $\\mathbf u$, plus $b_j$), and applying {act} entry by entry gives "
            f"$\\mathbf a = ({a[0]:.4f}, {a[1]:.4f})$. In the library the same layer is "
            "`Network([A.T], [b], ...)`: it stores $W = A^\\top$ and takes $\\mathbf u$ as a row."
        ),
        params={"A": A.tolist(), "u": u.tolist(), "b": b.tolist(), "activation": act},
    )


@register("ch02.transpose")
def transpose(seed: int) -> Exercise:
    r"""The library's batch-first layer $Z = X W + \mathbf b$, one row per sample, with $W = A^\top$."""

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        W = rng.integers(-2, 3, size=(3, 2)).astype(np.float64)
        X = rng.integers(-2, 3, size=(2, 3)).astype(np.float64)
        return W, X, rng.integers(-2, 3, size=2).astype(np.float64)

    def pre_activations(W: np.ndarray, X: np.ndarray, b: np.ndarray) -> np.ndarray:
        return Network([W], [b], "identity").forward(X).z[0]

    def fair(c: tuple[np.ndarray, np.ndarray, np.ndarray]) -> bool:
        Z, X = pre_activations(*c), c[1]
        # The samples differ, the units differ, and Z is not symmetric, so swapping
        # rows for columns gives a different (wrong) answer.
        return bool(
            np.count_nonzero(Z) >= 3
            and not np.allclose(Z[0], Z[1])
            and not np.allclose(Z[:, 0], Z[:, 1])
            and not np.allclose(Z, Z.T)
            and np.count_nonzero(X[0]) >= 2
            and np.count_nonzero(X[1]) >= 2
        )

    book = (
        np.array([[1.0, 0.0], [-1.0, 2.0], [2.0, 1.0]]),
        np.array([[1.0, 2.0, 0.0], [0.0, 1.0, -1.0]]),
        np.array([0.0, -1.0]),
    )
    W, X, b = fair_variant(seed, (2, 3), draw, fair, book=lambda: book)
    Z = pre_activations(W, X, b)
    return Exercise(
        key="ch02.transpose",
        title="The same layer, batch-first",
        question=(
            "In the library a layer's weights are stored batch-first: $W$ has one row per input "
            f"and one column per output, here $W = {_bmatrix(W)}$, with "
            f"$\\mathbf b = {vector(b)}$. Two samples are the rows of $X = {_bmatrix(X)}$. "
            "Compute the pre-activations $Z = X W + \\mathbf b$ ($\\mathbf b$ added to each row). "
            "Give the four entries row by row: sample 1's two values, then sample 2's."
        ),
        prompt="Z₁₁, Z₁₂, Z₂₁, Z₂₂ =",
        answer=tuple(float(v) for v in Z.ravel()),
        rtol=1e-9,
        atol=1e-9,
        hints=(
            "Z has one row per sample and one column per output unit: shape (2, 2).",
            "Z[n, j] = Σᵢ X[n, i]·W[i, j] + b[j]: row n of X dotted with column j of W.",
        ),
        solution=(
            f"$Z = X W + \\mathbf b = {_bmatrix(Z)}$. Row $n$ of $Z$ is the column form's "
            "$A \\mathbf u + \\mathbf b$ for $\\mathbf u$ = sample $n$, written as a row, with "
            f"$A = W^\\top = {_bmatrix(W.T)}$: column $j$ of $W$ is row $j$ of $A$."
        ),
        params={"W": W.tolist(), "X": X.tolist(), "b": b.tolist()},
    )


@register("ch02.loss-sum")
def loss_sum(seed: int) -> Exercise:
    r"""The toy model's loss over three points, $L = \sum_i (f[x_i, \phi] - y_i)^2$, and the mean $L/3$."""

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        beta = _choice(rng, [-0.5, 0.0, 0.5], 4)
        omega = _choice(rng, [-1.5, -1.0, -0.5, 0.5, 1.0, 1.5], 4)
        x = np.sort(rng.choice([-1.0, -0.5, 0.0, 0.5, 1.0], size=3, replace=False))
        return beta, omega, x, _choice(rng, [-1.0, -0.5, 0.0, 0.5, 1.0], 3)

    def fair(c: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]) -> bool:
        beta, omega, x, y = c
        return bool(np.all(np.abs(ToyModel(beta, omega)(x) - y) > 0.1))  # every point counts

    book = (
        np.array([0.5, -0.5, 0.0, 0.5]),
        np.array([1.0, 1.0, 1.5, 1.0]),
        np.array([-1.0, 0.0, 1.0]),
        np.array([1.0, 0.5, 0.0]),
    )
    beta, omega, x, y = fair_variant(seed, (2, 4), draw, fair, book=lambda: book)
    model = ToyModel(beta, omega)
    r = model(x) - y
    L = model.loss(x, y)
    pts = ", ".join(f"$({xi:g}, {yi:g})$" for xi, yi in zip(x, y, strict=True))
    return Exercise(
        key="ch02.loss-sum",
        title="A loss summed over three points",
        question=(
            "The toy model $f[x, \\phi] = \\beta_3 + \\omega_3 \\cos(\\beta_2 + \\omega_2 "
            "\\exp(\\beta_1 + \\omega_1 \\sin(\\beta_0 + \\omega_0 x)))$ has "
            f"$\\beta = {vector(beta)}$ and $\\omega = {vector(omega)}$. The data are the three "
            f"points $(x_i, y_i)$: {pts}. Give the loss $L = \\sum_i (f[x_i, \\phi] - y_i)^2$, "
            "then the mean squared error $L/3$ (two numbers, to at least 4 significant digits)."
        ),
        prompt="L, L/3 =",
        answer=(L, L / 3),
        rtol=1e-3,
        atol=1e-6,
        hints=(
            "Run one forward pass per point to get the three outputs f[xᵢ, φ].",
            f"The residuals f[xᵢ, φ] − yᵢ are {vector(np.round(r, 4))}; square them and add.",
        ),
        solution=(
            f"The outputs are $f[x_i, \\phi] = {vector(np.round(model(x), 4))}$, the residuals "
            f"$f[x_i, \\phi] - y_i = {vector(np.round(r, 4))}$, and their squares "
            f"$\\ell_i = {vector(np.round(r * r, 4))}$. So $L = \\sum_i \\ell_i = {L:.4f}$ and the "
            f"mean squared error is $L/3 = {L / 3:.4f}$. The two differ only by the constant "
            "factor $1/3$, so they have the same minimiser."
        ),
        params={"beta": beta.tolist(), "omega": omega.tolist(), "x": x.tolist(), "y": y.tolist()},
    )
