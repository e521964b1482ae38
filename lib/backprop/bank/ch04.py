r"""Exercises of chapter 4, indicator functions: the ReLU's mask $\mathbb 1[z > 0]$ on deltas.

Each ``make(seed)`` returns one variant; seed 0 is the book's. Answers come from
:func:`backprop.activations.relu_derivative` and :meth:`backprop.Network.backward`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..activations import relu, relu_derivative
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
from ..network import Network
from ._fair import fair_variant
from ._format import tenths
from ._listings import plant


def _mixed(z: np.ndarray) -> bool:
    """At least one unit on and one off: otherwise the mask teaches nothing."""
    return bool((z > 0).any() and (z <= 0).any())


def _text(v: np.ndarray) -> str:
    """Numbers as the plain-text list a student types: 1, 0, 1."""
    return vector(v)[1:-1]


@register("ch04.mask")
def mask(seed: int) -> Exercise:
    r"""Which weights learn: $\partial L/\partial W = x^\top \big(\partial L/\partial a \odot
    \mathbb 1[z > 0]\big)$ for one sample, with $\mathrm{ReLU}'(0) = 0$: an off unit's
    column is 0."""

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        z = tenths(rng, 3, -20, 20)
        if rng.random() < 0.5:
            z[rng.integers(3)] = 0.0  # sometimes test the convention at z = 0
        return tenths(rng, 2, -20, 20), z, tenths(rng, 3, -15, 15)

    def fair(c: tuple[np.ndarray, np.ndarray, np.ndarray]) -> bool:
        return _mixed(c[1])

    book = (np.array([1.5, -2.0]), np.array([0.8, 0.0, -1.1]), np.array([0.4, -0.6, 1.2]))
    x, z, g = fair_variant(seed, (4, 1), draw, fair, book=lambda: book)
    dW = _layer_weight_gradient(x, z, g)
    m = relu_derivative(z)
    off = [str(j + 1) for j in range(3) if m[j] == 0]
    return Exercise(
        key="ch04.mask",
        title="Which weights learn",
        question=(
            f"A ReLU layer of three units gets the input $x = {vector(x)}$ (one sample, two "
            f"inputs). Its pre-activations are $z = {vector(z)}$ and the gradient from above is "
            f"$\\partial L/\\partial a = {vector(g)}$. Find the gradient of the loss with respect "
            "to the layer's $2 \\times 3$ weight matrix, "
            "$\\partial L/\\partial W_{ij}$ for the weight from input $i$ to unit $j$, with the "
            "book's $\\mathrm{ReLU}'(0) = 0$. Give it row by row: six numbers, "
            "$\\partial L/\\partial W_{11}, \\partial L/\\partial W_{12}, \\dots, "
            "\\partial L/\\partial W_{23}$."
        ),
        prompt="∂L/∂W (row by row) =",
        answer=tuple(dW.ravel()),
        rtol=1e-9,
        atol=1e-9,
        hints=(
            "First the deltas: δ = ∂L/∂a ⊙ 1[z > 0], with 1[0 > 0] = 0.",
            "Then ∂L/∂W_ij = x_i δ_j: the input of the weight times the delta of its unit. "
            "A unit that is off has δ_j = 0, so its whole column is 0.",
        ),
        solution=(
            f"The mask is $\\mathbb 1[z > 0] = {vector(m)}$, so "
            f"$\\delta = {vector(g * m + 0.0)}$. Each weight's gradient is its input times "
            f"its unit's delta, $\\partial L/\\partial W = x^\\top \\delta = {_rows(dW)}$. "
            f"Unit{'s' if len(off) > 1 else ''} {' and '.join(off)} "
            f"{'are' if len(off) > 1 else 'is'} off, so "
            f"{'their columns are' if len(off) > 1 else 'its column is'} 0: "
            "this sample teaches those weights nothing."
            + (" (A unit at exactly $z = 0$ counts as off.)" if np.any(z == 0) else "")
        ),
        params={"x": x.tolist(), "z": z.tolist(), "g": g.tolist()},
    )


def _layer_weight_gradient(x: np.ndarray, z: np.ndarray, g: np.ndarray) -> np.ndarray:
    """∂L/∂W of a ReLU layer with pre-activations z on input x, given ∂L/∂a = g (library's backward).

    The layer is W = 0 with bias z, so its pre-activations are z for any input; the loss
    ½‖a − (a − g)‖² has ∂L/∂a = g.
    """
    layer = Network([np.zeros((x.size, z.size))], [z], "relu")
    trace = layer.forward(x.reshape(1, -1))
    dW = layer.backward(trace, trace.output - g, "half_sse").dW[0]
    return np.round(dW, 12) + 0.0  # no float noise, no -0


def _rows(A: np.ndarray) -> str:
    body = " \\\\ ".join(" & ".join(f"{v:g}" for v in r) for r in A)
    return f"\\begin{{bmatrix}} {body} \\end{{bmatrix}}"


@register("ch04.masked-delta")
def masked_delta(seed: int) -> Exercise:
    r"""$\delta = \partial L/\partial a \odot \mathbb 1[z > 0]$ for one sample of a ReLU layer."""
    z, g = fair_variant(
        seed,
        (4, 2),
        lambda rng: (tenths(rng, 4), tenths(rng, 4, -20, 20)),
        lambda c: _mixed(c[0]),
        book=lambda: (np.array([0.7, -1.2, 2.0, -0.1]), np.array([0.5, -0.8, -1.5, 2.0])),
    )
    m = relu_derivative(z)
    delta = g * m + 0.0  # + 0.0: no "-0" in the answer
    return Exercise(
        key="ch04.masked-delta",
        title="Mask the deltas",
        question=(
            f"In the backward pass a ReLU layer has pre-activations $z = {vector(z)}$, and the "
            f"gradient arriving from above is $\\partial L/\\partial a = {vector(g)}$. "
            "Find the layer's delta "
            "$\\delta = \\partial L/\\partial a \\odot \\mathbb 1[z > 0]$ "
            "(four numbers, comma-separated)."
        ),
        prompt="δ =",
        answer=tuple(delta),
        rtol=1e-9,
        atol=1e-9,
        hints=(
            f"First the mask: 1[z > 0] = {_text(m)}.",
            "Multiply entry by entry: where the mask is 0 the delta is 0, "
            "where it is 1 the delta is the upstream gradient unchanged.",
        ),
        solution=(
            f"The mask is $\\mathbb 1[z > 0] = {vector(m)}$, so "
            f"$\\delta = {vector(g)} \\odot {vector(m)} = {vector(delta)}$: the units that are "
            "off pass no gradient back."
        ),
        params={"z": z.tolist(), "g": g.tolist()},
    )


@register("ch04.batch-bias")
def batch_bias(seed: int) -> Exercise:
    r"""$\partial L/\partial b = \sum_i \delta_i$ over a batch: the mask acts sample by sample."""

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        return tenths(rng, 6).reshape(3, 2), tenths(rng, 6, -10, 10).reshape(3, 2)

    def fair(c: tuple[np.ndarray, np.ndarray]) -> bool:
        Z, G = c
        D = G * relu_derivative(Z)
        # Each unit on for some samples and off for others, and a non-zero answer.
        cols = all(_mixed(Z[:, j]) for j in range(2))
        return bool(cols and np.all(np.abs(D.sum(axis=0)) > 0.05))

    book = (
        np.array([[0.5, -1.0], [-0.3, 0.8], [1.2, 0.4]]),
        np.array([[0.2, 0.6], [-0.5, -0.4], [0.3, 0.1]]),
    )
    Z, G = fair_variant(seed, (4, 3), draw, fair, book=lambda: book)
    M = relu_derivative(Z)
    D = G * M + 0.0
    db = np.round(D.sum(axis=0), 12) + 0.0  # round off float noise: 0.9, not 0.8999999999999999

    def rows(A: np.ndarray) -> str:
        body = " \\\\ ".join(" & ".join(f"{v:g}" for v in r) for r in A)
        return f"\\begin{{bmatrix}} {body} \\end{{bmatrix}}"

    return Exercise(
        key="ch04.batch-bias",
        title="A bias gradient over a batch",
        question=(
            "A ReLU layer of two units sees a batch of three samples (one row each). Its "
            f"pre-activations are $Z = {rows(Z)}$ and the gradient from above is "
            f"$\\partial L/\\partial A = {rows(G)}$. Find the gradient of the loss with respect "
            "to the layer's two biases, $\\partial L/\\partial b = \\sum_i \\delta_i$ "
            "(two numbers, comma-separated)."
        ),
        prompt="∂L/∂b =",
        answer=tuple(db),
        rtol=1e-9,
        atol=1e-9,
        hints=(
            "Mask each row on its own: δ = ∂L/∂A ⊙ 1[Z > 0], entry by entry.",
            "Then add the rows of δ: each bias collects the deltas of its unit over the batch.",
        ),
        solution=(
            f"The mask is $\\mathbb 1[Z > 0] = {rows(M)}$, so $\\delta = {rows(D)}$, and the "
            f"column sums give $\\partial L/\\partial b = {vector(db)}$."
        ),
        params={"Z": Z.tolist(), "G": G.tolist()},
    )


@register("ch04.one-unit")
def one_unit(seed: int) -> Exercise:
    r"""One ReLU unit, loss $\tfrac12 (y - t)^2$: $\partial L/\partial w = (y - t)\,\mathbb 1[z > 0]\,x$."""

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, float, float]:
        x = rng.integers(-3, 4, size=3).astype(float)
        w = rng.integers(-3, 4, size=3).astype(float)
        return x, w, float(rng.integers(-2, 3)), float(rng.integers(-2, 6))

    def unit(x: np.ndarray, w: np.ndarray, b: float, t: float) -> tuple[float, float, Any]:
        net = Network([w.reshape(3, 1)], [[b]], "relu")
        trace = net.forward(x.reshape(1, 3))
        grads = net.backward(trace, [[t]], "half_sse")
        return float(trace.z[0][0, 0]), float(trace.output[0, 0]), grads.dW[0][:, 0]

    def fair(c: tuple[np.ndarray, np.ndarray, float, float]) -> bool:
        z, y, _ = unit(*c)
        # On (z > 0), off the target, and no zero entry of x: a gradient worth computing.
        return bool(z > 0 and y != c[3] and np.all(c[0] != 0))

    book = (np.array([2.0, 1.0, -1.0]), np.array([0.5, -1.0, 1.0]), 2.0, 3.0)
    x, w, b, t = fair_variant(seed, (4, 4), draw, fair, book=lambda: book)
    z, y, dw = unit(x, w, b, t)
    return Exercise(
        key="ch04.one-unit",
        title="One ReLU unit",
        question=(
            f"One ReLU unit computes $z = w \\cdot x + b$ and $y = \\mathrm{{ReLU}}(z)$, with "
            f"$x = {vector(x)}$, $w = {vector(w)}$, $b = {b:g}$. The loss is "
            f"$L = \\tfrac12 (y - t)^2$ with target $t = {t:g}$. Find $\\partial L/\\partial w$ "
            "(three numbers, comma-separated)."
        ),
        prompt="∂L/∂w =",
        answer=tuple(dw),
        rtol=1e-9,
        atol=1e-9,
        hints=(
            f"Forward first: z = {z:g}, so the unit is on (1[z > 0] = 1) and y = {y:g}.",
            "∂L/∂w = (y − t) · 1[z > 0] · x: the upstream gradient, the indicator, then the input.",
        ),
        solution=(
            f"$z = {z:g} > 0$, so $y = {y:g}$ and the indicator is 1; "
            f"$\\partial L/\\partial y = y - t = {y - t:g}$, so "
            f"$\\partial L/\\partial w = {y - t:g} \\cdot 1 \\cdot {vector(x)} = {vector(dw)}$."
        ),
        params={"x": x.tolist(), "w": w.tolist(), "b": b, "t": t},
    )


# ---- find the bug: a ReLU layer's backward pass -------------------------------------------

#: The backward pass of a 2-3-1 network (ReLU hidden layer, linear output) for
#: $L = \tfrac12 \sum (y - t)^2$, right; :func:`relu_layer_bug` plants one slip in it.
RELU_BACKWARD = (
    "def backward(X, T, W1, b1, W2, b2):",
    "    Z1 = X @ W1 + b1",
    "    A1 = np.maximum(Z1, 0)",
    "    Y = A1 @ W2 + b2",
    "    dY = Y - T",
    "    dW2 = A1.T @ dY",
    "    db2 = dY.sum(axis=0)",
    "    dA1 = dY @ W2.T",
    "    dZ1 = dA1 * (Z1 > 0)",
    "    dW1 = X.T @ dZ1",
    "    db1 = dZ1.sum(axis=0)",
    "    return dW1, db1, dW2, db2",
)

#: What a student who picks a right line is told, line by line.
RELU_NOTES = {
    1: "the function gets the batch X (one row per sample), the targets T and the parameters.",
    2: "Z1 = X W1 + b1 is the hidden layer's pre-activation, b1 added to every row.",
    3: "np.maximum(Z1, 0) is the ReLU, entry by entry.",
    4: "the output layer is linear: Y = A1 W2 + b2.",
    5: "for L = ½ Σ (y − t)² the gradient ∂L/∂Y is Y − T: the ½ cancels the 2.",
    6: "the output weights multiply A1, so ∂L/∂W2 = A1ᵀ dY, of W2's shape (3, 1).",
    7: "a bias gradient is the sum of its unit's deltas over the batch.",
    8: "dY @ W2.T sends the gradient back through the output weights: (n, 1) @ (1, 3) "
    "gives one number per hidden unit and sample.",
    9: "the mask 1[Z1 > 0] tests this layer's pre-activations, with ReLU'(0) = 0 as the "
    "book chooses.",
    10: "X.T @ dZ1 has W1's shape (2, 3): each input times the masked deltas.",
    11: "db1 sums the masked deltas over the batch.",
    12: "it returns all four gradients.",
}

#: The slips planted in :data:`RELU_BACKWARD`: (name, line, wrong text, why it is wrong).
RELU_SLIPS = (
    (
        "the mask from the wrong layer",
        9,
        "    dZ1 = dA1 * (Y > 0)",
        "The mask of the hidden layer is $\\mathbb 1[Z_1 > 0]$, its own pre-activations. "
        "`Y > 0` tests the output, of shape $(n, 1)$, which numpy broadcasts across the "
        "three hidden units without a complaint: every hidden unit of a sample is switched "
        "on or off together, by the output's sign.",
    ),
    (
        "a missing mask",
        9,
        "    dZ1 = dA1",
        "The ReLU's derivative $\\mathbb 1[z > 0]$ is missing: the chain rule multiplies "
        "$\\partial L/\\partial A_1$ by it entry by entry. Without it an off unit passes "
        "gradient back as if it were linear.",
    ),
    (
        "z >= 0 for the book's z > 0",
        9,
        "    dZ1 = dA1 * (Z1 >= 0)",
        "The book takes $\\mathrm{ReLU}'(0) = 0$, the mask $\\mathbb 1[z > 0]$. With "
        "`>=` a unit at exactly $z = 0$ counts as on. That happens: an all-zero input into "
        "a layer whose biases are 0 makes every $z$ of that sample exactly 0, and this line "
        "then lets the gradient through where the library's backward pass gives 0.",
    ),
    (
        "the unmasked gradient for the weights",
        10,
        "    dW1 = X.T @ dA1",
        "The weight gradient needs the deltas $\\delta = \\partial L/\\partial A_1 \\odot "
        "\\mathbb 1[Z_1 > 0]$, the masked gradient `dZ1`: with `dA1` the weights into an off "
        "unit learn from a sample that never reached them.",
    ),
    (
        "the unmasked gradient for the biases",
        11,
        "    db1 = dA1.sum(axis=0)",
        "The bias gradient is the sum of the deltas, the masked gradient `dZ1`; `dA1` gives "
        "an off unit's bias a gradient it does not have.",
    ),
    (
        "W not transposed",
        8,
        "    dA1 = dY @ W2",
        "Going back through $Y = A_1 W_2$ multiplies by $W_2^\\top$: "
        "$\\partial L/\\partial A_1 = dY\\, W_2^\\top$, shapes $(n, 1)$ times $(1, 3)$. "
        "`dY @ W2` multiplies $(n, 1)$ by $(3, 1)$, which does not even fit.",
    ),
    (
        "the pre-activation for the activation",
        6,
        "    dW2 = Z1.T @ dY",
        "The output weights multiply the hidden layer's output $A_1 = \\mathrm{ReLU}(Z_1)$, "
        "so $\\partial L/\\partial W_2 = A_1^\\top dY$. `Z1` still holds the negative "
        "pre-activations of the off units, whose output is 0.",
    ),
)


@register("ch04.relu-layer-bug")
def relu_layer_bug(seed: int) -> BugExercise:
    r"""The backward pass of a ReLU layer in code, with one slip planted per seed
    (seed 0: the mask taken from the output, $\mathbb 1[Y > 0]$, for $\mathbb 1[Z_1 > 0]$)."""
    rng = np.random.default_rng([4, 5, seed])
    index = 0 if seed == 0 else int(rng.integers(len(RELU_SLIPS)))
    name, line, wrong, why = RELU_SLIPS[index]
    return BugExercise(
        key="ch04.relu-layer-bug",
        title="Find the bug in a ReLU layer's backward pass",
        question=(
            "This function runs the backward pass of a network with two inputs, a hidden "
            "layer of three ReLU units and one linear output, in the book's batch-first "
            "layout: $X$ has one row per sample, `W1` is $2 \\times 3$ and `W2` is "
            "$3 \\times 1$. It should return the gradients of "
            "$L = \\tfrac12 \\sum (y - t)^2$ with respect to $W_1$, $b_1$, $W_2$ and $b_2$, "
            "with the book's $\\mathrm{ReLU}'(0) = 0$. One line is wrong. Which one?"
        ),
        hints=(
            "Write the shape next to each line: X is (n, 2), Z1 and A1 are (n, 3), Y is (n, 1).",
            "The mask 1[Z1 > 0] belongs to the hidden layer, and everything the hidden layer's "
            "parameters learn must pass through it.",
        ),
        **plant(RELU_BACKWARD, name, line, wrong, why, RELU_NOTES),
    )


# ---- code: the ReLU's backward step --------------------------------------------------------

RELU_TEMPLATE = '''def relu_backward(z, upstream):
    """The backward step of a ReLU layer a = max(z, 0), applied entry by entry.

    z:        the pre-activations, an array of shape (n, units): one row per sample.
    upstream: the upstream gradient dL/da, an array of the same shape.
    Returns   dL/dz, entry by entry, with ReLU'(0) = 0 as in the book: a new array of
              the same shape (z and upstream stay as they are).
    """
    raise NotImplementedError
'''

RELU_REFERENCE = """def relu_backward(z, upstream):
    # The indicator 1[z > 0]: False at z = 0, so ReLU'(0) = 0.
    mask = z > 0
    # A new array: the gradient where the unit is on, 0 elsewhere.
    return upstream * mask
"""


def _relu_backward(z: np.ndarray, upstream: np.ndarray) -> np.ndarray:
    return relu_derivative(z) * upstream + 0.0


def _away_from_zero(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Tenths with |z| >= 0.3: central differences with a step of 1e-6 never cross the kink."""
    mag = rng.integers(3, 26, size=shape) / 10
    return mag * rng.choice([-1.0, 1.0], size=shape)


@register("ch04.relu-backward")
def relu_backward(seed: int) -> CodeExercise:
    r"""Code: $\partial L/\partial z = \mathbb 1[z > 0] \odot \partial L/\partial a$ with
    $\mathrm{ReLU}'(0) = 0$, checked against the library and against central differences."""
    rng = np.random.default_rng([4, 6, seed])
    one = (_away_from_zero(rng, (1, 4)), tenths(rng, 4, -20, 20).reshape(1, 4))
    batch = (_away_from_zero(rng, (2, 3)), tenths(rng, 6, -20, 20).reshape(2, 3))
    at_zero = (np.array([[0.0, 0.5, 0.0], [-0.5, 0.0, 1.0]]), tenths(rng, 6, -20, 20).reshape(2, 3))
    off = (-np.abs(_away_from_zero(rng, (2, 2))), tenths(rng, 4, -20, 20).reshape(2, 2))
    big = (np.array([[1e8, -1e8, 3e7]]), tenths(rng, 3, -20, 20).reshape(1, 3))
    z_check, g_check = _away_from_zero(rng, (3, 2)), tenths(rng, 6, -20, 20).reshape(3, 2)
    numeric = numerical_gradient(lambda v: float(np.sum(g_check * relu(v))), z_check)
    tests = (
        CodeTest(
            "one sample with units on and off: shape (1, 4)",
            one,
            expect(_relu_backward(*one), "dL/dz"),
        ),
        CodeTest(
            "a batch of 2 samples with 3 units: shape (2, 3)",
            batch,
            expect(_relu_backward(*batch), "dL/dz"),
        ),
        CodeTest(
            "z exactly 0 passes no gradient (ReLU'(0) = 0)",
            at_zero,
            expect(_relu_backward(*at_zero), "dL/dz"),
        ),
        CodeTest(
            "every unit off: dL/dz is all zeros",
            off,
            expect(_relu_backward(*off), "dL/dz"),
        ),
        CodeTest(
            "large |z| (up to 1e8): the mask is still 0 or 1",
            big,
            expect(_relu_backward(*big), "dL/dz"),
        ),
        CodeTest(
            "gradient check: dL/dz against central differences of L = sum(upstream * relu(z))",
            (z_check, g_check),
            expect(numeric, "dL/dz", rtol=1e-6, atol=1e-8),
        ),
    )
    return CodeExercise(
        key="ch04.relu-backward",
        title="The backward step of a ReLU, in code",
        question=(
            "A ReLU layer computes $a = \\max(z, 0)$ entry by entry. In the backward pass it "
            "receives the upstream gradient $\\partial L/\\partial a$ and passes on "
            "$\\partial L/\\partial z$, using $\\mathrm{ReLU}'(z) = \\mathbb 1[z > 0]$ (so "
            "$\\mathrm{ReLU}'(0) = 0$, as in the book). "
            "Complete `relu_backward(z, upstream)`: both arguments are arrays of one shape, "
            "one row per sample, and it returns a new array of that shape."
        ),
        function="relu_backward",
        arguments=("z", "upstream"),
        template=RELU_TEMPLATE,
        reference=RELU_REFERENCE,
        tests=tests,
        hints=(
            "z > 0 gives an array of True and False of z's shape; numpy treats them as 1 and 0 "
            "in a product.",
            "Multiply the upstream gradient by the mask entry by entry. Write into neither z "
            "nor upstream: `upstream[z <= 0] = 0` would change the caller's array.",
        ),
        solution=(
            "```python\n" + RELU_REFERENCE + "```\n\n"
            "The ReLU's local derivative is the indicator $\\mathbb 1[z > 0]$, evaluated at the "
            "pre-activation; the chain rule multiplies it by the upstream gradient entry by "
            "entry. `z > 0` is False at exactly 0, which is the book's choice "
            "$\\mathrm{ReLU}'(0) = 0$ (`z >= 0` would let the gradient through there). The "
            "product is a new array, so neither argument changes."
        ),
        params={"seed": seed},
    )


# ---- formula: one ReLU unit's gradient -----------------------------------------------------

#: The losses a variant may use: (LaTeX, ∂L/∂y typed, ∂L/∂y in LaTeX, name).
_UNIT_LOSSES = (
    ("\\tfrac12 (y - t)^2", "(relu(w*x + b) - t)", "(y - t)", "half"),
    ("(y - t)^2", "2*(relu(w*x + b) - t)", "2(y - t)", "square"),
)
#: The parameter asked for: (name, ∂z/∂p typed, ∂z/∂p in LaTeX).
_UNIT_PARAMS = (("w", "x", "x"), ("b", "", "1"), ("x", "w", "w"))


@register("ch04.relu-formula")
def relu_formula(seed: int) -> FormulaExercise:
    r"""A formula: $\partial L/\partial w = (\mathrm{ReLU}(wx + b) - t)\,
    \mathrm{ReLU}'(wx + b)\, x$ for $L = \tfrac12 (y - t)^2$ (seed 0), or the gradient with
    respect to $b$ or $x$, or with the loss $(y - t)^2$."""
    from ..exercises.formula import Variable

    rng = np.random.default_rng([4, 7, seed])
    if seed == 0:
        loss, param = _UNIT_LOSSES[0], _UNIT_PARAMS[0]
    else:
        loss = _UNIT_LOSSES[int(rng.integers(len(_UNIT_LOSSES)))]
        param = _UNIT_PARAMS[int(rng.integers(len(_UNIT_PARAMS)))]
    loss_tex, upstream, upstream_tex, _ = loss
    p, local, local_tex = param
    formula = "*".join(f for f in (upstream, "relu'(w*x + b)", local) if f)
    variables = (
        Variable("w", "w", (), -2.0, 2.0),
        Variable("x", "x", (), -2.0, 2.0),
        Variable("b", "b", (), -1.0, 1.0),
        Variable("t", "t", (), -1.0, 1.0),
    )
    chain = (
        f"\\frac{{\\partial L}}{{\\partial {p}}} = \\frac{{\\partial L}}{{\\partial y}}\\,"
        f"\\frac{{\\partial y}}{{\\partial z}}\\,\\frac{{\\partial z}}{{\\partial {p}}} = "
        f"{upstream_tex} \\cdot \\mathrm{{ReLU}}'(z) \\cdot {local_tex}"
    )
    return FormulaExercise(
        key="ch04.relu-formula",
        title="One ReLU unit's gradient as a formula",
        question=(
            "One ReLU unit with one input computes $z = w x + b$ and $y = \\mathrm{ReLU}(z)$, "
            f"and the loss is $L = {loss_tex}$ for a target $t$. Write "
            f"$\\partial L/\\partial {p}$ as a formula in $w$, $x$, $b$ and $t$. Type "
            "$\\mathrm{ReLU}(z)$ as `relu(z)` and its derivative $\\mathbb 1[z > 0]$ as "
            "`relu'(z)` (with $\\mathrm{ReLU}'(0) = 0$, as in the book)."
        ),
        prompt=f"∂L/∂{p} =",
        formula=formula,
        variables=variables,
        hints=(
            f"Three links: ∂L/∂y, then the indicator ∂y/∂z = relu'(z), then ∂z/∂{p} = {local_tex}.",
            "Write z out as w*x + b wherever it appears: the answer may use only w, x, b "
            "and t. Where the unit is off the whole gradient is 0, and relu'(z) says so.",
        ),
        solution=(
            f"${chain}$, with $z = w x + b$. "
            "Where $z > 0$ the indicator is 1 and $y = z$; where $z \\le 0$ the unit is off "
            "and the gradient is 0, whatever the loss. Typed: "
            f"`{formula}`. (Writing `w*x + b - t` for `relu(w*x + b) - t` is also right: the "
            "two differ only where the indicator is 0.)"
        ),
        params={"param": p, "loss": loss[3]},
    )
