r"""Exercises of chapter 3, the backward passes of the toy model
$f_k = \beta_k + \omega_k h_k$, $h_1 = \sin f_0$, $h_2 = \exp f_1$, $h_3 = \cos f_2$,
$\ell = (f_3 - y)^2$.

Pass #1: $\partial\ell/\partial f_3 = 2(f_3 - y)$, $\partial\ell/\partial h_k = \omega_k\,
\partial\ell/\partial f_k$, $\partial\ell/\partial f_{k-1} = g'(f_{k-1})\,\partial\ell/\partial h_k$.
Pass #2: $\partial\ell/\partial\beta_k = \partial\ell/\partial f_k$ and
$\partial\ell/\partial\omega_k = h_k\,\partial\ell/\partial f_k$, summed over the data points.

Each ``make(seed)`` returns one variant; seed 0 is the book's (the chapter's model at
other data points). Answers come from :meth:`backprop.ToyModel.backward`. The questions
show forward-pass values rounded to 4 decimals; every variant is drawn so that an answer
worked out from the rounded numbers is still marked correct.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..activations import tanh_derivative
from ..exercises import (
    BugExercise,
    CodeExercise,
    CodeTest,
    Exercise,
    FormulaExercise,
    expect,
    register,
)
from ..gradcheck import numerical_gradient
from ..toy_model import ToyGradients, ToyModel, ToyTrace
from ._fair import fair_variant
from ._format import paren
from ._listings import plant

if TYPE_CHECKING:
    from ..exercises.formula import Variable

#: The chapter's model: seed 0 of every exercise uses it.
BOOK_BETA = (0.3, -0.2, 0.1, 0.4)
BOOK_OMEGA = (1.2, 0.8, -0.5, 1.5)
RTOL, ATOL = 1e-3, 1e-3
#: Answers smaller than this are too close to zero to be a fair exercise.
SMALLEST = 0.1


def _d(v: float) -> str:
    """A forward-pass value as the question shows it: 4 decimals, no "-0.0000"."""
    return f"{float(np.round(v, 4)) + 0.0:.4f}"


def _shown(v: float) -> float:
    return float(_d(v))


def _draw_model(rng: np.random.Generator) -> ToyModel:
    beta = rng.integers(-10, 11, size=4) / 10
    omega = rng.choice([-1.0, 1.0], size=4) * rng.integers(5, 16, size=4) / 10
    return ToyModel(beta, omega)


def _draw(rng: np.random.Generator, n_points: int) -> tuple[ToyModel, np.ndarray, np.ndarray]:
    model = _draw_model(rng)
    x = rng.integers(-10, 11, size=n_points) / 10
    y = rng.integers(-15, 16, size=n_points) / 10
    return model, x, y


def _variant(
    seed: int,
    stream: int,
    n_points: int,
    book_x: tuple[float, ...],
    book_y: tuple[float, ...],
    answer_of: Callable[[ToyModel, ToyTrace, ToyGradients], np.ndarray],
    from_shown: Callable[[ToyModel, ToyTrace, ToyGradients, np.ndarray], np.ndarray],
    extra_ok: Callable[[ToyModel, ToyTrace, ToyGradients], bool] = lambda m, t, g: True,
) -> tuple[ToyModel, ToyTrace, ToyGradients, np.ndarray, np.ndarray]:
    """Draw until the answer is clearly non-zero and the rounded numbers give it too
    (each try reseeded: see :mod:`backprop.bank._fair`)."""

    def solve(c: tuple[ToyModel, np.ndarray, np.ndarray]) -> tuple[ToyTrace, ToyGradients, Any]:
        model, x, y = c
        trace = model.forward(x)
        grads = model.backward(trace, y)
        return trace, grads, np.asarray(answer_of(model, trace, grads), dtype=np.float64)

    def fair(c: tuple[ToyModel, np.ndarray, np.ndarray]) -> bool:
        model, x, y = c
        if n_points > 1 and len(set(x.tolist())) < n_points:
            return False
        trace, grads, answer = solve(c)
        if np.any(np.abs(answer) < SMALLEST) or not extra_ok(model, trace, grads):
            return False
        rough = from_shown(model, trace, grads, y)
        # The rounded numbers must land well inside the tolerance.
        return bool(np.all(np.abs(rough - answer) <= 0.5 * (ATOL + RTOL * np.abs(answer))))

    def book() -> tuple[ToyModel, np.ndarray, np.ndarray]:
        return ToyModel(BOOK_BETA, BOOK_OMEGA), np.array(book_x), np.array(book_y)

    candidate = fair_variant(
        seed, (3, stream), lambda rng: _draw(rng, n_points), fair, book=book, reseed=True
    )
    trace, grads, answer = solve(candidate)
    return candidate[0], trace, grads, answer, candidate[2]


def _params(model: ToyModel, x: np.ndarray, y: np.ndarray, **shown: Any) -> dict[str, Any]:
    return {
        "beta": model.beta.tolist(),
        "omega": model.omega.tolist(),
        "x": x.tolist(),
        "y": y.tolist(),
        "shown": shown,
    }


def _at(v: Any, i: int = 0) -> float:
    return float(np.ravel(v)[i])


@register("ch03.dl-df3")
def dl_df3(seed: int) -> Exercise:
    r"""The first step of pass #1: $f_3 = \beta_3 + \omega_3 h_3$, then
    $\partial\ell/\partial f_3 = 2(f_3 - y)$."""

    def from_shown(m: ToyModel, t: ToyTrace, g: ToyGradients, y: np.ndarray) -> np.ndarray:
        return np.array([2 * (m.beta[3] + m.omega[3] * _shown(_at(t.h[3])) - y[0])])

    model, trace, grads, answer, y = _variant(
        seed, 1, 1, (-0.4,), (0.5,), lambda m, t, g: np.array([_at(g.dl_df[3])]), from_shown
    )
    b3, w3, h3, t = model.beta[3], model.omega[3], _at(trace.h[3]), float(y[0])
    f3 = _at(trace.f[3])
    return Exercise(
        key="ch03.dl-df3",
        title="Where pass #1 starts",
        question=(
            f"The toy model has $\\beta_3 = {b3:g}$ and $\\omega_3 = {w3:g}$. On one data point "
            f"with target $y = {t:g}$, the forward pass stored $h_3 = {_d(h3)}$. Compute the "
            "output $f_3 = \\beta_3 + \\omega_3 h_3$ and then the first gradient of backward "
            "pass #1, $\\partial \\ell / \\partial f_3$, for the loss $\\ell = (f_3 - y)^2$ "
            "(one number, to 3 decimals)."
        ),
        prompt="∂ℓ/∂f₃ =",
        answer=answer,
        rtol=RTOL,
        atol=ATOL,
        hints=(
            f"f₃ = {b3:g} + ({w3:g})·{paren(_d(h3))}.",
            "ℓ = (f₃ − y)², so ∂ℓ/∂f₃ = 2(f₃ − y): the power rule, times the inner derivative 1.",
        ),
        solution=(
            f"$f_3 = {b3:g} + ({w3:g})({_d(h3)}) = {_d(f3)}$, so "
            f"$\\dfrac{{\\partial \\ell}}{{\\partial f_3}} = 2(f_3 - y) = "
            f"2({_d(f3)} - {paren(t)}) = {_d(answer[0])}$. It is "
            f"{'positive: the output is above' if answer[0] > 0 else 'negative: the output is below'}"
            " the target, so lowering $f_3$ lowers the loss."
        ),
        params=_params(model, trace.x.reshape(-1), y, h3=_shown(h3)),
    )


@register("ch03.dl-dh3")
def dl_dh3(seed: int) -> Exercise:
    r"""Two more steps of pass #1: $\partial\ell/\partial h_3 = \omega_3\,\partial\ell/\partial
    f_3$ and $\partial\ell/\partial f_2 = -\sin(f_2)\,\partial\ell/\partial h_3$."""

    def answer_of(m: ToyModel, t: ToyTrace, g: ToyGradients) -> np.ndarray:
        return np.array([_at(g.dl_dh[3]), _at(g.dl_df[2])])

    def from_shown(m: ToyModel, t: ToyTrace, g: ToyGradients, y: np.ndarray) -> np.ndarray:
        dh3 = m.omega[3] * 2 * (_shown(_at(t.f[3])) - y[0])
        return np.array([dh3, -np.sin(_shown(_at(t.f[2]))) * dh3])

    model, trace, grads, answer, y = _variant(seed, 2, 1, (-0.4,), (0.5,), answer_of, from_shown)
    w3, t = model.omega[3], float(y[0])
    f2, f3 = _at(trace.f[2]), _at(trace.f[3])
    df3 = _at(grads.dl_df[3])
    return Exercise(
        key="ch03.dl-dh3",
        title="Two steps back",
        question=(
            f"The toy model has $\\omega_3 = {w3:g}$. On one data point with target $y = {t:g}$, "
            f"the forward pass stored $f_2 = {_d(f2)}$, $h_3 = \\cos f_2$ and the output "
            f"$f_3 = {_d(f3)}$. Continue backward pass #1 for $\\ell = (f_3 - y)^2$: give "
            "$\\partial \\ell / \\partial h_3$ and then $\\partial \\ell / \\partial f_2$ "
            "(two numbers, comma-separated, to 3 decimals)."
        ),
        prompt="∂ℓ/∂h₃, ∂ℓ/∂f₂ =",
        answer=answer,
        rtol=RTOL,
        atol=ATOL,
        hints=(
            "Start with ∂ℓ/∂f₃ = 2(f₃ − y).",
            "f₃ = β₃ + ω₃h₃, so the local derivative ∂f₃/∂h₃ is ω₃; "
            "h₃ = cos f₂, so ∂h₃/∂f₂ = −sin f₂. Multiply each by the upstream gradient.",
        ),
        solution=(
            f"$\\partial \\ell/\\partial f_3 = 2({_d(f3)} - {paren(t)}) = {_d(df3)}$. Then "
            f"$\\dfrac{{\\partial \\ell}}{{\\partial h_3}} = \\omega_3 \\cdot "
            f"\\dfrac{{\\partial \\ell}}{{\\partial f_3}} = {paren(w3)} \\cdot {paren(_d(df3))} = {_d(answer[0])}$ "
            f"and $\\dfrac{{\\partial \\ell}}{{\\partial f_2}} = -\\sin(f_2) \\cdot "
            f"\\dfrac{{\\partial \\ell}}{{\\partial h_3}} = -\\sin({_d(f2)}) \\cdot {paren(_d(answer[0]))} "
            f"= {_d(answer[1])}$. Each step is a local derivative times the upstream gradient."
        ),
        params=_params(model, trace.x.reshape(-1), y, f2=_shown(f2), f3=_shown(f3)),
    )


def _bmatrix(rows: list[list[str]]) -> str:
    body = " \\\\ ".join(" & ".join(r) for r in rows)
    return f"\\begin{{bmatrix}} {body} \\end{{bmatrix}}"


@register("ch03.dl-dbeta")
def dl_dbeta(seed: int) -> Exercise:
    r"""Pass #2 for the biases over two data points:
    $\partial L/\partial\beta_k = \sum_i 1 \cdot \partial\ell_i/\partial f_k$."""

    def answer_of(m: ToyModel, t: ToyTrace, g: ToyGradients) -> np.ndarray:
        return g.dl_dbeta

    def from_shown(m: ToyModel, t: ToyTrace, g: ToyGradients, y: np.ndarray) -> np.ndarray:
        return np.array([sum(_shown(v) for v in np.ravel(g.dl_df[k])) for k in range(4)])

    def both_points_count(m: ToyModel, t: ToyTrace, g: ToyGradients) -> bool:
        # Each point adds a visible share to every sum, so both rows matter.
        return all(np.all(np.abs(np.ravel(g.dl_df[k])) >= 0.02) for k in range(4))

    model, trace, grads, answer, y = _variant(
        seed, 3, 2, (-0.7, 0.9), (0.2, -0.3), answer_of, from_shown, both_points_count
    )
    table = [[_d(v) for v in np.ravel(grads.dl_df[k])] for k in range(4)]
    x = trace.x.reshape(-1)
    rows = _bmatrix([[table[k][i] for k in range(4)] for i in range(2)])
    sums = ", \\ ".join(
        f"\\dfrac{{\\partial L}}{{\\partial \\beta_{k}}} = {table[k][0]} + {paren(table[k][1])} "
        f"= {_d(answer[k])}"
        for k in range(4)
    )
    return Exercise(
        key="ch03.dl-dbeta",
        title="Pass #2 for the offsets, over two points",
        question=(
            f"The toy model is fitted to two data points, $x_1 = {x[0]:g}$ and $x_2 = {x[1]:g}$, "
            "with the loss $L = \\ell_1 + \\ell_2$. Backward pass #1 gave, for each point (one "
            "row per point, one column per $k = 0, 1, 2, 3$), the gradients "
            f"$\\dfrac{{\\partial \\ell_i}}{{\\partial f_k}} = {rows}$. Run backward pass #2 "
            "for the offsets: give $\\partial L / \\partial \\beta_0, \\dots, "
            "\\partial L / \\partial \\beta_3$ (four numbers, comma-separated, to 3 decimals)."
        ),
        prompt="∂L/∂β₀, ∂L/∂β₁, ∂L/∂β₂, ∂L/∂β₃ =",
        answer=answer,
        rtol=RTOL,
        atol=ATOL,
        hints=(
            "f_k = β_k + ω_k h_k, so the local derivative ∂f_k/∂β_k is 1.",
            "L = ℓ₁ + ℓ₂, so add the two points' contributions: each column of the table sums "
            "to one answer.",
        ),
        solution=(
            "Since $\\partial f_k / \\partial \\beta_k = 1$, each point contributes "
            "$1 \\cdot \\partial \\ell_i / \\partial f_k$, and the loss is the sum over the "
            f"points: ${sums}$."
        ),
        params=_params(
            model, x, y, dl_df=[[_shown(v) for v in np.ravel(grads.dl_df[k])] for k in range(4)]
        ),
    )


@register("ch03.dl-domega")
def dl_domega(seed: int) -> Exercise:
    r"""Pass #2 for the weights on one data point:
    $\partial\ell/\partial\omega_k = h_k\,\partial\ell/\partial f_k$ (with $h_0 = x$)."""

    def answer_of(m: ToyModel, t: ToyTrace, g: ToyGradients) -> np.ndarray:
        return g.dl_domega

    def from_shown(m: ToyModel, t: ToyTrace, g: ToyGradients, y: np.ndarray) -> np.ndarray:
        return np.array([_shown(_at(t.h[k])) * _shown(_at(g.dl_df[k])) for k in range(4)])

    model, trace, grads, answer, y = _variant(seed, 4, 1, (0.9,), (-0.3,), answer_of, from_shown)
    h = [_at(v) for v in trace.h]
    df = [_at(v) for v in grads.dl_df]
    hs = ", ".join(f"h_{k} = {_d(h[k])}" for k in range(1, 4))
    hk = [f"{h[0]:g}"] + [_d(v) for v in h[1:]]  # h_0 = x, shown as given
    dfs = ", ".join(f"{_d(df[k])}" for k in range(4))
    steps = ", \\ ".join(
        f"\\dfrac{{\\partial \\ell}}{{\\partial \\omega_{k}}} = {paren(hk[k])} \\cdot {paren(_d(df[k]))} "
        f"= {_d(answer[k])}"
        for k in range(4)
    )
    return Exercise(
        key="ch03.dl-domega",
        title="Pass #2 for the slopes",
        question=(
            f"On one data point $x = {h[0]:g}$ (so $h_0 = x$) the toy model's forward pass "
            f"stored ${hs}$, and backward pass #1 gave $\\partial \\ell / \\partial f_k = "
            f"{dfs}$ for $k = 0, 1, 2, 3$. Run backward pass #2 for the slopes: give "
            "$\\partial \\ell / \\partial \\omega_0, \\dots, \\partial \\ell / \\partial \\omega_3$ "
            "(four numbers, comma-separated, to 3 decimals)."
        ),
        prompt="∂ℓ/∂ω₀, ∂ℓ/∂ω₁, ∂ℓ/∂ω₂, ∂ℓ/∂ω₃ =",
        answer=answer,
        rtol=RTOL,
        atol=ATOL,
        hints=(
            "f_k = β_k + ω_k h_k, so the local derivative ∂f_k/∂ω_k is h_k, the value that "
            "ω_k multiplies.",
            "For k = 0 the value ω₀ multiplies is the input x itself.",
        ),
        solution=(
            "Since $\\partial f_k / \\partial \\omega_k = h_k$, "
            "$\\partial \\ell / \\partial \\omega_k = h_k \\cdot \\partial \\ell / \\partial f_k$: "
            f"${steps}$. The forward pass's stored values are exactly what pass #2 needs."
        ),
        params=_params(
            model,
            trace.x.reshape(-1),
            y,
            h=[_shown(v) for v in h],
            dl_df=[_shown(v) for v in df],
        ),
    )


# ---- find the bug: both backward passes in code -------------------------------------------

#: Both backward passes of the toy model for one data point, as the chapter writes them.
#: ``f`` and ``h`` are the forward pass's lists ($h_0 = x$); the loss is $(f_3 - y)^2$.
TOY_BACKWARD = (
    "def backward(beta, omega, f, h, y):",
    "    dl_df3 = 2 * (f[3] - y)",
    "    dl_dh3 = omega[3] * dl_df3",
    "    dl_df2 = -np.sin(f[2]) * dl_dh3",
    "    dl_dh2 = omega[2] * dl_df2",
    "    dl_df1 = np.exp(f[1]) * dl_dh2",
    "    dl_dh1 = omega[1] * dl_df1",
    "    dl_df0 = np.cos(f[0]) * dl_dh1",
    "    dl_df = [dl_df0, dl_df1, dl_df2, dl_df3]",
    "    dl_dbeta = [1.0 * dl_df[k] for k in range(4)]",
    "    dl_domega = [h[k] * dl_df[k] for k in range(4)]",
    "    return dl_dbeta, dl_domega",
)

#: What a student who picks a right line is told, line by line.
TOY_NOTES = {
    1: "the function gets every value the two passes need: the parameters, the stored "
    "f and h, and the target.",
    2: "ℓ = (f₃ − y)², so ∂ℓ/∂f₃ = 2(f₃ − y): the power rule times the inner derivative 1.",
    3: "f₃ = β₃ + ω₃h₃, so the local derivative ∂f₃/∂h₃ is ω₃.",
    4: "h₃ = cos f₂, and cos′ = −sin, evaluated at the pre-activation f₂.",
    5: "f₂ = β₂ + ω₂h₂, so the local derivative ∂f₂/∂h₂ is ω₂.",
    6: "h₂ = exp f₁, and exp is its own derivative: exp(f₁), which is also h₂.",
    7: "f₁ = β₁ + ω₁h₁, so the local derivative ∂f₁/∂h₁ is ω₁.",
    8: "h₁ = sin f₀, and sin′ = cos, evaluated at the pre-activation f₀.",
    9: "collecting the four gradients in a list changes no number.",
    10: "∂f_k/∂β_k = 1: f_k moves one for one with β_k.",
    11: "∂f_k/∂ω_k = h_k, the value ω_k multiplies (h₀ = x).",
    12: "it returns both passes' results.",
}

#: The slips planted in :data:`TOY_BACKWARD`: (name, line, wrong text, why it is wrong).
TOY_SLIPS = (
    (
        "the derivative at the output, not the pre-activation",
        4,
        "    dl_df2 = -np.sin(h[3]) * dl_dh3",
        "The derivative of $h_3 = \\cos f_2$ is $-\\sin$ evaluated at the pre-activation "
        "$f_2$, not at the output $h_3 = \\cos f_2$.",
    ),
    (
        "a wrong sign",
        2,
        "    dl_df3 = 2 * (y - f[3])",
        "The derivative of $(f_3 - y)^2$ with respect to $f_3$ is $2(f_3 - y)$; "
        "$2(y - f_3)$ flips the sign of every gradient after it, so a step would go uphill.",
    ),
    (
        "a missing factor 2",
        2,
        "    dl_df3 = f[3] - y",
        "The power rule gives $\\partial \\ell / \\partial f_3 = 2(f_3 - y)$; without the 2 "
        "every gradient is half the true one.",
    ),
    (
        "the wrong weight",
        3,
        "    dl_dh3 = omega[2] * dl_df3",
        "$f_3 = \\beta_3 + \\omega_3 h_3$, so $\\partial f_3 / \\partial h_3 = \\omega_3$: "
        "the weight of the step being undone, not the one before it.",
    ),
    (
        "a wrong sign",
        4,
        "    dl_df2 = np.sin(f[2]) * dl_dh3",
        "The derivative of $\\cos$ is $-\\sin$: without the minus sign every gradient "
        "before $h_3$ points the wrong way.",
    ),
    (
        "the wrong weight",
        5,
        "    dl_dh2 = omega[3] * dl_df2",
        "$f_2 = \\beta_2 + \\omega_2 h_2$, so $\\partial f_2 / \\partial h_2 = \\omega_2$, "
        "not $\\omega_3$.",
    ),
    (
        "the derivative at the output, not the pre-activation",
        6,
        "    dl_df1 = np.exp(h[2]) * dl_dh2",
        "$\\exp'(f_1) = \\exp(f_1) = h_2$; $\\exp(h_2)$ applies the exponential twice. "
        "The derivative is evaluated at the pre-activation $f_1$.",
    ),
    (
        "a skipped link",
        6,
        "    dl_df1 = np.exp(f[1]) * dl_df2",
        "The upstream gradient of $h_2 = \\exp f_1$ is $\\partial \\ell / \\partial h_2$, "
        "not $\\partial \\ell / \\partial f_2$: this skips the link "
        "$f_2 = \\beta_2 + \\omega_2 h_2$ and its factor $\\omega_2$.",
    ),
    (
        "the derivative at the output, not the pre-activation",
        8,
        "    dl_df0 = np.cos(h[1]) * dl_dh1",
        "The derivative of $h_1 = \\sin f_0$ is $\\cos$ evaluated at the pre-activation "
        "$f_0$, not at the output $h_1$.",
    ),
    (
        "dz_db = b",
        10,
        "    dl_dbeta = [beta[k] * dl_df[k] for k in range(4)]",
        "$f_k = \\beta_k + \\omega_k h_k$ moves one for one with $\\beta_k$, so "
        "$\\partial f_k / \\partial \\beta_k = 1$ whatever $\\beta_k$ is, not $\\beta_k$.",
    ),
    (
        "the weight for the input",
        11,
        "    dl_domega = [omega[k] * dl_df[k] for k in range(4)]",
        "$\\partial f_k / \\partial \\omega_k$ is the value $\\omega_k$ multiplies, $h_k$, "
        "not $\\omega_k$ itself.",
    ),
    (
        "the pre-activation for the activation",
        11,
        "    dl_domega = [f[k] * dl_df[k] for k in range(4)]",
        "$\\omega_k$ multiplies $h_k$ in $f_k = \\beta_k + \\omega_k h_k$, so "
        "$\\partial f_k / \\partial \\omega_k = h_k$, not $f_k$.",
    ),
)


@register("ch03.find-the-bug")
def find_the_bug(seed: int) -> BugExercise:
    r"""Both backward passes of the toy model in code, with one slip planted per seed
    (seed 0: $-\sin(h_3)$ for $-\sin(f_2)$)."""
    rng = np.random.default_rng([3, 5, seed])
    # Other seeds never draw the book's slip (0), so a variant handed out is never the book's.
    index = 0 if seed == 0 else 1 + int(rng.integers(len(TOY_SLIPS) - 1))
    name, line, wrong, why = TOY_SLIPS[index]
    where = "backward pass #1 (lines 2 to 8)" if line <= 8 else "backward pass #2 (lines 9 to 12)"
    return BugExercise(
        key="ch03.find-the-bug",
        title="Find the bug in the backward passes",
        question=(
            "This function runs both backward passes of the toy model for one data point. "
            "It gets the parameters $\\beta$ and $\\omega$, the lists `f` $= [f_0, f_1, f_2, f_3]$ "
            "and `h` $= [h_0, h_1, h_2, h_3]$ (with $h_0 = x$) that the forward pass stored, "
            "and the target $y$, and it should return "
            "$\\partial \\ell / \\partial \\beta_k$ and $\\partial \\ell / \\partial \\omega_k$ "
            "for $k = 0, 1, 2, 3$, where $\\ell = (f_3 - y)^2$ and $h_1 = \\sin f_0$, "
            "$h_2 = \\exp f_1$, $h_3 = \\cos f_2$. One line is wrong. Which one?"
        ),
        hints=(
            "Each line of pass #1 is a local derivative times the upstream gradient. Check "
            "each local derivative against the forward step it undoes.",
            f"The wrong line is in {where}.",
        ),
        **plant(TOY_BACKWARD, name, line, wrong, why, TOY_NOTES),
    )


# ---- code: tanh's backward step ----------------------------------------------------------

TANH_TEMPLATE = '''def tanh_backward(z, upstream):
    """The backward step of a layer a = tanh(z), applied entry by entry.

    z:        the pre-activations, an array of shape (n, units): one row per sample.
    upstream: the upstream gradient dL/da, an array of the same shape.
    Returns   dL/dz, entry by entry: a new array of the same shape (z and upstream
              stay as they are).
    """
    raise NotImplementedError
'''

TANH_REFERENCE = """def tanh_backward(z, upstream):
    # tanh'(z) = 1 - tanh(z)^2, times the upstream gradient, entry by entry.
    a = np.tanh(z)
    return (1.0 - a * a) * upstream
"""


def _tenths(rng: np.random.Generator, shape: tuple[int, ...], lo: int, hi: int) -> np.ndarray:
    """Numbers with one decimal in [lo/10, hi/10], small enough to ship as JSON."""
    return rng.integers(lo, hi + 1, size=shape) / 10


def _tanh_backward(z: np.ndarray, upstream: np.ndarray) -> np.ndarray:
    return tanh_derivative(z) * upstream


@register("ch03.tanh-backward")
def tanh_backward(seed: int) -> CodeExercise:
    r"""Code: $\partial L/\partial z = \tanh'(z)\,\partial L/\partial a = (1 - \tanh^2 z)\,
    \partial L/\partial a$, checked against the library and against central differences."""
    rng = np.random.default_rng([3, 6, seed])
    one = (_tenths(rng, (1, 3), -20, 20), _tenths(rng, (1, 3), -20, 20))
    batch = (_tenths(rng, (2, 3), -20, 20), _tenths(rng, (2, 3), -20, 20))
    zeros = (np.zeros((2, 2)), _tenths(rng, (2, 2), -20, 20))
    big = (np.array([[-30.0, 20.0, 25.0]]), _tenths(rng, (1, 3), 5, 20))
    z_check, g_check = _tenths(rng, (3, 2), -25, 25), _tenths(rng, (3, 2), -20, 20)
    numeric = numerical_gradient(lambda v: float(np.sum(g_check * np.tanh(v))), z_check)
    tests = (
        CodeTest(
            "one sample: z and upstream of shape (1, 3)", one, expect(_tanh_backward(*one), "dL/dz")
        ),
        CodeTest(
            "a batch of 2 samples with 3 units: shape (2, 3)",
            batch,
            expect(_tanh_backward(*batch), "dL/dz"),
        ),
        CodeTest(
            "z = 0, where tanh'(0) = 1: dL/dz is the upstream gradient itself",
            zeros,
            expect(_tanh_backward(*zeros), "dL/dz"),
        ),
        CodeTest(
            "large |z|, where tanh is flat: dL/dz is about 0 (and not nan)",
            big,
            expect(_tanh_backward(*big), "dL/dz"),
        ),
        CodeTest(
            "gradient check: dL/dz against central differences of L = sum(upstream * tanh(z))",
            (z_check, g_check),
            expect(numeric, "dL/dz", rtol=1e-6, atol=1e-8),
        ),
    )
    return CodeExercise(
        key="ch03.tanh-backward",
        title="The backward step of tanh, in code",
        question=(
            "A layer with the activation $\\tanh$ computes $a = \\tanh(z)$ entry by entry. In "
            "the backward pass it receives the upstream gradient "
            "$\\partial L / \\partial a$ and must pass on "
            "$\\partial L / \\partial z$: the upstream gradient times tanh's slope at $z$, "
            "which this chapter derived. "
            "Complete `tanh_backward(z, upstream)`: both arguments are arrays of one shape, "
            "one row per sample, and it returns a new array of that shape."
        ),
        function="tanh_backward",
        arguments=("z", "upstream"),
        template=TANH_TEMPLATE,
        reference=TANH_REFERENCE,
        tests=tests,
        hints=(
            "np.tanh works entry by entry on a whole array, and so do * and -.",
            "The derivative is evaluated at z: compute a = np.tanh(z) once, then "
            "(1 - a * a) * upstream. Do not write into z or upstream.",
        ),
        solution=(
            "```python\n" + TANH_REFERENCE + "```\n\n"
            "The local derivative of $a = \\tanh z$ is $1 - \\tanh^2 z = 1 - a^2$, a formula in "
            "the layer's output, evaluated entry by entry; the chain rule multiplies it by the "
            "upstream gradient. Both are arrays of the same shape, so `*` pairs each entry with "
            "its own and no sum is needed. The result is a new array: the function changes "
            "neither argument."
        ),
        params={"seed": seed},
    )


# ---- formula: a parameter's gradient in the stored values ---------------------------------

#: Pass #1's local derivatives, from the output back: ∂ℓ/∂f₃, then for k = 2, 1, 0 the two
#: factors ∂f_{k+1}/∂h_{k+1} = ω_{k+1} and ∂h_{k+1}/∂f_k = g_k'(f_k): (typed, LaTeX).
_FROM_OUTPUT = (
    (("2*(f3 - y)", "2(f_3 - y)"),),
    (("w3", r"\omega_3"), ("(-sin(f2))", r"(-\sin f_2)")),
    (("w2", r"\omega_2"), ("exp(f1)", r"\exp f_1")),
    (("w1", r"\omega_1"), ("cos(f0)", r"\cos f_0")),
)
#: The variables a gradient formula may use: (name, LaTeX, lo, hi).
_STORED = {
    "x": ("x", -1.5, 1.5),
    "h1": ("h_1", -1.0, 1.0),
    "h2": ("h_2", 0.2, 3.0),
    "h3": ("h_3", -1.0, 1.0),
    "f0": ("f_0", -2.0, 2.0),
    "f1": ("f_1", -2.0, 2.0),
    "f2": ("f_2", -2.0, 2.0),
    "f3": ("f_3", -2.0, 2.0),
    "y": ("y", -1.5, 1.5),
    "w1": (r"\omega_1", -1.5, 1.5),
    "w2": (r"\omega_2", -1.5, 1.5),
    "w3": (r"\omega_3", -1.5, 1.5),
}
#: The parameters a variant asks about (seed 0: ω₁, as chapter 2 works out ω₂'s gradient in
#: its text); β₃'s gradient would be 2(f₃ − y) alone.
_ASKED = ("w1", "w3", "b2", "w2", "b1", "w0", "b0")
_NAMES = re.compile(r"[a-z]+\d?")


def gradient_factors(param: str) -> list[tuple[str, str]]:
    r"""The factors of $\partial\ell/\partial\beta_k$ or $\partial\ell/\partial\omega_k$:
    $h_k$ (for $\omega_k$; $h_0 = x$), then pass #1's local derivatives down to $f_k$,
    then $2(f_3 - y)$; as (typed, LaTeX)."""
    k = int(param[1])
    factors = [f for step in _FROM_OUTPUT[1 : 4 - k][::-1] for f in step[::-1]]
    factors.append(_FROM_OUTPUT[0][0])
    if param[0] == "w":
        h = "x" if k == 0 else f"h{k}"
        factors.insert(0, (h, _STORED[h][0]))
    return factors


def _formula_variables(formula: str) -> tuple[Variable, ...]:
    from ..exercises.formula import Variable

    used = set(_NAMES.findall(formula))
    out = []
    for name, (latex, lo, hi) in _STORED.items():
        if name in used:
            aliases = (f"omega{name[1]}", f"ω{name[1]}") if name[0] == "w" else ()
            out.append(Variable(name, latex, aliases, lo, hi))
    return tuple(out)


@register("ch03.gradient-formula")
def gradient_formula(seed: int) -> FormulaExercise:
    r"""A formula: $\partial\ell/\partial\omega_1 = h_1 \cdot \exp f_1 \cdot \omega_2
    \cdot (-\sin f_2) \cdot \omega_3 \cdot 2(f_3 - y)$ (seed 0), or another parameter's
    gradient, in the values the forward pass stored: pass #2's local derivative times pass
    #1's product."""
    rng = np.random.default_rng([3, 7, seed])
    # Other seeds never ask the book's parameter (ω₁).
    param = _ASKED[0 if seed == 0 else 1 + int(rng.integers(len(_ASKED) - 1))]
    factors = gradient_factors(param)
    formula = "*".join(typed for typed, _ in factors)
    variables = _formula_variables(formula)
    greek = "\\omega" if param[0] == "w" else "\\beta"
    wrt = f"{greek}_{param[1]}"
    shown = [f"${v.latex}$" for v in variables]
    listed = ", ".join(shown[:-1]) + " and " + shown[-1]
    typed_as = ", ".join(f"{v.text} as {v.name}" for v in variables if v.text != v.name)
    typed_as += (", " if typed_as else "") + ", ".join(
        f"${v.latex}$ as {v.name}" for v in variables if v.text == v.name and v.name != v.latex
    )
    product = " \\cdot ".join(["1"] * (param[0] == "b") + [tex for _, tex in factors])
    k = int(param[1])
    sub = chr(0x2080 + k)
    symbol = ("ω" if param[0] == "w" else "β") + sub
    return FormulaExercise(
        key="ch03.gradient-formula",
        title="A gradient as a formula",
        question=(
            "For one data point the toy model's loss is $\\ell = (f_3 - y)^2$, with "
            "$f_k = \\beta_k + \\omega_k h_k$, $h_0 = x$, $h_1 = \\sin f_0$, $h_2 = \\exp f_1$ "
            f"and $h_3 = \\cos f_2$. Write $\\partial \\ell / \\partial {wrt}$ as a formula in "
            f"{listed}: values the forward pass stored, weights and the target, and no "
            f"others. Type {typed_as.rstrip(', ')}."
        ),
        prompt=f"∂ℓ/∂{symbol} =",
        formula=formula,
        variables=variables,
        hints=(
            f"Pass #2 first: f{sub} = β{sub} + ω{sub}h{sub}"
            + (" (h₀ = x)" if k == 0 else "")
            + f", so ∂f{sub}/∂{symbol} is "
            + (
                "1."
                if param[0] == "b"
                else f"the value {symbol} multiplies, {'x' if k == 0 else 'h' + sub}."
            )
            + f" Multiply it by ∂ℓ/∂f{sub}.",
            "∂ℓ/∂f_k comes from pass #1: start with ∂ℓ/∂f₃ = 2(f₃ − y) and walk back, one "
            "local derivative per step (ω for each f = β + ωh, and sin′ = cos, exp′ = exp, "
            "cos′ = −sin at the pre-activation).",
        ),
        solution=(
            f"$\\frac{{\\partial \\ell}}{{\\partial {wrt}}} = {product}$. "
            f"Read from the left: the local derivative of $f_{param[1]}$ with respect to "
            f"${wrt}$, "
            + ("" if k == 3 else f"then pass #1's local derivatives from $f_{k}$ up to $f_3$, ")
            + f"then the loss's own slope $2(f_3 - y)$. Typed: `{formula}`."
        ),
        params={"param": param, "factors": [typed for typed, _ in factors]},
    )
