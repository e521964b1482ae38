r"""Exercises of chapter 5, gradient descent: $\theta \leftarrow \theta - \eta\,\partial L/\partial\theta$.

Each ``make(seed)`` returns one variant; seed 0 is the book's. Answers come from
:meth:`backprop.Network.backward`, :func:`backprop.optim.sgd_step` and
:func:`backprop.optim.descent_path`.
"""

from __future__ import annotations

import numpy as np

from ..exercises import Exercise, register, vector
from ..network import Network
from ..optim import descent_path, sgd_step
from ._fair import fair_variant, first_fair
from ._format import clean, linear, paren, signed


@register("ch05.update-step")
def update_step(seed: int) -> Exercise:
    r"""One step of $w \leftarrow w - \eta\,\partial L/\partial w$ for $y = wx + b$, $L = \tfrac12 (y - t)^2$."""

    def draw(rng: np.random.Generator) -> tuple[float, float, float, float, float]:
        w = float(rng.integers(-10, 11)) / 10
        b = float(rng.integers(-5, 6)) / 10
        x = float(rng.integers(-3, 4))
        t = float(rng.integers(-3, 4))
        return w, b, x, t, float(rng.choice([0.05, 0.1, 0.2]))

    def fair(c: tuple[float, float, float, float, float]) -> bool:
        w, b, x, t, _ = c
        return x != 0 and abs(clean(w * x + b) - t) > 0.1  # a step that moves both parameters

    w, b, x, t, lr = fair_variant(seed, (5, 1), draw, fair, book=lambda: (0.5, 0.1, 2.0, 2.0, 0.1))
    y = clean(w * x + b)
    net = Network([[[w]]], [[b]], "identity")
    grads = net.gradients([[x]], [[t]], "half_sse")
    dw, db = clean(grads.dW[0][0, 0]), clean(grads.db[0][0])
    sgd_step(net, grads, lr)
    new = (clean(net.W[0][0, 0]), clean(net.b[0][0]))
    return Exercise(
        key="ch05.update-step",
        title="One update step by hand",
        question=(
            f"A single linear unit $y = w x + b$ has $w = {w:g}$ and $b = {b:g}$. On the sample "
            f"$x = {x:g}$ with target $t = {t:g}$ the loss is $L = \\tfrac12 (y - t)^2$. Take one "
            f"gradient-descent step with learning rate $\\eta = {lr:g}$: give the new $w$ and the "
            "new $b$ (two numbers, comma-separated)."
        ),
        prompt="new w, new b =",
        answer=new,
        rtol=1e-6,
        atol=1e-9,
        hints=(
            f"Forward: y = {y + 0.0:g}, so ∂L/∂y = y − t = {y - t:g}.",
            f"∂L/∂w = (y − t)·x and ∂L/∂b = (y − t)·1. Then w − {lr:g}·∂L/∂w and b − {lr:g}·∂L/∂b.",
        ),
        solution=(
            f"$y = {paren(w)} \\cdot {paren(x)} {signed(b)} = {y + 0.0:g}$, so $\\partial L/\\partial y = {y - t:g}$, "
            f"$\\partial L/\\partial w = {y - t + 0.0:g} \\cdot {paren(x)} = {dw:g}$ and "
            f"$\\partial L/\\partial b = {db:g}$. The step gives "
            f"$w = {w:g} - {lr:g} \\cdot ({dw + 0.0:g}) = {new[0] + 0.0:g}$ and "
            f"$b = {b:g} - {lr:g} \\cdot ({db + 0.0:g}) = {new[1] + 0.0:g}$."
        ),
        params={"w": w, "b": b, "x": x, "t": t, "lr": lr},
    )


@register("ch05.steepest")
def steepest(seed: int) -> Exercise:
    r"""The unit vector of steepest descent $-\nabla f / \lVert \nabla f \rVert$ for $f = a u^2 + c v^2$."""
    rng = np.random.default_rng([5, 2, seed])
    if seed == 0:
        a, c, p = 1.0, 2.0, np.array([1.5, -1.0])
    else:
        a, c = float(rng.integers(1, 4)), float(rng.integers(1, 4))
        p = first_fair(
            lambda: rng.integers(-4, 5, size=2) / 2,
            lambda p: bool(np.all(p != 0)),  # both partial derivatives non-zero
            what=f"ch05.steepest seed {seed}",
        )
    g = np.array([2 * a * p[0], 2 * c * p[1]])
    unit = -g / np.linalg.norm(g)
    slope = float(-np.linalg.norm(g))
    return Exercise(
        key="ch05.steepest",
        title="The direction of steepest descent",
        question=(
            f"Let $f(u, v) = {linear((a, 'u^2'), (c, 'v^2'))}$. At the point $(u, v) = {vector(p)}$, in "
            "which direction does $f$ fall fastest? Give the unit vector "
            "(two numbers, comma-separated, to at least 3 significant digits)."
        ),
        prompt="unit vector =",
        answer=tuple(unit),
        rtol=1e-3,
        atol=1e-4,
        hints=(
            f"∇f = (2·{a:g}·u, 2·{c:g}·v); evaluate it at {vector(p)}.",
            "Steepest descent is −∇f; divide it by its length ‖∇f‖ to make it a unit vector.",
        ),
        solution=(
            f"$\\nabla f = {vector(g)}$ with length $\\lVert \\nabla f \\rVert = {-slope:.4g}$, so "
            f"the direction of steepest descent is $-\\nabla f / \\lVert \\nabla f \\rVert = "
            f"({unit[0]:.4f}, {unit[1]:.4f})$. Along it $f$ falls at the rate "
            f"$\\lVert \\nabla f \\rVert = {-slope:.4g}$ per unit step, faster than along any "
            "other unit vector."
        ),
        params={"a": a, "c": c, "p": p.tolist()},
    )


@register("ch05.overshoot")
def overshoot(seed: int) -> Exercise:
    r"""Two steps on $f(w) = a w^2$: $w_{n+1} = (1 - 2 a \eta)\, w_n$, which diverges when $\eta > 1/a$."""

    def draw(rng: np.random.Generator) -> tuple[float, float, float]:
        a = float(rng.integers(1, 4))
        w0 = float(rng.choice([-2.0, -1.0, 1.0, 2.0]))
        return a, w0, float(rng.integers(1, 16)) / 10

    def factor_of(a: float, lr: float) -> float:
        return clean(1 - 2 * a * lr)

    def fair(c: tuple[float, float, float]) -> bool:
        f = factor_of(c[0], c[2])
        return abs(f) > 0.05 and abs(abs(f) - 1) > 0.05  # neither stuck nor cycling

    a, w0, lr = fair_variant(seed, (5, 3), draw, fair, book=lambda: (1.0, 1.0, 1.5))
    factor = factor_of(a, lr)
    path = descent_path(lambda w: 2 * a * w, [w0], lr, 2)
    w1, w2 = clean(path[1, 0]), clean(path[2, 0])
    fate = "diverges" if abs(factor) > 1 else "converges"
    limit = "1" if a == 1 else f"1/{a:g}"  # |1 - 2 a eta| > 1 exactly when eta > 1/a
    return Exercise(
        key="ch05.overshoot",
        title="Two steps on a parabola",
        question=(
            f"Run gradient descent on $f(w) = {linear((a, 'w^2'))}$ from $w_0 = {w0:g}$ with learning rate "
            f"$\\eta = {lr:g}$. Give $w_1$ and $w_2$ (two numbers, comma-separated)."
        ),
        prompt="w₁, w₂ =",
        answer=(w1, w2),
        rtol=1e-6,
        atol=1e-9,
        hints=(
            f"f'(w) = {2 * a:g}w, so each step is w ← w − {lr:g}·{2 * a:g}w = ({factor:g})·w.",
            "Apply that twice, starting from w₀.",
        ),
        solution=(
            f"$f'(w) = {2 * a:g} w$, so $w_{{n+1}} = w_n - {lr:g} \\cdot {2 * a:g} w_n = "
            f"{factor:g}\\, w_n$: $w_1 = {w1:g}$ and $w_2 = {w2:g}$. Since "
            f"$|{factor:g}| {'>' if abs(factor) > 1 else '<'} 1$, the run {fate}; on this parabola "
            f"it diverges exactly when $\\eta > {limit}$."
        ),
        params={"a": a, "w0": w0, "lr": lr},
    )
