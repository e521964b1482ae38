"""Exercises of chapter 1, the chain rule. Each ``make(seed)`` returns one variant."""

from __future__ import annotations

from itertools import accumulate, repeat

import numpy as np

from ..exercises import Exercise, register, vector
from ._fair import fair_variant, first_fair
from ._format import coef, linear, paren


def _nonzero_int(rng: np.random.Generator, lo: int, hi: int) -> int:
    return first_fair(
        lambda: int(rng.integers(lo, hi + 1)), lambda v: v != 0, what="a non-zero int"
    )


@register("ch01.composite")
def composite(seed: int) -> Exercise:
    r"""$\frac{d}{dx}\sin(a x^2)$ at $x_0$: outer derivative times inner derivative."""

    def draw(rng: np.random.Generator) -> tuple[int, float]:
        a = _nonzero_int(rng, -3, 3)
        return a, float(rng.integers(2, 16)) / 10 * rng.choice([-1, 1])

    def slope(a: int, x0: float) -> float:
        return 2 * a * x0 * np.cos(a * x0**2)

    a, x0 = fair_variant(
        seed,
        (1, 1),
        draw,
        lambda c: abs(slope(*c)) > 0.05,  # not a near-zero (degenerate) slope
        book=lambda: (2, 1.5),  # not sin(x^2): the chapter works that one out
    )
    answer = slope(a, x0)
    return Exercise(
        key="ch01.composite",
        title="A composite function",
        question=(
            f"Let $h(x) = \\sin({linear((a, 'x^2'))})$. Use the chain rule to find $h'(x)$ at "
            f"$x_0 = {x0:g}$. Give at least 4 significant digits."
        ),
        prompt=f"h'({x0:g}) =",
        answer=(answer,),
        hints=(
            f"The outer function is sin(v) with v = {coef(a)}x²; its derivative is cos(v).",
            f"The inner derivative is dv/dx = {coef(2 * a)}x. Multiply the two at x = {x0:g}.",
        ),
        solution=(
            f"$h'(x) = \\cos({linear((a, 'x^2'))}) \\cdot {paren(linear((2 * a, 'x')))}$, so "
            f"$h'({x0:g}) = \\cos({a * x0**2:g}) \\cdot {paren(2 * a * x0)} = {answer:.6g}$."
        ),
        params={"a": a, "x0": x0},
    )


@register("ch01.three-links")
def three_links(seed: int) -> Exercise:
    r"""$y = \exp(\sin(w x + b))$: the derivative $dy/dx$ is a product of three local slopes."""
    rng = np.random.default_rng([1, 2, seed])
    if seed == 0:
        w, b, x0 = 2.0, -1.0, 0.9  # z = 0.8: no factor is 1, so leaving one out shows
    else:
        w = float(_nonzero_int(rng, -3, 3))
        b = float(rng.integers(-2, 3))
        x0 = float(rng.integers(-10, 11)) / 10
        # Keep cos(w x0 + b) away from 0 (a zero answer) and sin(w x0 + b) away from 0 (then
        # exp(s) and cos(z) are both about 1, and an answer missing either still checks):
        # step x0 right by 0.1 until both are.
        steps = accumulate(repeat(0.1), initial=x0)
        x0 = first_fair(
            lambda: next(steps),
            lambda x: abs(np.cos(w * x + b)) >= 0.1 and abs(np.sin(w * x + b)) >= 0.1,
            what=f"ch01.three-links seed {seed}",
        )
    z = w * x0 + b
    answer = np.exp(np.sin(z)) * np.cos(z) * w
    return Exercise(
        key="ch01.three-links",
        title="Three links",
        question=(
            f"Let $y = \\exp(s)$, $s = \\sin(z)$, $z = {linear((w, 'x'), const=b)}$. Find $dy/dx$ at "
            f"$x = {x0:g}$ as the product $\\frac{{dy}}{{ds}} \\frac{{ds}}{{dz}} \\frac{{dz}}{{dx}}$."
        ),
        prompt=f"dy/dx at x = {x0:g} is",
        answer=(answer,),
        hints=(
            f"First the forward pass: z = {z:g}, then s = sin z, y = exp(s).",
            f"The local slopes are dy/ds = exp(s), ds/dz = cos z and dz/dx = {w:g}.",
        ),
        solution=(
            f"$z = {z:g}$, $s = \\sin z = {np.sin(z):.6g}$, $y = e^s = {np.exp(np.sin(z)):.6g}$; "
            f"$dy/dx = e^s \\cos z \\cdot {paren(w)} = {np.exp(np.sin(z)):.6g} \\times "
            f"{paren(np.cos(z), '.6g')} \\times {paren(w)} = {answer:.6g}$."
        ),
        params={"w": w, "b": b, "x0": x0},
    )


@register("ch01.gradient")
def gradient(seed: int) -> Exercise:
    r"""$f(u) = \lVert A u + b \rVert^2$: $\nabla_u f = A^\top\, 2(Au + b)$, a sum over the $v_j$."""

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        A = rng.integers(-3, 4, size=(2, 2)).astype(float)
        b = rng.integers(-2, 3, size=2).astype(float)
        return A, b, rng.integers(-2, 3, size=2).astype(float)

    def fair(c: tuple[np.ndarray, np.ndarray, np.ndarray]) -> bool:
        A, b, u = c
        return bool(np.all(A.T @ (2 * (A @ u + b)) != 0) and abs(np.linalg.det(A)) > 0.5)

    book = (np.array([[1.0, 2.0], [0.0, -1.0]]), np.array([1.0, 0.0]), np.array([1.0, 1.0]))
    A, b, u = fair_variant(seed, (1, 3), draw, fair, book=lambda: book)
    v = A @ u + b
    grad = A.T @ (2 * v)
    return Exercise(
        key="ch01.gradient",
        title="A gradient through a linear map",
        question=(
            "Let $v = A u + b$ with "
            f"$A = \\begin{{bmatrix}} {A[0, 0]:g} & {A[0, 1]:g} \\\\ {A[1, 0]:g} & {A[1, 1]:g}"
            f" \\end{{bmatrix}}$, $b = {vector(b)}$, and $f(v) = v_1^2 + v_2^2$. "
            f"Find the gradient $\\nabla_u f$ at $u = {vector(u)}$ (two numbers, "
            "comma-separated)."
        ),
        prompt=f"∇f at u = {vector(u)} is",
        answer=tuple(grad),
        rtol=1e-6,
        hints=(
            f"Forward first: v = Au + b = {vector(v)}, and ∂f/∂v_j = 2 v_j.",
            "∂f/∂u_i = Σ_j (∂f/∂v_j) A_ji: a sum over every v_j that u_i affects, "
            "which is the matrix product Aᵀ (2v).",
        ),
        solution=(
            f"$v = {vector(v)}$, $\\partial f/\\partial v = {vector(2 * v)}$, and "
            f"$\\nabla_u f = A^\\top (2v) = {vector(grad)}$."
        ),
        params={"A": A.tolist(), "b": b.tolist(), "u": u.tolist()},
    )
