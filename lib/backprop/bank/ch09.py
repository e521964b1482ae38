r"""Exercises of chapter 9, training a classifier: softmax, cross-entropy and its output
delta $p - t$ (as numbers, as a formula, and as code that the library grades), and a
training step with one wrong line to find.

Each ``make(seed)`` returns one variant; seed 0 is the book's. Answers come from
:class:`backprop.Network`, :data:`backprop.losses.LOSSES` ("softmax_cross_entropy") and
:func:`backprop.gradcheck.numerical_gradient`.
"""

from __future__ import annotations

import numpy as np

from ..data import one_hot
from ..exercises import (
    BugExercise,
    CodeExercise,
    CodeTest,
    Exercise,
    FormulaExercise,
    expect,
    register,
    vector,
)
from ..gradcheck import numerical_gradient
from ..losses import LOSSES, softmax
from ._fair import first_fair


def _scores(rng: np.random.Generator, k: int = 3) -> np.ndarray:
    """k integer scores from -2..3, not all equal (so the softmax is not uniform)."""
    return first_fair(
        lambda: rng.integers(-2, 4, size=k).astype(float),
        lambda y: bool(np.ptp(y) > 0),
        what="softmax scores",
    )


@register("ch09.softmax-loss")
def softmax_loss(seed: int) -> Exercise:
    r"""Softmax probability of the true class and the cross-entropy $-\log p_c$ of one sample."""
    rng = np.random.default_rng([7, 2, seed])
    if seed == 0:
        y, c = np.array([1.0, 3.0, 0.0]), 0
    else:
        y, c = _scores(rng), int(rng.integers(0, 3))
    p = softmax(y)
    loss = LOSSES["softmax_cross_entropy"](y[None, :], one_hot([c], 3))
    return Exercise(
        key="ch09.softmax-loss",
        title="Softmax and cross-entropy",
        question=(
            f"A classifier with three classes (0, 1, 2) gives the scores $y = {vector(y)}$ "
            f"for one image whose true class is $c = {c}$. Find the softmax probability "
            "$p_c = e^{y_c} / \\sum_k e^{y_k}$ of the true class and the cross-entropy loss "
            "$L = -\\log p_c$ (natural log). Two numbers, comma-separated, 4 significant digits."
        ),
        prompt=f"p_{c}, L =",
        answer=(float(p[c]), loss),
        hints=(
            f"Exponentiate each score, then divide e^(y_{c}) by the sum of all three.",
            "The loss is minus the natural logarithm of that probability; with one sample "
            "the mean over samples is that one value.",
        ),
        solution=(
            f"$e^{{y}} = {vector(np.round(np.exp(y), 4))}$, whose sum is "
            f"${np.exp(y).sum():.4f}$, so $p_{c} = {np.exp(y[c]):.4f} / {np.exp(y).sum():.4f} "
            f"= {p[c]:.4f}$ and $L = -\\log {p[c]:.4f} = {loss:.4f}$."
        ),
        params={"y": y.tolist(), "c": c},
    )


@register("ch09.output-delta")
def output_delta(seed: int) -> Exercise:
    r"""The output delta of softmax cross-entropy for one sample: $\partial L/\partial y = p - t$."""
    rng = np.random.default_rng([7, 3, seed])
    if seed == 0:
        y, c = np.array([2.0, -1.0, 0.0]), 2
    else:
        y, c = _scores(rng), int(rng.integers(0, 3))
    T = one_hot([c], 3)
    delta = LOSSES["softmax_cross_entropy"].grad(y[None, :], T)[0]
    p = softmax(y)
    return Exercise(
        key="ch09.output-delta",
        title="The output delta",
        question=(
            f"The output layer of a three-class network is the identity, and its scores "
            f"$y = {vector(y)}$ go into the softmax cross-entropy loss for one sample of "
            f"class $c = {c}$ (the classes are 0, 1, 2, counted from 0). Find the output delta $\\delta = \\partial L / \\partial y$ "
            "(three numbers, comma-separated, 4 significant digits)."
        ),
        prompt="∂L/∂y =",
        answer=tuple(delta),
        hints=(
            "For softmax followed by cross-entropy the derivative is simply p − t: the "
            "probabilities minus the one-hot target.",
            f"The one-hot target is t = {vector(T[0])}; compute p = softmax(y) first.",
        ),
        solution=(
            f"$p = \\operatorname{{softmax}}(y) = {vector(np.round(p, 4))}$ and "
            f"$t = {vector(T[0])}$, so $\\delta = p - t = {vector(np.round(delta, 4))}$. "
            "Every entry but the true class's is positive (pushed down); the true class's is "
            "negative (pushed up), and the entries sum to 0."
        ),
        params={"y": y.tolist(), "c": c},
    )


# ---- code: the gradient of softmax cross-entropy -------------------------------------------

_GRAD_TEMPLATE = '''def softmax_cross_entropy_grad(Z, labels):
    r"""The gradient of the mean softmax cross-entropy with respect to the scores.

    Z has shape (n, K): row i holds the scores z_i of sample i for the K classes.
    labels lists the n true classes c_i, whole numbers from 0 to K - 1.
    The loss is L = -(1/n) sum_i log p_{i, c_i}, with p_i = softmax(z_i).
    Return dL/dZ, an array of shape (n, K), without changing Z.
    """
    raise NotImplementedError
'''

_GRAD_REFERENCE = """def softmax_cross_entropy_grad(Z, labels):
    n, K = Z.shape
    # minus each row's max, so that exp cannot overflow; then the softmax of each row
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    P = E / np.sum(E, axis=1, keepdims=True)
    # p - t for each sample: subtract 1 at its true class
    G = P.copy()
    G[np.arange(n), labels] -= 1.0
    # the loss is a mean over the n samples
    return G / n
"""


def _ce_grad(Z: np.ndarray, labels: list[int]) -> np.ndarray:
    """The library's dL/dZ of the mean softmax cross-entropy."""
    return LOSSES["softmax_cross_entropy"].grad(Z, one_hot(labels, Z.shape[1]))


def _grad_test(name: str, Z: np.ndarray, labels: list[int]) -> CodeTest:
    return CodeTest(name, (Z, labels), expect(_ce_grad(Z, labels), "dL/dZ"))


def _grad_check(name: str, Z: np.ndarray, labels: list[int]) -> CodeTest:
    """A gradient check: central differences of the library's loss."""
    T = one_hot(labels, Z.shape[1])
    loss = LOSSES["softmax_cross_entropy"]
    numeric = numerical_gradient(lambda z: loss(z, T), Z)
    return CodeTest(name, (Z, labels), expect(numeric, "dL/dZ", rtol=1e-5, atol=1e-8))


@register("ch09.softmax-grad")
def softmax_grad(seed: int) -> CodeExercise:
    r"""Code: $\partial L/\partial Z = (P - T)/n$ for the mean softmax cross-entropy of a batch,
    checked against the library and by central differences."""
    rng = np.random.default_rng([79, 1, seed])

    def scores(n: int, k: int) -> np.ndarray:
        return rng.integers(-4, 5, size=(n, k)) / 2.0

    def classes(n: int, k: int) -> list[int]:
        return [int(c) for c in rng.integers(0, k, size=n)]

    big = np.array([[1000.0, 1001.0, 999.0], [-1000.0, 0.0, 1000.0]]) + rng.integers(0, 5)
    same = int(rng.integers(0, 3))
    tests = (
        _grad_test("a batch of 4 samples, 3 classes", scores(4, 3), classes(4, 3)),
        _grad_test("one sample (a batch of 1), 5 classes", scores(1, 5), classes(1, 5)),
        _grad_test("2 samples, 5 classes (more classes than samples)", scores(2, 5), classes(2, 5)),
        _grad_test("every score equal: each class equally likely", np.zeros((3, 4)), classes(3, 4)),
        _grad_test(
            "large scores, around 1000 (exp overflows unless each row's max is subtracted)",
            big,
            classes(2, 3),
        ),
        _grad_test("every sample of the same class", scores(3, 3), [same] * 3),
        _grad_check(
            "gradient check on random scores (5 samples, 4 classes)",
            rng.normal(size=(5, 4)),
            classes(5, 4),
        ),
    )
    return CodeExercise(
        key="ch09.softmax-grad",
        title="The gradient of softmax cross-entropy",
        question=(
            "Write `softmax_cross_entropy_grad(Z, labels)`. `Z` holds a batch of scores, one "
            "row per sample and one column per class (shape $(n, K)$), and `labels` the $n$ "
            "true classes $c_i$ (from 0). The loss is the mean cross-entropy "
            "$L = -\\frac{1}{n} \\sum_i \\log p_{i, c_i}$ with $p_i = \\operatorname{softmax}(z_i)$. "
            "Return $\\partial L/\\partial Z$, of shape $(n, K)$. The tests compare it with the "
            "library's gradient and with central differences of the loss, and include scores "
            "large enough to overflow `np.exp`."
        ),
        function="softmax_cross_entropy_grad",
        arguments=("Z", "labels"),
        template=_GRAD_TEMPLATE,
        reference=_GRAD_REFERENCE,
        tests=tests,
        hints=(
            "For one sample, ∂(−log p_c)/∂z = p − t, t being the one-hot row of class c. "
            "The loss is the mean over the batch.",
            "softmax is unchanged when you subtract the same number from every score of a row: "
            "subtract each row's max before np.exp. np.eye(K)[labels] gives the one-hot rows.",
        ),
        solution=(
            "For one sample $\\partial(-\\log p_c)/\\partial z = p - t$; the mean over $n$ "
            "samples divides each row by $n$: $\\partial L/\\partial Z = (P - T)/n$. Subtracting "
            "each row's maximum before `np.exp` leaves the softmax unchanged and keeps every "
            "exponent at most 0, so nothing overflows.\n\n"
            f"```python\n{_GRAD_REFERENCE}```"
        ),
        params={"tests": len(tests)},
    )


# ---- find the bug: one training step ---------------------------------------------------------

#: Two listings, each line right. ``train_step`` takes one gradient-descent step on a
#: network x -> relu(x W1) W2 -> softmax (no biases) with the mean cross-entropy;
#: ``full_batch_gradients`` adds up the gradients of chunks of a batch (``gradients`` returns
#: the gradients of one chunk's mean loss). tests/bank/test_bank_ch09.py runs them against
#: :class:`backprop.Network`.
STEP_LISTINGS: dict[str, tuple[str, ...]] = {
    "step": (
        "def train_step(W1, W2, X, labels, lr):",
        "    n, K = X.shape[0], W2.shape[1]",
        "    Z1 = X @ W1",
        "    A1 = np.maximum(Z1, 0.0)",
        "    Z2 = A1 @ W2",
        "    E = np.exp(Z2 - Z2.max(axis=1, keepdims=True))",
        "    P = E / E.sum(axis=1, keepdims=True)",
        "    T = np.eye(K)[labels]",
        "    D2 = (P - T) / n",
        "    D1 = (D2 @ W2.T) * (Z1 > 0)",
        "    W2 -= lr * (A1.T @ D2)",
        "    W1 -= lr * (X.T @ D1)",
    ),
    "chunks": (
        "def full_batch_gradients(W1, W2, X, labels, chunk):",
        "    n = X.shape[0]",
        "    dW1, dW2 = np.zeros_like(W1), np.zeros_like(W2)",
        "    for start in range(0, n, chunk):",
        "        Xc, yc = X[start : start + chunk], labels[start : start + chunk]",
        "        g1, g2 = gradients(W1, W2, Xc, yc)  # of the chunk's mean loss",
        "        m = Xc.shape[0]",
        "        dW1 += g1 * (m / n)",
        "        dW2 += g2 * (m / n)",
        "    return dW1, dW2",
    ),
}

_MEAN = (
    "The loss is the mean over the {what}, so {each} must be weighted by {weight}: the "
    "gradient of a mean is the mean of the gradients."
)
_OVERWRITE = (
    "Each chunk's gradient must be added to what the earlier chunks gave (`+=`); with `=` "
    "only the last chunk's gradient is left, the others overwritten."
)

#: The slips: (listing, line from 1, the wrong line, why it is wrong). Seed 0 draws the first.
STEP_SLIPS: tuple[tuple[str, int, str, str], ...] = (
    (
        "step",
        9,
        "    D2 = P - T",
        "The loss is the mean over the $n$ samples, $L = -\\frac1n \\sum_i \\log p_{i,c_i}$, "
        "so the output delta is $(P - T)/n$. Without the $1/n$ the step is $n$ times too "
        "large, and the right learning rate would depend on the batch size.",
    ),
    (
        "step",
        7,
        "    P = E / E.sum(axis=0, keepdims=True)",
        "The softmax normalises each sample's scores over the classes: a sum along each row "
        "(`axis=1`). `axis=0` divides by a sum over the samples of the batch.",
    ),
    (
        "step",
        8,
        "    T = np.eye(K)[labels - 1]",
        "The classes are counted from 0, as the rows of `np.eye(K)` are: `labels - 1` puts "
        "every sample's 1 in the column of the class before its own (class 0's in the last).",
    ),
    (
        "step",
        10,
        "    D1 = D2 @ W2.T",
        "The hidden deltas are $\\delta^{(1)} = (\\delta^{(2)} W_2^\\top) \\odot "
        "\\operatorname{relu}'(z^{(1)})$: a unit that was off ($z \\le 0$) passes no gradient. "
        "The factor `(Z1 > 0)` is missing.",
    ),
    (
        "step",
        11,
        "    W2 -= lr * (Z1.T @ D2)",
        "$\\partial L/\\partial W_2 = (a^{(1)})^\\top \\delta^{(2)}$: the layer's input is the "
        "activation $a^{(1)} = \\operatorname{relu}(z^{(1)})$ (`A1`), not the pre-activation.",
    ),
    (
        "step",
        11,
        "    W2 += lr * (A1.T @ D2)",
        "Gradient descent steps against the gradient, $W \\leftarrow W - \\eta\\,\\partial L/"
        "\\partial W$; adding it climbs the loss.",
    ),
    (
        "step",
        6,
        "    E = np.exp(Z2 - Z2.max(axis=0, keepdims=True))",
        "Subtracting the same number from every score of one sample leaves its softmax "
        "unchanged; `axis=0` subtracts each class's maximum over the batch, a different "
        "number per class, which changes the probabilities. It must be each row's max "
        "(`axis=1`).",
    ),
    ("chunks", 8, "        dW1 = g1 * (m / n)", _OVERWRITE),
    ("chunks", 9, "        dW2 = g2 * (m / n)", _OVERWRITE),
    (
        "chunks",
        7,
        "        m = chunk",
        "The last chunk holds only the samples left over, fewer than `chunk` when $n$ is not "
        "a multiple of it: its mean must be weighted by its own size `Xc.shape[0]`.",
    ),
    (
        "chunks",
        8,
        "        dW1 += g1",
        _MEAN.format(
            what="$n$ samples", each="each chunk's mean gradient", weight="its share $m/n$"
        ),
    ),
)

_STEP_NOTES: dict[str, dict[int, str]] = {
    "step": {
        2: "n samples (rows of X) and K classes (columns of W2).",
        3: "the hidden pre-activations z⁽¹⁾ = x W₁ (no biases in this network).",
        4: "ReLU, entry by entry.",
        5: "the scores z⁽²⁾ = a⁽¹⁾ W₂.",
        6: "subtracting each row's max leaves the softmax unchanged and keeps exp from overflowing.",
        7: "each row (one sample) is normalised over its classes: axis=1.",
        8: "np.eye(K)[labels] is one row per sample with a 1 in its class's column.",
        9: "the loss is the mean over n samples: the output delta is (p − t)/n.",
        10: "the deltas go back through W₂ transposed, times relu′(z⁽¹⁾) (1 where z > 0).",
        11: "∂L/∂W₂ = (a⁽¹⁾)ᵀ δ⁽²⁾, and descent subtracts it.",
        12: "∂L/∂W₁ = xᵀ δ⁽¹⁾, and descent subtracts it.",
    },
    "chunks": {
        3: "the sums start at 0, once, before the chunks.",
        5: "the next chunk of samples and its labels (the last may be smaller).",
        6: "the gradients of this chunk's mean loss.",
        7: "m is this chunk's own size (the last chunk may be smaller).",
        8: "the chunk's mean gradient, weighted by its share m/n, added to the sum.",
        9: "the chunk's mean gradient, weighted by its share m/n, added to the sum.",
    },
}

_STEP_TASK = {
    "step": (
        "`train_step` should take one step of gradient descent, in place, for a network "
        "with one hidden ReLU layer and no biases ($z^{(1)} = x W_1$, "
        "$a^{(1)} = \\operatorname{relu}(z^{(1)})$, scores $z^{(2)} = a^{(1)} W_2$), on the mean "
        "softmax cross-entropy of the batch `X` (one sample per row) with true classes "
        "`labels` (from 0)."
    ),
    "chunks": (
        "`full_batch_gradients` should return the gradients $\\partial L/\\partial W_1$ and "
        "$\\partial L/\\partial W_2$ of the mean loss over all $n$ samples of `X`, computed "
        "a chunk of samples at a time to save memory ($n$ need not be a multiple of `chunk`). "
        "`gradients(W1, W2, Xc, yc)` returns the gradients of one chunk's mean loss."
    ),
}


_STEP_HINTS = {
    "step": (
        "Check each line against the chapter: the softmax of each sample, the one-hot "
        "targets, the output delta of the mean loss, the backward pass of chapter 6, the "
        "direction of the step.",
        "Shapes: X is (n, inputs), Z1 and A1 are (n, hidden), Z2, P and T are (n, K); a sum "
        "or a maximum over a sample's classes runs along axis 1.",
    ),
    "chunks": (
        "The loss is the mean over all n samples; one chunk's gradient is the mean over its "
        "own m samples.",
        "The mean over n is the sum over the chunks of m/n times each chunk's mean, and every "
        "chunk's term must be kept.",
    ),
}


@register("ch09.step-bug")
def step_bug(seed: int) -> BugExercise:
    """One wrong line in a training step: a missing 1/n, softmax over the batch, one-hot of the
    wrong class, relu' left out, z for a, a wrong sign; or, adding up the gradients of chunks,
    one overwritten or weighted wrongly."""
    rng = np.random.default_rng([79, 2, seed])
    which = 0 if seed == 0 else int(rng.integers(len(STEP_SLIPS)))
    name, line, wrong, why = STEP_SLIPS[which]
    right = STEP_LISTINGS[name]
    listing = list(right)
    listing[line - 1] = wrong
    fixed = right[line - 1].strip()
    return BugExercise(
        key="ch09.step-bug",
        title="A slip in the training step",
        question=f"{_STEP_TASK[name]} Exactly one line is wrong: which?",
        listing=tuple(listing),
        bug=line,
        notes={k: v for k, v in _STEP_NOTES[name].items() if k != line},
        explanation=f"{why} The line should read `{fixed}`.",
        hints=_STEP_HINTS[name],
        solution=f"Line {line} is wrong. {why} The right line is\n\n```python\n{fixed}\n```",
        params={"listing": name, "slip": which, "bug": line},
    )


# ---- formula: the output delta of two-class softmax cross-entropy --------------------------

#: Variants: (the setting in Markdown, the derivative asked for in LaTeX, the prompt, the
#: answer in the formula grammar, its LaTeX, the variables' names). tests/bank/test_bank_ch09.py
#: checks each against central differences of the library's loss.
TWO_CLASS: tuple[tuple[str, str, str, str, str, tuple[str, ...]], ...] = (
    (
        "two classes with scores $z_1$ and $z_2$",
        "z_1",
        "∂L/∂z₁ =",
        "sigma(z1 - z2) - y1",
        "\\sigma(z_1 - z_2) - y_1",
        ("z1", "z2", "y1"),
    ),
    (
        "two classes with scores $z_1$ and $z_2$",
        "z_2",
        "∂L/∂z₂ =",
        "sigma(z2 - z1) - (1 - y1)",
        "\\sigma(z_2 - z_1) - (1 - y_1)",
        ("z1", "z2", "y1"),
    ),
    (
        "two classes whose scores come from one input $x$: $z_1 = w_1\\,x$ and $z_2 = w_2\\,x$",
        "w_1",
        "∂L/∂w₁ =",
        "x*(sigma((w1 - w2)*x) - y1)",
        "x\\,\\big(\\sigma((w_1 - w_2)\\,x) - y_1\\big)",
        ("w1", "w2", "x", "y1"),
    ),
    (
        "two classes whose scores come from one input $x$: $z_1 = w_1\\,x$ and $z_2 = w_2\\,x$",
        "w_2",
        "∂L/∂w₂ =",
        "x*(sigma((w2 - w1)*x) - (1 - y1))",
        "x\\,\\big(\\sigma((w_2 - w_1)\\,x) - (1 - y_1)\\big)",
        ("w1", "w2", "x", "y1"),
    ),
    (
        "three classes with scores $z_1$, $z_2$ and $z_3$ (the targets $y_1, y_2, y_3$ add up "
        "to 1)",
        "z_1",
        "∂L/∂z₁ =",
        "exp(z1)/(exp(z1) + exp(z2) + exp(z3)) - y1",
        "\\frac{e^{z_1}}{e^{z_1} + e^{z_2} + e^{z_3}} - y_1",
        ("z1", "z2", "z3", "y1"),
    ),
)

_TWO_CLASS_TEX = {"z1": "z_1", "z2": "z_2", "z3": "z_3", "w1": "w_1", "w2": "w_2", "x": "x"}


@register("ch09.two-class")
def two_class(seed: int) -> FormulaExercise:
    r"""$\partial L/\partial z_1 = \sigma(z_1 - z_2) - y_1$ for two-class softmax cross-entropy
    (and variants: the other score, scores $w_j x$, three classes): softmax with two classes
    is the sigmoid of the difference of the scores."""
    from ..exercises.formula import Variable

    rng = np.random.default_rng([79, 3, seed])
    which = 0 if seed == 0 else int(rng.integers(len(TWO_CLASS)))
    setting, wrt, prompt, formula, latex, names = TWO_CLASS[which]
    variables = tuple(
        Variable("y1", "y_1", ("y_1",), 0.0, 1.0)
        if n == "y1"
        else Variable(n, _TWO_CLASS_TEX[n], (f"{n[0]}_{n[1]}",) if len(n) == 2 else (), -2.0, 2.0)
        for n in names
    )
    typed = ", ".join(f"`{n}`" for n in names)
    return FormulaExercise(
        key="ch09.two-class",
        title="Two classes, as a formula",
        question=(
            f"A classifier has {setting}. For one sample, $p = \\operatorname{{softmax}}(z)$ and "
            "the loss is the cross-entropy $L = -\\sum_j y_j \\log p_j$, where $y_1$ is the "
            "target probability of class 1 (1 for a sample of class 1, 0 otherwise)"
            + (" and $y_2 = 1 - y_1$" if "three" not in setting else "")
            + f". Give $\\partial L/\\partial {wrt}$ as a formula in {typed}; "
            "`sigma(...)` is the logistic sigmoid $\\sigma(t) = 1/(1 + e^{-t})$ and `exp(...)` "
            "the exponential."
        ),
        prompt=prompt,
        formula=formula,
        variables=variables,
        hints=(
            "With one-hot (or any) targets that add up to 1, ∂L/∂z_j = p_j − y_j.",
            "With two classes, p₁ = e^{z₁}/(e^{z₁} + e^{z₂}) = 1/(1 + e^{−(z₁ − z₂)}) = σ(z₁ − z₂).",
        ),
        solution=(
            "For targets that add up to 1, $\\partial L/\\partial z_j = p_j - y_j$; with two "
            "classes $p_1 = e^{z_1}/(e^{z_1} + e^{z_2}) = \\sigma(z_1 - z_2)$ (divide above and "
            "below by $e^{z_1}$)"
            + (
                ", and a score $z_j = w_j\\,x$ adds the factor $\\partial z_j/\\partial w_j = x$"
                if "w" in wrt
                else ""
            )
            + f". So $\\partial L/\\partial {wrt} = {latex}$ (typed: `{formula}`): the "
            "predicted probability minus the target, the $p - t$ of this chapter."
        ),
        params={"variant": which},
    )
