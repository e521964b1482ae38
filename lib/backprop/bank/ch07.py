r"""Exercises of chapter 7, "Backpropagation is reverse-mode automatic differentiation".

The gate patterns of a computational graph (add distributes the upstream gradient,
multiply swaps its inputs, max routes it, a fork sums), forward mode as one
Jacobian-vector product, and the cost of a gradient counted in forward passes. Answers
come from the engine :mod:`backprop.autodiff` and from :class:`backprop.Network`.
Each ``make(seed)`` returns one variant; seed 0 is the book's.
"""

from __future__ import annotations

import numpy as np

from ..autodiff import values
from ..exercises import Exercise, register
from ..network import Network
from ._fair import fair_variant
from ._format import clean, linear, paren, tenths


def _gates(x: float, y: float, z: float) -> tuple[float, float, float, float]:
    """f = (x + y) max(y, z): the value and the gradients (engine)."""
    vx, vy, vz = values([x, y, z])
    f = (vx + vy) * vy.max(vz)
    f.backward()
    return f.data, clean(vx.grad), clean(vy.grad), clean(vz.grad)


@register("ch07.gates")
def gates(seed: int) -> Exercise:
    r"""$\partial f/\partial y$ for $f = (x + y)\max(y, z)$ with $y > z$: a fork whose two
    paths (through the add and through the max) both carry gradient."""

    def fair(c: np.ndarray) -> bool:
        x, y, z = c
        _, _, dy, _ = _gates(x, y, z)
        return bool(y > z + 0.2 and abs(x + y) > 0.2 and abs(dy) > 0.1 and abs(dy - y) > 0.1)

    x, y, z = fair_variant(
        seed,
        (71, 1),
        lambda rng: tenths(rng, 3, -30, 30),
        fair,
        book=lambda: np.array([1.0, 2.0, 0.5]),
    )
    f, _, dy, _ = _gates(x, y, z)
    return Exercise(
        key="ch07.gates",
        title="A fork through add and max",
        question=(
            f"Let $f = (x + y)\\cdot\\max(y, z)$ at $x = {x:g}$, $y = {y:g}$, $z = {z:g}$. "
            "Draw its graph ($s = x + y$, $m = \\max(y, z)$, $f = s\\,m$), run the reverse "
            "sweep and find $\\partial f/\\partial y$."
        ),
        prompt="∂f/∂y =",
        answer=(dy,),
        hints=(
            "Multiply swaps: ∂f/∂s = m and ∂f/∂m = s.",
            "y feeds both s (add passes the gradient on unchanged) and m (max routes all of "
            "it to the larger input): add the two contributions.",
        ),
        solution=(
            f"$s = {x + y:g}$, $m = \\max({y:g}, {z:g}) = {y:g}$. Multiply swaps: "
            f"$\\bar s = m = {y:g}$, $\\bar m = s = {x + y:g}$. The add passes $\\bar s$ to $y$, "
            f"the max routes $\\bar m$ to $y$ (the larger input), so "
            f"$\\partial f/\\partial y = {y:g} + {paren(x + y)} = {dy:g}$."
        ),
        params={"x": float(x), "y": float(y), "z": float(z)},
    )


def _fork(a: float, b: float) -> tuple[float, float]:
    """f = a b sin(a) + b: the gradients (engine)."""
    va, vb = values([a, b])
    f = va * vb * va.sin() + vb
    f.backward()
    return va.grad, vb.grad


@register("ch07.fork")
def fork(seed: int) -> Exercise:
    r"""$\partial f/\partial a$ for $f = a\,b\,\sin a + b$: $a$ is used twice, its
    gradient is the sum $b \sin a + a b \cos a$."""

    def fair(c: np.ndarray) -> bool:
        a, b = c
        da, _ = _fork(a, b)
        return bool(abs(da) > 0.05 and abs(b * np.sin(a)) > 0.05 and abs(a * b * np.cos(a)) > 0.05)

    a, b = fair_variant(
        seed, (71, 2), lambda rng: tenths(rng, 2, -20, 20), fair, book=lambda: np.array([1.2, 0.5])
    )
    da, _ = _fork(a, b)
    t1, t2 = b * np.sin(a), a * b * np.cos(a)
    return Exercise(
        key="ch07.fork",
        title="A value used twice",
        question=(
            f"Let $p = a\\,b$, $q = \\sin a$ and $f = p\\,q + b$, at $a = {a:g}$ and $b = {b:g}$. "
            "The input $a$ feeds two nodes. Find $\\partial f/\\partial a$ (at least 4 "
            "significant digits)."
        ),
        prompt="∂f/∂a =",
        answer=(da,),
        hints=(
            "Multiply swaps: ∂f/∂p = q = sin a and ∂f/∂q = p = ab.",
            "a collects one term from each node it feeds: ∂f/∂a = b·(∂f/∂p) + cos a·(∂f/∂q).",
        ),
        solution=(
            f"Through $p$: $b \\sin a = {t1:.6g}$; through $q$: $\\cos a \\cdot a b = {t2:.6g}$. "
            f"The fork sums them: $\\partial f/\\partial a = {da:.6g}$."
        ),
        params={"a": float(a), "b": float(b)},
    )


@register("ch07.jvp")
def jvp(seed: int) -> Exercise:
    r"""One forward-mode pass: the directional derivative $\nabla f \cdot v$ of
    $f = x y + \sin x$ along $v = (v_x, v_y)$, as dual numbers carry it."""

    def answer(c: np.ndarray) -> float:
        x, y, vx, vy = c
        px, py = values([x, y])
        f = px * py + px.sin()
        f.backward()
        return clean(px.grad * vx + py.grad * vy)  # forward mode gives grad . v

    def draw(rng: np.random.Generator) -> np.ndarray:
        x, y = tenths(rng, 2, -20, 20)
        return np.array([x, y, *rng.integers(-2, 3, size=2).astype(float)])

    def fair(c: np.ndarray) -> bool:
        return bool(c[2] != 0 and c[3] != 0 and abs(answer(c)) > 0.05)

    x, y, vx, vy = fair_variant(
        seed, (71, 3), draw, fair, book=lambda: np.array([0.5, 2.0, 1.0, -1.0])
    )
    jv = answer(np.array([x, y, vx, vy]))
    eps = "\\varepsilon"
    dual_x = linear((vx, eps), const=x, const_first=True)
    dual_y = linear((vy, eps), const=y, const_first=True)
    return Exercise(
        key="ch07.jvp",
        title="One forward-mode pass",
        question=(
            f"Run $f = x y + \\sin x$ on dual numbers: "
            f"$x = {dual_x}$ and "
            f"$y = {dual_y}$ (with $\\varepsilon^2 = 0$). What is the "
            "$\\varepsilon$ part of $f$, the derivative of $f$ along the direction "
            f"$v = ({vx:g}, {vy:g})$?"
        ),
        prompt="ε part of f =",
        answer=(jv,),
        hints=(
            "(a + a′ε)(b + b′ε) = ab + (a′b + ab′)ε, and sin(a + a′ε) = sin a + a′ cos a ε.",
            "The ε part is ∂f/∂x · v_x + ∂f/∂y · v_y, with ∂f/∂x = y + cos x and ∂f/∂y = x.",
        ),
        solution=(
            f"The $\\varepsilon$ part of $x y$ is ${paren(vx)} \\cdot {paren(y)} + {paren(x)} "
            f"\\cdot {paren(vy)}$ and that of $\\sin x$ is ${paren(vx)} \\cos {paren(x)}$; "
            f"together ${jv:.6g}$, which is $\\nabla f \\cdot v$."
        ),
        params={"x": float(x), "y": float(y), "v": [float(vx), float(vy)]},
    )


@register("ch07.cost")
def cost(seed: int) -> Exercise:
    r"""Central differences need $2P$ forward passes for a gradient of $P$ parameters;
    one backward pass (about one more forward pass's work) gives all $P$."""

    def draw(rng: np.random.Generator) -> tuple[int, int, int]:
        return int(rng.integers(2, 11)), int(rng.integers(2, 21)), int(rng.integers(1, 6))

    sizes = fair_variant(seed, (71, 4), draw, lambda c: True, book=lambda: (4, 8, 3))
    P = Network.random(list(sizes), "sigmoid").n_params
    n0, n1, n2 = sizes
    return Exercise(
        key="ch07.cost",
        title="Forward passes for one gradient",
        question=(
            f"A fully connected network has {n0} inputs, {n1} hidden units and {n2} outputs "
            "(weights and biases in both layers). How many forward passes does the central "
            "difference $\\big(L(\\theta + h e_i) - L(\\theta - h e_i)\\big)/2h$ need to "
            "estimate the whole gradient of the loss?"
        ),
        prompt="forward passes =",
        answer=(2 * P,),
        rtol=0.0,
        atol=0.5,
        hints=(
            "Count the parameters: each layer has n_in · n_out weights and n_out biases.",
            "Each parameter needs two forward passes, one at θ + h eᵢ and one at θ − h eᵢ.",
        ),
        solution=(
            f"$P = {n0}\\cdot{n1} + {n1} + {n1}\\cdot{n2} + {n2} = {P}$ parameters, two passes "
            f"each: ${2 * P}$ forward passes. Reverse mode gets all {P} partial derivatives "
            "from one forward and one backward pass."
        ),
        params={"sizes": list(sizes)},
    )
