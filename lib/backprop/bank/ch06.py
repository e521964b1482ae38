r"""Exercises of chapter 6, hidden-layer deltas, in the notation of the chapter.

A sigmoid network with inputs $x_i$, hidden outputs $h_j$, outputs $y_k$, targets $t_k$,
weights $w_{ij}$ (input to hidden) and $u_{jk}$ (hidden to output), and the loss
$L = \tfrac12 \sum_k (y_k - t_k)^2$. The output deltas are
$\delta_k = (y_k - t_k)\, y_k (1 - y_k)$, the hidden ones
$\delta_j = h_j (1 - h_j) \sum_k u_{jk} \delta_k$, and
$\partial L/\partial w_{ij} = x_i \delta_j$.

Each ``make(seed)`` returns one variant; seed 0 is the book's. Answers come from
:meth:`backprop.Network.backward` (a layer whose pre-activations are given is a layer
with zero input and those numbers as its bias) and from
:mod:`backprop.activations` and :mod:`backprop.losses`.
"""

from __future__ import annotations

import numpy as np

from ..activations import get_activation
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
from ..losses import get_loss
from ..network import Network
from ._fair import fair_variant
from ._format import clean, paren, tenths
from ._listings import plant

_SIGMOID = get_activation("sigmoid")
_HALF_SSE = get_loss("half_sse")


def _sigmoid_slope(out: np.ndarray) -> np.ndarray:
    r"""$\sigma'(z)$ at the $z$ whose output is ``out``: the library's $\sigma'$, at $z = \operatorname{logit}(out)$."""
    z = np.log(out / (1.0 - out))
    return _SIGMOID.derivative(z)


@register("ch06.output-delta")
def output_delta(seed: int) -> Exercise:
    r"""Both output deltas $\delta_k = (y_k - t_k)\,y_k(1 - y_k)$ from the pre-activations $z_k$."""

    def outputs(z: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # The output layer alone: zero input, so its pre-activations are its biases z.
        layer = Network([np.zeros((1, 2))], [z], "sigmoid")
        trace = layer.forward([[0.0]])
        return trace.output[0], layer.backward(trace, [t], "half_sse").dz[0][0]

    def fair(c: tuple[np.ndarray, np.ndarray]) -> bool:
        z = c[0]
        return bool(np.all(np.abs(outputs(*c)[1]) > 0.01) and z[0] != z[1])

    z, t = fair_variant(
        seed,
        (6, 1),
        lambda rng: (tenths(rng, 2, -15, 15), rng.integers(0, 2, size=2).astype(float)),
        fair,
        book=lambda: (np.array([0.8, -0.4]), np.array([0.0, 1.0])),
    )
    y, delta = outputs(z, t)
    return Exercise(
        key="ch06.output-delta",
        title="Two output deltas",
        question=(
            "The output layer of a sigmoid network has pre-activations "
            f"$z^{{(2)}} = {vector(z)}$, and the targets are $t = {vector(t)}$. With the loss "
            "$L = \\tfrac12 \\sum_k (y_k - t_k)^2$, find both output deltas "
            "$\\delta_k = \\partial L/\\partial z^{(2)}_k$ (two numbers, comma-separated, "
            "at least 4 significant digits)."
        ),
        prompt="δ₁, δ₂ =",
        answer=tuple(delta),
        hints=(
            "First the outputs: y_k = σ(z_k) = 1 / (1 + e^(−z_k)).",
            "Then δ_k = (y_k − t_k) · y_k (1 − y_k): the loss's slope times the sigmoid's slope.",
        ),
        solution=(
            f"The outputs are $y = \\sigma(z) = {vector(np.round(y, 6))}$, so "
            f"$y - t = {vector(np.round(y - t, 6))}$ and "
            f"$y(1 - y) = {vector(np.round(y * (1 - y), 6))}$. Multiplying entry by entry, "
            f"$\\delta = {vector(np.round(delta, 6))}$."
        ),
        params={"z": z.tolist(), "t": t.tolist()},
    )


@register("ch06.hidden-delta")
def hidden_delta(seed: int) -> Exercise:
    r"""One hidden delta $\delta_j = h_j(1 - h_j) \sum_k u_{jk}\,\delta_k$: a sum over the outputs."""

    def draw(rng: np.random.Generator) -> tuple[float, np.ndarray, np.ndarray]:
        h = float(rng.integers(1, 10)) / 10
        u = tenths(rng, 2, -20, 20)
        return h, u, rng.integers(-20, 21, size=2) / 100

    def delta_j(h: float, u: np.ndarray, d_out: np.ndarray) -> tuple[float, float]:
        upstream = clean(float(u @ d_out))  # dL/dh_j: one term per output unit h_j feeds
        return upstream, clean(float(_sigmoid_slope(np.array(h)) * upstream))

    def fair(c: tuple[float, np.ndarray, np.ndarray]) -> bool:
        return bool(np.all(c[2] != 0) and abs(delta_j(*c)[1]) > 0.002)

    book = (0.6, np.array([0.8, -1.5]), np.array([0.12, -0.05]))
    h, u, d_out = fair_variant(seed, (6, 2), draw, fair, book=lambda: book)
    upstream, answer = delta_j(h, u, d_out)
    return Exercise(
        key="ch06.hidden-delta",
        title="A hidden delta",
        question=(
            f"A hidden sigmoid unit $j$ outputs $h_j = {h:g}$. It feeds two output units "
            f"through the weights $u_{{j1}} = {u[0]:g}$ and $u_{{j2}} = {u[1]:g}$, whose "
            f"deltas are $\\delta_1 = {d_out[0]:g}$ and $\\delta_2 = {d_out[1]:g}$. "
            "Find the hidden unit's delta $\\delta_j = \\partial L/\\partial z^{(1)}_j$."
        ),
        prompt="δ_j =",
        answer=(answer,),
        hints=(
            "h_j reaches the loss through both outputs, so ∂L/∂h_j is a sum: u_j1 δ₁ + u_j2 δ₂.",
            "Then multiply by the sigmoid's slope at the hidden unit, h_j (1 − h_j).",
        ),
        solution=(
            f"$\\partial L/\\partial h_j = u_{{j1}}\\delta_1 + u_{{j2}}\\delta_2 = "
            f"{paren(u[0])} \\cdot {paren(d_out[0])} + {paren(u[1])} \\cdot {paren(d_out[1])} = "
            f"{upstream:.6g}$, and $\\delta_j = h_j(1 - h_j)\\,\\partial L/\\partial h_j = "
            f"{h:g} \\cdot {1 - h:g} \\cdot {paren(upstream, '.6g')} = {answer:.6g}$."
        ),
        params={"h": h, "u": u.tolist(), "delta": d_out.tolist()},
    )


@register("ch06.weight-gradient")
def weight_gradient(seed: int) -> Exercise:
    r"""The general formula for a hidden-layer weight,
    $\partial L/\partial w_{ij} = \sum_k (y_k - t_k) y_k (1 - y_k) u_{jk} \cdot h_j(1 - h_j) \cdot x_i$."""

    Candidate = tuple[float, float, np.ndarray, np.ndarray, np.ndarray]

    def draw(rng: np.random.Generator) -> Candidate:
        x_i = float(tenths(rng, 1, -20, 20)[0])
        h = float(rng.integers(1, 10)) / 10
        y = rng.integers(1, 10, size=2) / 10
        t = rng.integers(0, 2, size=2).astype(float)
        return x_i, h, y, t, tenths(rng, 2, -15, 15)

    def deltas(c: Candidate) -> tuple[np.ndarray, float, float]:
        x_i, h, y, t, u = c
        # (y_k - t_k) y_k (1 - y_k), rounded: with one-decimal y and t it has at most 3 decimals.
        d_out = np.round(_HALF_SSE.grad(y, t) * _sigmoid_slope(y), 12)
        d_hidden = clean(float(_sigmoid_slope(np.array(h)) * (u @ d_out)))
        return d_out, d_hidden, clean(x_i * d_hidden)

    def fair(c: Candidate) -> bool:
        return bool(abs(deltas(c)[2]) > 0.005 and np.all(c[2] != c[3]))

    book = (2.0, 0.4, np.array([0.7, 0.2]), np.array([1.0, 0.0]), np.array([0.5, -1.0]))
    x_i, h, y, t, u = fair_variant(seed, (6, 3), draw, fair, book=lambda: book)
    d_out, d_hidden, answer = deltas((x_i, h, y, t, u))
    return Exercise(
        key="ch06.weight-gradient",
        title="One hidden weight, from the outputs back",
        question=(
            "In a sigmoid network with the loss $L = \\tfrac12 \\sum_k (y_k - t_k)^2$, the "
            f"weight $w_{{ij}}$ carries input $x_i = {x_i:g}$ to hidden unit $j$, which outputs "
            f"$h_j = {h:g}$ and feeds two outputs through $u_{{j1}} = {u[0]:g}$ and "
            f"$u_{{j2}} = {u[1]:g}$. The outputs are $y = {vector(y)}$ and the targets "
            f"$t = {vector(t)}$. Find $\\partial L/\\partial w_{{ij}}$."
        ),
        prompt="∂L/∂w_ij =",
        answer=(answer,),
        hints=(
            "Output deltas first: δ_k = (y_k − t_k) y_k (1 − y_k) for k = 1, 2.",
            "Then the hidden delta δ_j = h_j (1 − h_j) (u_j1 δ₁ + u_j2 δ₂), "
            "and finally ∂L/∂w_ij = x_i δ_j.",
        ),
        solution=(
            f"The output deltas are $\\delta = {vector(np.round(d_out, 6))}$; the hidden delta is "
            f"$\\delta_j = {h:g} \\cdot {1 - h:g} \\cdot \\big({paren(u[0])} \\cdot "
            f"{paren(d_out[0], '.6g')} + {paren(u[1])} \\cdot {paren(d_out[1], '.6g')}\\big) = "
            f"{d_hidden:.6g}$; and $\\partial L/\\partial w_{{ij}} = x_i \\delta_j = "
            f"{paren(x_i)} \\cdot {paren(d_hidden, '.6g')} = {answer:.6g}$."
        ),
        params={"x": x_i, "h": h, "y": y.tolist(), "t": t.tolist(), "u": u.tolist()},
    )


@register("ch06.batch-gradient")
def batch_gradient(seed: int) -> Exercise:
    r"""$\partial L/\partial W = A^\top \Delta$ for a batch: entry $(i, j)$ is $\sum_n a_{ni}\,\delta_{nj}$."""

    Candidate = tuple[np.ndarray, np.ndarray, int, int]

    def draw(rng: np.random.Generator) -> Candidate:
        A = tenths(rng, 4, -20, 20).reshape(2, 2)
        D = tenths(rng, 4, -5, 5).reshape(2, 2)
        return A, D, int(rng.integers(2)), int(rng.integers(2))

    def gradient(A: np.ndarray, D: np.ndarray, i: int, j: int) -> float:
        # A linear layer fed A with these deltas: half_sse with targets Y - D gives delta = D.
        layer = Network([np.eye(2)], [np.zeros(2)], "identity")
        trace = layer.forward(A)
        return clean(float(layer.backward(trace, trace.output - D, "half_sse").dW[0][i, j]))

    def fair(c: Candidate) -> bool:
        A, D, i, j = c
        return bool(abs(gradient(*c)) > 0.01 and np.all(A[:, i] * D[:, j] != 0))

    book = (np.array([[0.5, 1.0], [2.0, -1.0]]), np.array([[0.2, -0.1], [0.3, 0.4]]), 0, 1)
    A, D, i, j = fair_variant(seed, (6, 4), draw, fair, book=lambda: book)
    answer = gradient(A, D, i, j)
    return Exercise(
        key="ch06.batch-gradient",
        title="A weight gradient over a batch",
        question=(
            "A batch of two samples goes through a layer. The layer's inputs are the rows of "
            f"$A = \\begin{{bmatrix}} {A[0, 0]:g} & {A[0, 1]:g} \\\\ {A[1, 0]:g} & {A[1, 1]:g} "
            "\\end{bmatrix}$ and its deltas the rows of "
            f"$\\Delta = \\begin{{bmatrix}} {D[0, 0]:g} & {D[0, 1]:g} \\\\ {D[1, 0]:g} & "
            f"{D[1, 1]:g} \\end{{bmatrix}}$ (row $n$ is sample $n$). The batch's loss is the sum "
            "of the samples' losses. Find the gradient of the weight "
            f"$W_{{{i + 1}{j + 1}}}$ from input {i + 1} to unit {j + 1}."
        ),
        prompt=f"∂L/∂W_{i + 1}{j + 1} =",
        answer=(answer,),
        rtol=1e-6,
        hints=(
            f"For one sample, ∂L/∂W_{i + 1}{j + 1} = a_{i + 1} δ_{j + 1}: "
            "the input of the weight times the delta of its unit.",
            "The batch's loss is a sum, so add the two samples' contributions: "
            f"this is entry ({i + 1}, {j + 1}) of Aᵀ Δ.",
        ),
        solution=(
            f"$\\partial L/\\partial W_{{{i + 1}{j + 1}}} = \\sum_n a_{{n{i + 1}}}\\,"
            f"\\delta_{{n{j + 1}}} = {paren(A[0, i])} \\cdot {paren(D[0, j])} + {paren(A[1, i])} "
            f"\\cdot {paren(D[1, j])} = {answer:.6g}$, entry $({i + 1}, {j + 1})$ of "
            "$A^\\top \\Delta$."
        ),
        params={"A": A.tolist(), "D": D.tolist(), "i": i, "j": j},
    )


# ---- find the bug: the delta recursion -----------------------------------------------------

#: The backward pass of the chapter's 2-3-2 sigmoid network for a batch, on the mean squared
#: error $L = \frac1n \sum_i \lVert y_i - t_i \rVert^2$, right, with the hidden layer's
#: $\partial L/\partial h$ summed over the outputs one path at a time. ``sigmoid_slope(z)`` is
#: $\sigma'(z) = \sigma(z)(1 - \sigma(z))$. :func:`deltas_bug` plants one slip in it.
DELTAS_BACKWARD = (
    "def backward(X, T, W1, b1, W2, b2):",
    "    Z1 = X @ W1 + b1",
    "    H = sigmoid(Z1)",
    "    Y = sigmoid(H @ W2 + b2)",
    "    D2 = 2 * (Y - T) * Y * (1 - Y) / len(X)",
    "    dH = np.zeros_like(H)",
    "    for k in range(Y.shape[1]):",
    "        dH += np.outer(D2[:, k], W2[:, k])",
    "    D1 = dH * sigmoid_slope(Z1)",
    "    dW1, db1 = X.T @ D1, D1.sum(axis=0)",
    "    dW2, db2 = H.T @ D2, D2.sum(axis=0)",
    "    return dW1, db1, dW2, db2",
)

#: What a student who picks a right line is told, line by line.
DELTAS_NOTES = {
    1: "the function gets the batch X (one row per sample), the targets T and the parameters.",
    2: "Z1 = X W1 + b1 holds the hidden pre-activations z⁽¹⁾, one row per sample.",
    3: "H = σ(Z1) are the hidden outputs h.",
    4: "Y = σ(H W2 + b2) are the outputs y.",
    5: "δ⁽²⁾ = ∂L/∂y ⊙ y(1 − y) with ∂L/∂y = 2(y − t)/n for the mean squared error; "
    "y(1 − y) is σ'(z⁽²⁾) written with the output.",
    6: "dH starts at 0: the paths through the outputs are added to it.",
    7: "one path per output unit k.",
    8: "the path from h_j through output k adds u_jk δ_k: column k of W2 is the weights "
    "into output k, and += adds the paths up.",
    9: "δ⁽¹⁾ = ∂L/∂h ⊙ σ'(z⁽¹⁾), the slope at the hidden pre-activations.",
    10: "∂L/∂W1 = Xᵀ δ⁽¹⁾ and ∂L/∂b1 sums δ⁽¹⁾ over the batch.",
    11: "∂L/∂W2 = Hᵀ δ⁽²⁾ and ∂L/∂b2 sums δ⁽²⁾ over the batch.",
    12: "it returns all four gradients.",
}

#: The slips planted in :data:`DELTAS_BACKWARD`: (name, line, wrong text, why it is wrong).
DELTAS_SLIPS = (
    (
        "a path overwritten instead of summed",
        8,
        "        dH = np.outer(D2[:, k], W2[:, k])",
        "A hidden unit feeds every output, so its $\\partial L/\\partial h_j = \\sum_k "
        "u_{jk} \\delta_k$ is a sum over the paths. With `=` each pass of the loop throws the "
        "previous paths away, and only the last output's path is left: `+=` adds them up.",
    ),
    (
        "W not transposed",
        8,
        "        dH += np.outer(D2[:, k], W2[k])",
        "`W2` has the shape (hidden units, outputs), entry `[j, k]` = $u_{jk}$, so the weights "
        "into output $k$ are column `W2[:, k]`, three numbers. `W2[k]` is row $k$, the "
        "weights out of hidden unit $k$: the transposed matrix's column, two numbers, "
        "which do not even fit `dH`.",
    ),
    (
        "f'(a) for f'(z)",
        9,
        "    D1 = dH * sigmoid_slope(H)",
        "The slope is $\\sigma'$ at the pre-activation, $\\sigma'(z^{(1)}_j) = h_j(1 - h_j)$. "
        "`sigmoid_slope(H)` evaluates it at the output $h_j = \\sigma(z^{(1)}_j)$, so it "
        "computes $\\sigma'(\\sigma(z))$: the activation applied twice.",
    ),
    (
        "f'(a) for f'(z)",
        5,
        "    D2 = 2 * (Y - T) * sigmoid_slope(Y) / len(X)",
        "The output slope is $\\sigma'(z^{(2)}_k) = y_k(1 - y_k)$, at the pre-activation. "
        "`sigmoid_slope(Y)` evaluates $\\sigma'$ at the output $y_k$, which is "
        "$\\sigma'(\\sigma(z))$: the activation applied twice.",
    ),
    (
        "a missing 1/n",
        5,
        "    D2 = 2 * (Y - T) * Y * (1 - Y)",
        "The loss is a mean over the $n$ samples, so $\\partial L/\\partial y = \\frac{2}{n} "
        "(y - t)$. Without `/ len(X)` every delta, and every gradient after it, is $n$ times "
        "too big.",
    ),
    (
        "the unsloped gradient for the weights",
        10,
        "    dW1, db1 = X.T @ dH, D1.sum(axis=0)",
        "A weight's gradient is its input times its unit's delta, $x_i \\delta^{(1)}_j$, and "
        "the delta includes the slope: $\\delta^{(1)} = \\partial L/\\partial h \\odot "
        "\\sigma'(z^{(1)})$, `D1`, not `dH`.",
    ),
)


@register("ch06.deltas-bug")
def deltas_bug(seed: int) -> BugExercise:
    r"""The delta recursion for the chapter's 2-3-2 network in code, with one slip planted per
    seed (seed 0: $\partial L/\partial h_j$ overwritten by each output's path, not summed)."""
    rng = np.random.default_rng([6, 5, seed])
    index = 0 if seed == 0 else int(rng.integers(len(DELTAS_SLIPS)))
    name, line, wrong, why = DELTAS_SLIPS[index]
    return BugExercise(
        key="ch06.deltas-bug",
        title="Find the bug in the delta recursion",
        question=(
            "This function runs the backward pass of the chapter's network (two inputs, three "
            "hidden sigmoid units, two sigmoid outputs) for a batch $X$ with one row per "
            "sample. `W2[j, k]` is $u_{jk}$, the weight from hidden unit $j$ to output $k$, and "
            "`sigmoid_slope(z)` is $\\sigma'(z) = \\sigma(z)(1 - \\sigma(z))$. It should return "
            "the gradients of the mean squared error "
            "$L = \\frac{1}{n} \\sum_i \\lVert y_i - t_i \\rVert^2$, passing the deltas back by "
            "$\\delta^{(1)}_j = \\sigma'(z^{(1)}_j) \\sum_k u_{jk} \\delta^{(2)}_k$. One line is "
            "wrong. Which one?"
        ),
        hints=(
            "Follow one hidden unit j: which paths reach the loss from h_j, and are they all "
            "counted in dH[:, j]?",
            "Check each slope: is σ' evaluated at a pre-activation z, and does every delta "
            "carry the loss's 2/n?",
        ),
        **plant(DELTAS_BACKWARD, name, line, wrong, why, DELTAS_NOTES),
    )


# ---- code: a dense layer's backward pass ---------------------------------------------------

DENSE_TEMPLATE = '''def dense_backward(X, W, b, dZ):
    """The backward pass of a dense layer Z = X W + b, batch-first.

    X:  the layer's input, shape (n, m), one row per sample.
    W:  the weights, shape (m, k), W[i, j] from input i to unit j;
    b:  the biases, shape (k,).
    dZ: the deltas dL/dZ, shape (n, k), one row per sample.
    Returns (dX, dW, db) = (dL/dX, dL/dW, dL/db), shaped like X, W and b, as new
    arrays.
    """
    raise NotImplementedError
'''

DENSE_REFERENCE = """def dense_backward(X, W, b, dZ):
    # Each input feeds every unit: a sum over the units j.
    dX = dZ @ W.T
    # Each weight: its input times its unit's delta, summed over the samples.
    dW = X.T @ dZ
    # dz/db = 1: every sample's delta reaches b.
    db = dZ.sum(axis=0)
    return dX, dW, db
"""


def _dense_backward(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, dZ: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The library's answer: a linear layer whose loss ½‖Z − (Z − dZ)‖² has deltas dZ."""
    layer = Network([W], [b], "identity")
    trace = layer.forward(X)
    grads = layer.backward(trace, trace.output - dZ, "half_sse", input_grad=True)
    return grads.da[0], grads.dW[0], grads.db[0]


@register("ch06.dense-backward")
def dense_backward(seed: int) -> CodeExercise:
    r"""Code: $\partial L/\partial X = \Delta W^\top$, $\partial L/\partial W = X^\top \Delta$,
    $\partial L/\partial b = \sum_s \delta_s$ for a dense layer, checked against the library
    and against central differences."""
    rng = np.random.default_rng([6, 6, seed])

    def case(n: int, m: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        X = rng.integers(-20, 21, size=(n, m)) / 10
        W = rng.integers(-15, 16, size=(m, k)) / 10
        b = rng.integers(-10, 11, size=k) / 10
        return X, W, b, rng.integers(-10, 11, size=(n, k)) / 10

    one = case(1, 2, 3)
    batch = case(4, 2, 3)
    square = case(3, 3, 3)
    Xz, Wz, bz, _ = case(2, 3, 2)
    quiet = (Xz, Wz, bz, np.zeros((2, 2)))
    Xc, Wc, bc, Dc = case(5, 3, 2)

    def loss(Xv: np.ndarray, Wv: np.ndarray, bv: np.ndarray) -> float:
        return float(np.sum(Dc * (Xv @ Wv + bv)))  # a loss whose deltas dL/dZ are Dc

    numeric = (
        numerical_gradient(lambda v: loss(v, Wc, bc), Xc),
        numerical_gradient(lambda v: loss(Xc, v, bc), Wc),
        numerical_gradient(lambda v: loss(Xc, Wc, v), bc),
    )
    names = ("dX", "dW", "db")
    tests = (
        CodeTest(
            "a batch of 4 samples, 2 inputs, 3 units: W of shape (2, 3)",
            batch,
            expect_all(_dense_backward(*batch), names),
        ),
        CodeTest(
            "a batch of 1: X of shape (1, 2)",
            one,
            expect_all(_dense_backward(*one), names),
        ),
        CodeTest(
            "a square W (3 inputs, 3 units), where a missing transpose keeps the shapes",
            square,
            expect_all(_dense_backward(*square), names),
        ),
        CodeTest(
            "deltas all 0: every gradient is 0",
            quiet,
            expect_all(_dense_backward(*quiet), names),
        ),
        CodeTest(
            "gradient check: dX, dW, db against central differences of L = sum(dZ * (X W + b))",
            (Xc, Wc, bc, Dc),
            expect_all(numeric, names, rtol=1e-6, atol=1e-8),
        ),
    )
    return CodeExercise(
        key="ch06.dense-backward",
        title="A dense layer's backward pass, in code",
        question=(
            "A dense layer computes $Z = X W + b$ for a batch $X$ (one row per sample, "
            "$W_{ij}$ from input $i$ to unit $j$). The backward pass gets its deltas "
            "$\\Delta = \\partial L/\\partial Z$, one row per sample, and returns "
            "$\\partial L/\\partial X$ (passed on to the layer below), "
            "$\\partial L/\\partial W$ and $\\partial L/\\partial b$, each shaped like "
            "what it is the gradient of. Complete "
            "`dense_backward(X, W, b, dZ)`, returning `dX, dW, db`."
        ),
        function="dense_backward",
        arguments=("X", "W", "b", "dZ"),
        template=DENSE_TEMPLATE,
        reference=DENSE_REFERENCE,
        tests=tests,
        hints=(
            "Let the shapes guide you: dX must be (n, m), dW (m, k) and db (k,). Which products "
            "of X (n, m), W (m, k) and dZ (n, k) have those shapes?",
            "Input i of sample s feeds every unit j, so ∂L/∂x_si = Σ_j W_ij δ_sj: row s of "
            "dZ times Wᵀ. The bias gradient adds the rows: dZ.sum(axis=0).",
        ),
        solution=(
            "```python\n" + DENSE_REFERENCE + "```\n\n"
            "Each entry is the delta recursion's sum written as a matrix product. "
            "$\\partial L/\\partial x_{si} = \\sum_j W_{ij} \\delta_{sj}$ is entry $(s, i)$ of "
            "$\\Delta W^\\top$; $\\partial L/\\partial W_{ij} = \\sum_s x_{si} \\delta_{sj}$ is "
            "entry $(i, j)$ of $X^\\top \\Delta$, a sum over the batch; and $b_j$ moves every "
            "$z_{sj}$ one for one, so its gradient adds column $j$ of $\\Delta$. The bias does "
            "not enter the backward pass at all. A square $W$ is where `dZ @ W` would slip "
            "through with the right shape and wrong numbers."
        ),
        params={"seed": seed},
    )


# ---- formula: a hidden unit's delta --------------------------------------------------------

#: The hidden layer's activations a variant may use: (typed f', LaTeX of f, LaTeX of f').
_HIDDEN = (
    ("sigma'", "\\sigma", "\\sigma'"),
    ("tanh'", "\\tanh", "\\tanh'"),
    ("relu'", "\\mathrm{ReLU}", "\\mathrm{ReLU}'"),
)


@register("ch06.delta-formula")
def delta_formula(seed: int) -> FormulaExercise:
    r"""A formula: the hidden delta $\delta^{(1)}_j = f'(z^{(1)}_j)\,(u_{j1} \delta_1 +
    u_{j2} \delta_2)$ of the chapter's 2-3-2 network; seed 0: $j = 2$ with the sigmoid,
    other seeds pick the unit and the activation ($\sigma$, $\tanh$ or ReLU)."""
    from ..exercises.formula import Variable

    rng = np.random.default_rng([6, 7, seed])
    if seed == 0:
        j, (df, f_tex, df_tex) = 2, _HIDDEN[0]
    else:
        j = int(rng.integers(1, 4))
        df, f_tex, df_tex = _HIDDEN[int(rng.integers(len(_HIDDEN)))]
    variables = (
        Variable(f"z{j}", f"z^{{(1)}}_{j}", (f"z_{j}",), -2.0, 2.0),
        Variable(f"u{j}1", f"u_{{{j}1}}", (f"u_{j}1",), -1.5, 1.5),
        Variable(f"u{j}2", f"u_{{{j}2}}", (f"u_{j}2",), -1.5, 1.5),
        Variable("d1", "\\delta_1", ("delta1", "δ1"), -0.5, 0.5),
        Variable("d2", "\\delta_2", ("delta2", "δ2"), -0.5, 0.5),
    )
    formula = f"{df}(z{j})*(u{j}1*d1 + u{j}2*d2)"
    worked = (
        f"\\delta^{{(1)}}_{j} = {df_tex}\\big(z^{{(1)}}_{j}\\big)\\,"
        f"\\big(u_{{{j}1}} \\delta_1 + u_{{{j}2}} \\delta_2\\big)"
    )
    slope = {
        "sigma'": f"the sigmoid's slope, which may also be typed `sigma(z{j})*(1 - sigma(z{j}))`",
        "tanh'": f"the slope of tanh, which may also be typed `1 - tanh(z{j})^2`",
        "relu'": "the indicator of the ReLU: where the unit is off its delta is 0",
    }[df]
    return FormulaExercise(
        key="ch06.delta-formula",
        title="A hidden delta as a formula",
        question=(
            "In the chapter's network (two inputs, three hidden units, two outputs) the hidden "
            f"units use the activation $h_j = {f_tex}(z^{{(1)}}_j)$, and $u_{{jk}}$ is the "
            "weight from hidden unit $j$ to output $k$, whose delta is $\\delta_k$. Write the "
            f"delta of hidden unit {j}, $\\delta^{{(1)}}_{j} = \\partial L/\\partial "
            f"z^{{(1)}}_{j}$, as a formula in $z^{{(1)}}_{j}$, $u_{{{j}1}}$, $u_{{{j}2}}$, "
            f"$\\delta_1$ and $\\delta_2$. Type $z^{{(1)}}_{j}$ as `z{j}`, $u_{{{j}1}}$ and $u_{{{j}2}}$ as "
            f"`u{j}1` and `u{j}2`, $\\delta_1$ and $\\delta_2$ as `d1` and `d2` (or δ1, δ2), and the slope "
            f"${df_tex}$ as `{df}(...)`."
        ),
        prompt=f"δ⁽¹⁾{chr(0x2080 + j)} =",
        formula=formula,
        variables=variables,
        hints=(
            f"h{chr(0x2080 + j)} feeds both outputs, so ∂L/∂h{chr(0x2080 + j)} is a sum of two "
            "paths, one through each output: weight times that output's delta.",
            f"Then one more link, ∂h/∂z = {df}(z), evaluated at the pre-activation "
            f"z{j}, not at the output h.",
        ),
        solution=(
            f"${worked}$. The hidden unit reaches the loss through both outputs, so "
            "$\\partial L/\\partial h_j$ adds one path per output, weight times delta; the "
            f"chain rule then multiplies by the slope at the pre-activation, {slope}. "
            f"Typed: `{formula}`."
        ),
        params={"unit": j, "activation": df},
    )
