r"""Exercises of chapter 5, gradient descent: $\theta \leftarrow \theta - \eta\,\partial L/\partial\theta$.

Each ``make(seed)`` returns one variant; seed 0 is the book's. Answers come from
:meth:`backprop.Network.backward`, :func:`backprop.optim.sgd_step` and
:func:`backprop.optim.descent_path`.
"""

from __future__ import annotations

import numpy as np

from ..exercises import (
    BugExercise,
    CodeExercise,
    CodeTest,
    Exercise,
    FormulaExercise,
    expect_all,
    register,
    vector,
)
from ..gradcheck import numerical_gradient
from ..losses import mse
from ..network import Network
from ..optim import descent_path, sgd_step
from ._fair import fair_variant, first_fair
from ._format import clean, linear, paren, signed
from ._listings import plant


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


# ---- find the bug: one training step -------------------------------------------------------

#: One gradient-descent step for a 2-layer network (tanh hidden layer, linear output) on
#: the mean squared error $L = \frac1n \sum_i \lVert y_i - t_i \rVert^2$, right; each layer is
#: updated as soon as its gradient has been passed back. :func:`train_step_bug` plants a slip.
TRAIN_STEP = (
    "def train_step(X, T, W1, b1, W2, b2, lr):",
    "    A1 = np.tanh(X @ W1 + b1)",
    "    Y = A1 @ W2 + b2",
    "    dY = 2 * (Y - T) / len(X)",
    "    dW2 = A1.T @ dY",
    "    db2 = dY.sum(axis=0)",
    "    dA1 = dY @ W2.T",
    "    W2 = W2 - lr * dW2",
    "    b2 = b2 - lr * db2",
    "    dZ1 = dA1 * (1 - A1**2)",
    "    W1 = W1 - lr * (X.T @ dZ1)",
    "    b1 = b1 - lr * dZ1.sum(axis=0)",
    "    return W1, b1, W2, b2",
)

#: What a student who picks a right line is told, line by line.
TRAIN_NOTES = {
    1: "the function gets the batch, the targets, the parameters and the learning rate η.",
    2: "A1 = tanh(X W1 + b1) is the hidden layer's output.",
    3: "the output layer is linear: Y = A1 W2 + b2.",
    4: "L = (1/n) Σ (y − t)², so ∂L/∂Y = 2(Y − T)/n: the power rule's 2 and the mean's 1/n.",
    5: "∂L/∂W2 = A1ᵀ dY is the gradient alone; the learning rate comes in with the update.",
    6: "∂L/∂b2 sums dY over the batch.",
    7: "dA1 = dY W2ᵀ is passed back through W2 before line 8 changes W2.",
    8: "W2 steps against its gradient: W2 − η ∂L/∂W2.",
    9: "b2 steps against its gradient: b2 − η ∂L/∂b2.",
    10: "1 − A1² is tanh'(z), written with the output a = tanh z; dA1 came from the old W2.",
    11: "W1 steps against its gradient Xᵀ dZ1.",
    12: "b1 steps against its gradient, the deltas summed over the batch.",
    13: "it returns the four updated parameters.",
}

_SIGN = (
    "Gradient descent steps *against* the gradient, "
    "$\\theta \\leftarrow \\theta - \\eta\\, \\partial L/\\partial \\theta$; with `+` this "
    "parameter climbs the loss, and the loss grows while the other parameters try to lower it."
)
_TWICE = (
    "The learning rate enters once, in the update $\\theta - \\eta\\, \\partial L/\\partial "
    "\\theta$. Scaling the gradient by `lr` here as well makes this parameter's step "
    "$\\eta^2\\, \\partial L/\\partial \\theta$: with $\\eta = 0.1$ a hundredth of the "
    "gradient instead of a tenth, so it learns ten times slower than the others."
)

#: The slips planted in :data:`TRAIN_STEP`: (name, line, wrong text, why it is wrong).
TRAIN_SLIPS = (
    (
        "an update before the gradient is passed back",
        10,
        "    dZ1 = (dY @ W2.T) * (1 - A1**2)",
        "Line 8 has already changed `W2`, so `dY @ W2.T` passes the gradient back through "
        "the *updated* weights. The gradient of $L$ with respect to the hidden layer is "
        "taken at the parameters the forward pass used: the `dA1` of line 7, computed "
        "before the update. Every gradient of a step must be computed before any "
        "parameter changes.",
    ),
    (
        "a missing 1/n",
        4,
        "    dY = 2 * (Y - T)",
        "The loss is a mean, $L = \\frac{1}{n} \\sum_i (y_i - t_i)^2$, so "
        "$\\partial L/\\partial Y = \\frac{2}{n} (Y - T)$. Without `/ len(X)` every gradient is "
        "$n$ times too big, and a learning rate that works for one batch size diverges for "
        "a larger one.",
    ),
    (
        "a missing factor 2",
        4,
        "    dY = (Y - T) / len(X)",
        "The derivative of $(y - t)^2$ is $2(y - t)$; without the 2 every gradient is half "
        "the true one (that would be right for the loss $\\frac{1}{2n} \\sum_i (y_i - t_i)^2$, "
        "not for this one).",
    ),
    ("the learning rate applied twice", 5, "    dW2 = lr * (A1.T @ dY)", _TWICE),
    ("the learning rate applied twice", 6, "    db2 = lr * dY.sum(axis=0)", _TWICE),
    ("a wrong sign", 8, "    W2 = W2 + lr * dW2", _SIGN),
    ("a wrong sign", 9, "    b2 = b2 + lr * db2", _SIGN),
    ("a wrong sign", 11, "    W1 = W1 + lr * (X.T @ dZ1)", _SIGN),
    ("a wrong sign", 12, "    b1 = b1 + lr * dZ1.sum(axis=0)", _SIGN),
)


@register("ch05.train-step-bug")
def train_step_bug(seed: int) -> BugExercise:
    r"""One training step in code, with one slip planted per seed (seed 0: the hidden layer's
    gradient passed back through output weights that were already updated)."""
    rng = np.random.default_rng([5, 5, seed])
    index = 0 if seed == 0 else int(rng.integers(len(TRAIN_SLIPS)))
    name, line, wrong, why = TRAIN_SLIPS[index]
    return BugExercise(
        key="ch05.train-step-bug",
        title="Find the bug in a training step",
        question=(
            "This function takes one gradient-descent step, "
            "$\\theta \\leftarrow \\theta - \\eta\\, \\partial L/\\partial \\theta$, for every "
            "parameter of a network with a hidden layer of $\\tanh$ units and a linear output, "
            "on the mean squared error $L = \\frac{1}{n} \\sum_i \\lVert y_i - t_i \\rVert^2$ of a "
            "batch $X$ (one row per sample). It updates each layer as soon as its gradient has "
            "been passed back, and returns the new parameters. One line is wrong. Which one?"
        ),
        hints=(
            "Check three things: the gradient of the loss (line 4), where the learning rate "
            "enters, and the sign of each update.",
            "Every gradient must be taken at the parameters the forward pass used: does any "
            "line read a parameter after it has been changed?",
        ),
        **plant(TRAIN_STEP, name, line, wrong, why, TRAIN_NOTES),
    )


# ---- code: one gradient-descent step on the mean squared error ------------------------------

STEP_TEMPLATE = '''def gradient_step(X, T, W, b, lr):
    """One gradient-descent step for a linear layer Y = X W + b on the mean squared
    error.

    X:  the batch, shape (n, m), one row per sample;  T: the targets, shape (n, k).
    W:  the weights, shape (m, k);  b: the biases, shape (k,);
    lr: the learning rate eta.
    The loss is L = (1/n) sum_i ||y_i - t_i||^2, the mean over the n samples.
    Returns (W_new, b_new) = (W - eta * dL/dW, b - eta * dL/db): new arrays
    (W and b stay as they are).
    """
    raise NotImplementedError
'''

STEP_REFERENCE = """def gradient_step(X, T, W, b, lr):
    Y = X @ W + b
    # dL/dY for the mean of the squared errors: the 2 of the square, 1/n of the mean.
    dY = (2 / len(X)) * (Y - T)
    # (m, n) @ (n, k): W's shape. Every sample's delta reaches b.
    dW = X.T @ dY
    db = dY.sum(axis=0)
    # New arrays: the caller's W and b are unchanged.
    return W - lr * dW, b - lr * db
"""


def _stepped(X: np.ndarray, T: np.ndarray, W: np.ndarray, b: np.ndarray, lr: float) -> tuple:
    """The library's step: :meth:`Network.gradients` on ``mse``, then :func:`sgd_step`."""
    net = Network([W], [b], "identity")
    sgd_step(net, net.gradients(X, T, "mse"), lr)
    return net.W[0], net.b[0]


@register("ch05.gradient-step")
def gradient_step(seed: int) -> CodeExercise:
    r"""Code: one step $W \leftarrow W - \eta\, X^\top \tfrac2n (Y - T)$,
    $b \leftarrow b - \eta \sum_i \tfrac2n (y_i - t_i)$ for a linear layer on the mean squared
    error, checked against the library's step and against central differences."""
    rng = np.random.default_rng([5, 6, seed])

    def case(n: int, m: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        X = rng.integers(-20, 21, size=(n, m)) / 10
        T = rng.integers(-20, 21, size=(n, k)) / 10
        W = rng.integers(-15, 16, size=(m, k)) / 10
        return X, T, W, rng.integers(-10, 11, size=k) / 10

    lr = float(rng.choice([0.05, 0.1, 0.2]))
    unit = (*case(1, 1, 1), lr)
    batch = (*case(4, 2, 3), lr)
    X0, T0, W0, b0 = case(3, 2, 3)
    zero = (X0, T0, np.zeros_like(W0), np.zeros_like(b0), lr)
    Xf, _, Wf, bf = case(3, 2, 1)
    fitted = (Xf, Xf @ Wf + bf, Wf, bf, lr)
    Xc, Tc, Wc, bc = case(5, 3, 2)
    check = (Xc, Tc, Wc, bc, lr)
    numeric_W = numerical_gradient(lambda V: mse(Xc @ V + bc, Tc), Wc)
    numeric_b = numerical_gradient(lambda v: mse(Xc @ Wc + v, Tc), bc)
    names = ("W_new", "b_new")
    tests = (
        CodeTest(
            "from W = 0 and b = 0: the step is -lr times the gradient",
            zero,
            expect_all(_stepped(*zero), names),
        ),
        CodeTest(
            "a batch of 4 samples, 2 inputs, 3 outputs: W of shape (2, 3)",
            batch,
            expect_all(_stepped(*batch), names),
        ),
        CodeTest(
            "one sample, one input, one output: the chapter's linear unit",
            unit,
            expect_all(_stepped(*unit), names),
        ),
        CodeTest(
            "targets the layer fits exactly: the gradient is 0 and nothing moves",
            fitted,
            expect_all(_stepped(*fitted), names),
        ),
        CodeTest(
            "gradient check: the step against -lr times central differences of the loss",
            check,
            expect_all((Wc - lr * numeric_W, bc - lr * numeric_b), names, rtol=1e-6, atol=1e-8),
        ),
    )
    return CodeExercise(
        key="ch05.gradient-step",
        title="One gradient-descent step, in code",
        question=(
            "A linear layer $Y = X W + b$ (batch-first: one row of $X$ per sample) is fitted to "
            "targets $T$ by gradient descent on the mean squared error "
            "$L = \\frac{1}{n} \\sum_i \\lVert y_i - t_i \\rVert^2$. Complete "
            "`gradient_step(X, T, W, b, lr)`: it returns the parameters after one step, "
            "$W - \\eta\\, \\partial L/\\partial W$ and $b - \\eta\\, \\partial L/\\partial b$, "
            "as new arrays."
        ),
        function="gradient_step",
        arguments=("X", "T", "W", "b", "lr"),
        template=STEP_TEMPLATE,
        reference=STEP_REFERENCE,
        tests=tests,
        hints=(
            "Forward first, Y = X @ W + b. Then ∂L/∂Y = (2/n)(Y − T): the 2 of the square, "
            "the 1/n of the mean.",
            "∂L/∂W = Xᵀ ∂L/∂Y has W's shape (m, k); ∂L/∂b sums ∂L/∂Y over the samples. "
            "Return W - lr * dW and b - lr * db, not W -= ..., which would change the "
            "caller's arrays.",
        ),
        solution=(
            "```python\n" + STEP_REFERENCE + "```\n\n"
            "The loss is a mean over the samples, so its gradient with respect to the outputs "
            "is $\\frac{2}{n} (Y - T)$. Each weight $W_{ij}$ meets the inputs $x_{si}$ of every "
            "sample, so $\\partial L/\\partial W = X^\\top \\partial L/\\partial Y$, and every "
            "sample's output moves one for one with $b$, so $\\partial L/\\partial b$ sums the "
            "rows. The step subtracts $\\eta$ times each gradient; `W - lr * dW` builds a new "
            "array and leaves the caller's `W` alone."
        ),
        params={"seed": seed},
    )


# ---- formula: the weight after one step ----------------------------------------------------

#: The variants: (loss in LaTeX, the parameter, its new value typed, ∂L/∂θ in LaTeX, the
#: variables' names). Seed 0 is the first.
_STEP_CASES = (
    ("(w x - t)^2", "w", "w - 2*eta*x*(w*x - t)", "2(w x - t)\\,x", "w x t"),
    ("\\tfrac12 (w x - t)^2", "w", "w - eta*x*(w*x - t)", "(w x - t)\\,x", "w x t"),
    ("(w x + b - t)^2", "w", "w - 2*eta*x*(w*x + b - t)", "2(w x + b - t)\\,x", "w x b t"),
    ("(w x + b - t)^2", "b", "b - 2*eta*(w*x + b - t)", "2(w x + b - t)", "w x b t"),
    (
        "\\tfrac12 \\big((w x_1 - t_1)^2 + (w x_2 - t_2)^2\\big)",
        "w",
        "w - eta*(x1*(w*x1 - t1) + x2*(w*x2 - t2))",
        "(w x_1 - t_1)\\,x_1 + (w x_2 - t_2)\\,x_2",
        "w x1 t1 x2 t2",
    ),
    (
        "(w x_1 - t_1)^2 + (w x_2 - t_2)^2",
        "w",
        "w - 2*eta*(x1*(w*x1 - t1) + x2*(w*x2 - t2))",
        "2(w x_1 - t_1)\\,x_1 + 2(w x_2 - t_2)\\,x_2",
        "w x1 t1 x2 t2",
    ),
    (
        "\\tfrac12 (\\sigma(w x) - t)^2",
        "w",
        "w - eta*(sigma(w*x) - t)*sigma'(w*x)*x",
        "(\\sigma(w x) - t)\\,\\sigma'(w x)\\,x",
        "w x t",
    ),
)
#: Each variable's LaTeX, aliases and range.
_STEP_VARIABLES = {
    "w": ("w", (), -2.0, 2.0),
    "x": ("x", (), -2.0, 2.0),
    "b": ("b", (), -1.0, 1.0),
    "t": ("t", (), -2.0, 2.0),
    "x1": ("x_1", ("x_1",), -2.0, 2.0),
    "x2": ("x_2", ("x_2",), -2.0, 2.0),
    "t1": ("t_1", ("t_1",), -2.0, 2.0),
    "t2": ("t_2", ("t_2",), -2.0, 2.0),
}


@register("ch05.step-formula")
def step_formula(seed: int) -> FormulaExercise:
    r"""A formula: the weight after one step, $w - \eta\,\partial L/\partial w$; seed 0:
    $w - 2\eta x (w x - t)$ for $L = (w x - t)^2$; other seeds change the loss or ask for $b$."""
    from ..exercises.formula import Variable

    rng = np.random.default_rng([5, 7, seed])
    case = _STEP_CASES[0 if seed == 0 else int(rng.integers(len(_STEP_CASES)))]
    loss_tex, p, formula, grad_tex, names = case
    variables = tuple(
        Variable(n, _STEP_VARIABLES[n][0], _STEP_VARIABLES[n][1], *_STEP_VARIABLES[n][2:])
        for n in names.split()
    ) + (Variable("eta", "\\eta", ("η",), 0.01, 0.5),)
    shown = [f"${v.latex}$" for v in variables]
    listed = ", ".join(shown[:-1]) + " and " + shown[-1]
    subscripted = [v for v in variables if "_" in v.latex]
    typed_as = "$\\eta$ as `eta` (or η)" + "".join(
        f", ${v.latex}$ as `{v.name}`" for v in subscripted
    )
    return FormulaExercise(
        key="ch05.step-formula",
        title="The weight after one step, as a formula",
        question=(
            f"A model is trained on the loss $L = {loss_tex}$ by gradient descent with learning "
            f"rate $\\eta$. Write the new value of ${p}$ after one step, "
            f"${p} - \\eta\\, \\partial L/\\partial {p}$, as a formula in {listed}. "
            f"Type {typed_as}."
        ),
        prompt=f"new {p} =",
        formula=formula,
        variables=variables,
        hints=(
            f"First ∂L/∂{p} by the chain rule: the derivative of the square, times the "
            f"derivative of what is squared with respect to {p}.",
            f"Then the step: the new {p} is {p} minus η times that gradient; keep every "
            "factor, the 2 of the square and any ½ or mean.",
        ),
        solution=(
            f"$\\partial L/\\partial {p} = {grad_tex}$, so one step gives "
            f"${p} \\leftarrow {p} - \\eta\\, \\big({grad_tex}\\big)$. "
            f"Typed: `{formula}`."
        ),
        params={"case": _STEP_CASES.index(case)},
    )
