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

from typing import TYPE_CHECKING, Any

import numpy as np

from ..exercises import (
    CodeExercise,
    CodeTest,
    Exercise,
    FormulaExercise,
    expect,
    register,
    vector,
)
from ..network import Network
from ..toy_model import ToyModel
from ._fair import fair_variant
from ._format import paren

if TYPE_CHECKING:
    from ..exercises.formula import Variable

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


DENSE_TEMPLATE = '''def dense_forward(X, W, b):
    """One layer of sigmoid units, batch-first, as the library stores it.

    X: the inputs, shape (n, m): one row per sample, one column per input.
    W: the weights, shape (m, n_out): W[i, j] connects input i to unit j (W = A^T).
    b: the biases, shape (n_out,): added to every row.
    Returns the activations sigma(Z) with Z = X W + b, shape (n, n_out): one row per
    sample, one column per unit, where sigma(z) = 1 / (1 + exp(-z)) entry by entry.
    """
    raise NotImplementedError
'''

DENSE_REFERENCE = """def dense_forward(X, W, b):
    # (n, m) @ (m, n_out) gives (n, n_out); b is added to every row.
    Z = X @ W + b
    return 1.0 / (1.0 + np.exp(-Z))
"""


def _layer_output(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    return Network([W], [b], "sigmoid").forward(X).output


@register("ch02.dense-forward")
def dense_forward(seed: int) -> CodeExercise:
    r"""Code: a layer of sigmoid units batch-first, $\sigma(X W + \mathbf b)$, checked
    against :class:`backprop.Network` on batches of several shapes."""
    rng = np.random.default_rng([2, 5, seed])

    def layer(n: int, m: int, units: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        X = rng.integers(-20, 21, size=(n, m)) / 10
        W = rng.integers(-15, 16, size=(m, units)) / 10
        return X, W, rng.integers(-10, 11, size=units) / 10

    one = layer(1, 2, 3)
    four = layer(4, 2, 3)
    wide = layer(4, 3, 2)
    zero = (np.zeros((3, 2)), *layer(1, 2, 3)[1:])
    check = layer(5, 3, 4)
    tests = tuple(
        CodeTest(name, args, expect(_layer_output(*args), "the output"))
        for name, args in (
            ("a batch of 1: X of shape (1, 2), W of shape (2, 3)", one),
            ("a batch of 4 samples with 2 inputs and 3 units", four),
            ("more inputs than units: X of shape (4, 3), W of shape (3, 2)", wide),
            ("inputs all 0: every row is sigma(b)", zero),
            ("a batch of 5 samples, 3 inputs, 4 units, against the library's Network", check),
        )
    )
    return CodeExercise(
        key="ch02.dense-forward",
        title="A layer, batch-first, in code",
        question=(
            "Write the forward pass of one layer of sigmoid units in the library's "
            "batch-first layout. `dense_forward(X, W, b)` gets a batch $X$ with one row per "
            "sample ($n \\times m$), the weights $W = A^\\top$ ($m \\times n_\\text{out}$, "
            "$W_{ij}$ from input $i$ to unit $j$) and the biases $\\mathbf b$ "
            "($n_\\text{out}$ numbers), and returns the activations "
            "$\\sigma(X W + \\mathbf b)$, with $\\mathbf b$ added to every row and "
            "$\\sigma(z) = 1/(1 + e^{-z})$ applied to every entry: one row per sample, one "
            "column per unit."
        ),
        function="dense_forward",
        arguments=("X", "W", "b"),
        template=DENSE_TEMPLATE,
        reference=DENSE_REFERENCE,
        tests=tests,
        hints=(
            "Check the shapes first: (n, m) times (m, n_out) gives (n, n_out), one row per "
            "sample. Which product has those shapes, X @ W or W @ X?",
            "numpy adds a vector of n_out numbers to every row of an (n, n_out) array by "
            "itself (broadcasting), and np.exp works entry by entry.",
        ),
        solution=(
            "```python\n" + DENSE_REFERENCE + "```\n\n"
            "Row $r$ of $X W$ is sample $r$ (a row) times $W$: entry $j$ is "
            "$\\sum_i X_{ri} W_{ij}$, the weighted sum into unit $j$, which is the column "
            "form's $A \\mathbf u$ written as a row. Adding `b` broadcasts it to every row, "
            "and the sigmoid acts on each entry. One matrix product handles the whole batch, "
            "and a batch of one sample is just an $X$ with one row."
        ),
        params={"seed": seed},
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


# ---- formula: a forward-pass quantity in the inputs and parameters ------------------------

#: The toy model's steps: (name, LaTeX, typed formula of the previous value ``{v}``, LaTeX).
_STEPS = (
    ("f0", "f_0", "b0 + w0*{v}", r"\beta_0 + \omega_0 {v}"),
    ("h1", "h_1", "sin({v})", r"\sin f_0"),
    ("f1", "f_1", "b1 + w1*{v}", r"\beta_1 + \omega_1 {v}"),
    ("h2", "h_2", "exp({v})", r"\exp f_1"),
    ("f2", "f_2", "b2 + w2*{v}", r"\beta_2 + \omega_2 {v}"),
    ("h3", "h_3", "cos({v})", r"\cos f_2"),
    ("f3", "f_3", "b3 + w3*{v}", r"\beta_3 + \omega_3 {v}"),
)
#: (start, target) pairs a variant asks for; the start's random values lie in its range.
_SPANS = (
    ("x", "h2"),
    ("x", "f1"),
    ("x", "f2"),
    ("h1", "h3"),
    ("h1", "f3"),
    ("h2", "f3"),
    ("x", "h3"),
)
_START = {"x": ("x", -1.5, 1.5), "h1": ("h_1", -1.0, 1.0), "h2": ("h_2", 0.2, 3.0)}


def _toy_variables(start: str, names: list[str]) -> tuple[Variable, ...]:
    from ..exercises.formula import Variable

    latex, lo, hi = _START[start]
    out = [Variable(start, latex, (), lo, hi)]
    for n in names:
        greek, symbol, lo, hi = (
            ("beta", "β", -1.0, 1.0) if n[0] == "b" else ("omega", "ω", -1.5, 1.5)
        )
        out.append(Variable(n, f"\\{greek}_{n[1]}", (f"{greek}{n[1]}", f"{symbol}{n[1]}"), lo, hi))
    return tuple(out)


@register("ch02.toy-formula")
def toy_formula(seed: int) -> FormulaExercise:
    r"""A formula: one of the toy model's values written out in an earlier one and the
    parameters between them, e.g. $h_2 = \exp(\beta_1 + \omega_1 \sin(\beta_0 + \omega_0 x))$."""
    rng = np.random.default_rng([2, 6, seed])
    # Other seeds never draw the book's span (0).
    start, target = _SPANS[0 if seed == 0 else 1 + int(rng.integers(len(_SPANS) - 1))]
    names = [step[0] for step in _STEPS]
    first = 0 if start == "x" else names.index(start) + 1
    steps = _STEPS[first : names.index(target) + 1]
    formula, params, chain = start, [], []
    previous = _START[start][0]
    for name, tex, typed, step_tex in steps:
        formula = typed.format(v=formula)
        chain.append(f"{tex} = {step_tex.format(v=previous)}")
        previous = tex
        if name[0] == "f":
            params += [f"b{name[1]}", f"w{name[1]}"]
    variables = _toy_variables(start, params)
    joined = ",\\; ".join(chain)
    shown = [f"${v.latex}$" for v in variables]
    listed = ", ".join(shown[:-1]) + " and " + shown[-1]
    typed_as = ", ".join(f"{v.text} as {v.name}" for v in variables if v.text != v.name)
    target_tex = steps[-1][1]
    return FormulaExercise(
        key="ch02.toy-formula",
        title="A forward pass as one formula",
        question=(
            "The toy model's forward pass is $f_k = \\beta_k + \\omega_k h_k$ with $h_0 = x$, "
            "$h_1 = \\sin f_0$, $h_2 = \\exp f_1$ and $h_3 = \\cos f_2$. Write "
            f"${target_tex}$ as one formula in {listed}. Type {typed_as}; the functions are "
            "sin, exp and cos."
        ),
        prompt=f"{target[0]}{chr(0x2080 + int(target[1]))} =",
        formula=formula,
        variables=variables,
        hints=(
            "Work from the inside out: write each step in terms of the one before it, then "
            "substitute.",
            "Each f_k is β_k + ω_k times the value before it; each h_k is sin, exp or cos of "
            "the f just before it.",
        ),
        solution=(
            f"Step by step, ${joined}$. Substituting each into the next gives "
            f"${target_tex}$ = `{formula}`."
        ),
        params={"start": start, "target": target},
    )
