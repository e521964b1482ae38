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

from collections.abc import Callable
from typing import Any

import numpy as np

from ..exercises import Exercise, register
from ..toy_model import ToyGradients, ToyModel, ToyTrace
from ._fair import fair_variant
from ._format import paren

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
