"""Exercises of chapter 1, the chain rule. Each ``make(seed)`` returns one variant."""

from __future__ import annotations

import numpy as np

from ..exercises import Exercise, register, vector
from ._format import coef


def _nonzero_int(rng: np.random.Generator, lo: int, hi: int) -> int:
    while True:
        v = int(rng.integers(lo, hi + 1))
        if v != 0:
            return v


@register("ch01.composite")
def composite(seed: int) -> Exercise:
    r"""$\frac{d}{dx}\sin(a x^2)$ at $x_0$: outer derivative times inner derivative."""
    rng = np.random.default_rng([1, 1, seed])
    while True:
        a = 1 if seed == 0 else _nonzero_int(rng, -3, 3)
        x0 = 1.5 if seed == 0 else float(rng.integers(2, 16)) / 10 * rng.choice([-1, 1])
        answer = 2 * a * x0 * np.cos(a * x0**2)
        if abs(answer) > 0.05:  # not a near-zero (degenerate) slope
            break
        seed += 1000
    return Exercise(
        key="ch01.composite",
        question=(
            f"Let $h(x) = \\sin({coef(a)} x^2)$. Use the chain rule to find $h'(x)$ at "
            f"$x_0 = {x0:g}$. Give at least 4 significant digits."
        ),
        prompt=f"h'({x0:g}) =",
        answer=(answer,),
        hints=(
            f"The outer function is sin(v) with v = {coef(a)}x²; its derivative is cos(v).",
            f"The inner derivative is dv/dx = {coef(2 * a)}x. Multiply the two at x = {x0:g}.",
        ),
        solution=(
            f"$h'(x) = \\cos({coef(a)} x^2) \\cdot {coef(2 * a)} x$, so "
            f"$h'({x0:g}) = \\cos({a * x0**2:g}) \\cdot {2 * a * x0:g} = {answer:.6g}$."
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
        # exp(s) and cos(z) are both about 1, and an answer missing either still checks).
        while abs(np.cos(w * x0 + b)) < 0.1 or abs(np.sin(w * x0 + b)) < 0.1:
            x0 += 0.1
    z = w * x0 + b
    answer = np.exp(np.sin(z)) * np.cos(z) * w
    return Exercise(
        key="ch01.three-links",
        question=(
            f"Let $y = \\exp(s)$, $s = \\sin(z)$, $z = {w:g} x + ({b:g})$. Find $dy/dx$ at "
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
            f"$dy/dx = e^s \\cos z \\cdot {w:g} = {np.exp(np.sin(z)):.6g} \\times "
            f"{np.cos(z):.6g} \\times {w:g} = {answer:.6g}$."
        ),
        params={"w": w, "b": b, "x0": x0},
    )


@register("ch01.gradient")
def gradient(seed: int) -> Exercise:
    r"""$f(u) = \lVert A u + b \rVert^2$: $\nabla_u f = A^\top\, 2(Au + b)$, a sum over the $v_j$."""
    rng = np.random.default_rng([1, 3, seed])
    while True:
        if seed == 0:
            A = np.array([[1.0, 2.0], [0.0, -1.0]])
            b = np.array([1.0, 0.0])
            u = np.array([1.0, 1.0])
        else:
            A = rng.integers(-3, 4, size=(2, 2)).astype(float)
            b = rng.integers(-2, 3, size=2).astype(float)
            u = rng.integers(-2, 3, size=2).astype(float)
        v = A @ u + b
        grad = A.T @ (2 * v)
        if np.all(grad != 0) and abs(np.linalg.det(A)) > 0.5:
            break
        seed += 1000
    return Exercise(
        key="ch01.gradient",
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
