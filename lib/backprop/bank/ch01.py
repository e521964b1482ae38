"""Exercises of chapter 1, the chain rule. Each ``make(seed)`` returns one variant."""

from __future__ import annotations

from itertools import accumulate, repeat
from typing import TYPE_CHECKING

import numpy as np

from ..exercises import (
    CodeExercise,
    CodeTest,
    Exercise,
    FormulaExercise,
    expect_all,
    register,
    vector,
)
from ..gradcheck import numerical_gradient
from ._fair import fair_variant, first_fair
from ._format import coef, linear, paren

if TYPE_CHECKING:
    from ..exercises.formula import Variable


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


# ---- code: the chain's backward pass -----------------------------------------------------

CHAIN_TEMPLATE = '''def chain_gradients(x, w, b):
    """The backward pass of y = exp(sin(w x + b)), for every entry of x at once.

    x:    an array of inputs (any shape); w and b: numbers.
    Forward:  z = w x + b,  s = sin(z),  y = exp(s).
    Returns   (dy_dx, dy_dw, dy_db), three arrays shaped like x: the derivatives of y
              with respect to x (entry by entry), w and b at each entry of x.
    """
    raise NotImplementedError
'''

CHAIN_REFERENCE = """def chain_gradients(x, w, b):
    # Forward pass: store every intermediate.
    z = w * x + b
    s = np.sin(z)
    # Backward pass: local derivative times upstream gradient (dy/dy = 1).
    dy_ds = np.exp(s)
    dy_dz = dy_ds * np.cos(z)
    # dz/dx = w, dz/dw = x and dz/db = 1 share the one upstream gradient dy/dz.
    return w * dy_dz, x * dy_dz, 1.0 * dy_dz
"""


def _chain(x: np.ndarray, w: float, b: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    z = w * x + b
    dy_dz = np.exp(np.sin(z)) * np.cos(z)
    return w * dy_dz, x * dy_dz, dy_dz


def _chain_numeric(x: np.ndarray, w: float, b: float) -> tuple[np.ndarray, ...]:
    """dy/dx, dy/dw, dy/db by central differences, one entry of x at a time."""

    def y(v: np.ndarray) -> float:
        return float(np.exp(np.sin(v[1] * v[0] + v[2])))

    grads = np.array([numerical_gradient(y, np.array([xi, w, b])) for xi in x.ravel()])
    return tuple(grads[:, j].reshape(x.shape) for j in range(3))


@register("ch01.chain-code")
def chain_code(seed: int) -> CodeExercise:
    r"""Code: the backward pass of $y = \exp(\sin(w x + b))$, giving $dy/dx$, $dy/dw$ and
    $dy/db$ from one upstream gradient $dy/dz$; checked against the library's chain rule
    and central differences."""
    rng = np.random.default_rng([1, 4, seed])

    def weight() -> float:
        return float(_nonzero_int(rng, -20, 20)) / 10

    book = (np.array([0.4]), 1.5, 0.5)  # the chapter's numbers
    batch = (rng.integers(-15, 16, size=(2, 3)) / 10, weight(), float(rng.integers(-10, 11)) / 10)
    flat = (rng.integers(-15, 16, size=(1, 4)) / 10, 0.0, float(rng.integers(5, 16)) / 10)
    bias = (rng.integers(-15, 16, size=(3, 1)) / 10, weight(), float(rng.choice([-2.5, 2.0, 3.5])))
    check = (rng.integers(-20, 21, size=(2, 2)) / 10, weight(), float(rng.integers(-10, 11)) / 10)
    names = ("dy_dx", "dy_dw", "dy_db")
    tests = (
        CodeTest(
            "the chapter's point: x = 0.4, w = 1.5, b = 0.5", book, expect_all(_chain(*book), names)
        ),
        CodeTest("six inputs at once: x of shape (2, 3)", batch, expect_all(_chain(*batch), names)),
        CodeTest(
            "w = 0: then y does not depend on x, and dy/dx = 0",
            flat,
            expect_all(_chain(*flat), names),
        ),
        CodeTest(
            f"a bias other than 1 (b = {bias[2]:g}): dz/db is still 1",
            bias,
            expect_all(_chain(*bias), names),
        ),
        CodeTest(
            "gradient check: all three against central differences",
            check,
            expect_all(_chain_numeric(*check), names, rtol=1e-6, atol=1e-8),
        ),
    )
    return CodeExercise(
        key="ch01.chain-code",
        title="The chain's backward pass, in code",
        question=(
            "Write the backward pass of the chain $z = w x + b$, $s = \\sin z$, $y = \\exp s$ "
            "as a function. `chain_gradients(x, w, b)` gets an array `x` of inputs (any shape) "
            "and two numbers `w` and `b`, and returns the three derivatives "
            "$dy/dx$, $dy/dw$ and $dy/db$, each an array shaped like `x`. Compute the upstream "
            "gradient $dy/dz$ once and reuse it for all three."
        ),
        function="chain_gradients",
        arguments=("x", "w", "b"),
        template=CHAIN_TEMPLATE,
        reference=CHAIN_REFERENCE,
        tests=tests,
        hints=(
            "Forward first: z = w * x + b and s = np.sin(z), entry by entry. Then "
            "dy/ds = exp(s) and dy/dz = cos(z) · dy/ds.",
            "z = wx + b, so dz/dx = w, dz/dw = x and dz/db = 1 (whatever b is): multiply "
            "each by dy/dz. Return the three arrays as a tuple.",
        ),
        solution=(
            "```python\n" + CHAIN_REFERENCE + "```\n\n"
            "The forward pass stores $z$ and $s$. Walking back, each step multiplies the "
            "upstream gradient by a local derivative: $dy/ds = e^s$, then "
            "$dy/dz = \\cos z \\cdot dy/ds$. The last link $z = wx + b$ has three inputs, and "
            "its local derivatives are $w$, $x$ and $1$, so one upstream gradient $dy/dz$ gives "
            "all three derivatives. numpy works entry by entry, so the same lines handle one "
            "input or a whole array, and `w * dy_dz` is shaped like `x`."
        ),
        params={"seed": seed},
    )


# ---- formula: the derivative of a composite ----------------------------------------------

#: Outer functions g: (name, LaTeX of g(u), g' as typed, LaTeX of g'(u), g' in words).
_OUTER = (
    ("sigma", r"\sigma({u})", "sigma'", r"\sigma'({u})", "σ′(u) = σ(u)(1 − σ(u))"),
    ("tanh", r"\tanh({u})", "tanh'", r"\tanh'({u})", "tanh′(u) = 1 − tanh²(u)"),
    ("sin", r"\sin({u})", "cos", r"\cos({u})", "sin′(u) = cos(u)"),
    ("exp", r"\exp({u})", "exp", r"\exp({u})", "exp′(u) = exp(u)"),
)
#: Inner functions u: (typed, LaTeX, plain, du/dx typed, du/dx LaTeX, du/dw typed, du/dw LaTeX).
_INNER = (
    ("w*x + b", "w x + b", "wx + b", "w", "w", "x", "x"),
    ("w*x^2 + b", "w x^2 + b", "wx² + b", "2*w*x", "2 w x", "x^2", "x^2"),
    ("w*sin(x) + b", r"w \sin x + b", "w sin x + b", "w*cos(x)", r"w \cos x", "sin(x)", r"\sin x"),
)


def _variables_xwb() -> tuple[Variable, ...]:
    from ..exercises.formula import Variable

    return (
        Variable("x", "x", (), -2.0, 2.0),
        Variable("w", "w", (), -2.0, 2.0),
        Variable("b", "b", (), -1.0, 1.0),
    )


@register("ch01.derivative-formula")
def derivative_formula(seed: int) -> FormulaExercise:
    r"""A formula: $\frac{\partial}{\partial x} g(u(x, w, b))$ (or $\partial/\partial w$) is
    $g'(u)$, at the inner value, times the inner derivative. Seed 0: $\sigma(wx + b)$ by $x$."""
    # Every (outer, inner, by) but the book's is another seed's: a variant handed out is
    # never the one the book works.
    choices = [(g, u, by) for g in _OUTER for u in _INNER for by in ("x", "w")]
    rng = np.random.default_rng([1, 5, seed])
    outer, inner, by = choices[0 if seed == 0 else 1 + int(rng.integers(len(choices) - 1))]
    name, g_tex, dg, dg_tex, dg_rule = outer
    u, u_tex, u_plain, du_dx, du_dx_tex, du_dw, du_dw_tex = inner
    du, du_tex = (du_dx, du_dx_tex) if by == "x" else (du_dw, du_dw_tex)
    formula = f"{dg}({u})*{du}" if " " not in du and "*" not in du else f"{dg}({u})*({du})"
    y_tex = g_tex.format(u=u_tex)
    typing = {
        "sigma": "Type σ as sigma; you may write its derivative as sigma'(…) or as "
        "sigma(…)*(1 - sigma(…)).",
        "tanh": "Type tanh as tanh; you may write its derivative as tanh'(…) or as 1 - tanh(…)^2.",
        "sin": "Type the functions as sin and cos.",
        "exp": "Type the exponential as exp(…).",
    }[name]
    defined = r" with $\sigma(z) = 1/(1 + e^{-z})$" if name == "sigma" else ""
    return FormulaExercise(
        key="ch01.derivative-formula",
        title="A derivative as a formula",
        question=(
            f"Let $y = {y_tex}${defined}. Use the chain rule to write "
            f"$\\partial y / \\partial {by}$ as a formula in $x$, $w$ and $b$. {typing}"
        ),
        prompt=f"∂y/∂{by} =",
        formula=formula,
        variables=_variables_xwb(),
        hints=(
            f"The outer function is {name}, applied to the inner value u = {u_plain}. Its "
            f"derivative, {dg_rule}, is evaluated at u, not at {by}.",
            f"Then multiply by the inner derivative ∂u/∂{by}.",
        ),
        solution=(
            f"With $u = {u_tex}$, the outer derivative is evaluated at the inner value and "
            f"multiplied by the inner derivative $\\partial u / \\partial {by} = {du_tex}$: "
            f"$\\frac{{\\partial y}}{{\\partial {by}}} = {dg_tex.format(u=u_tex)} \\cdot "
            f"{du_tex if ' ' not in du_tex else '(' + du_tex + ')'}$. Typed: `{formula}`."
        ),
        params={"outer": name, "inner": u, "by": by},
    )
