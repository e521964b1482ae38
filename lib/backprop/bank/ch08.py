r"""Exercises of chapter 8, "Gradients through depth".

How the mean square of the pre-activations changes layer by layer (a ReLU layer with
weights of variance $c/n$ multiplies it by $c/2$), how a chain of sigmoid units shrinks the
deltas (each layer multiplies by $w\,\sigma'(z) \le w/4$), what clipping by the global norm
does to one entry, and why a residual connection's local derivative $1 + \dots$ keeps the
gradient alive; beyond numbers, the gradient through a chain as a formula, a slip to find
in an initialiser (:data:`INIT_LISTINGS`, :data:`INIT_SLIPS`) and clipping by the global norm
as code. Answers come from :class:`backprop.Network`, :func:`backprop.clip_gradients`
and the chain rule written out. Each ``make(seed)`` returns one variant; seed 0 is the book's.
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
)
from ..network import Gradients, Network
from ..optim import clip_gradients
from ._fair import fair_variant, first_fair
from ._format import paren, tenths


@register("ch08.relu-forward")
def relu_forward(seed: int) -> Exercise:
    r"""The mean square of $z^{(l)}$ after $k$ ReLU layers whose weights have variance $c/n$:
    $q \cdot (c/2)^k$ (He's $c = 2$ keeps it; LeCun's $c = 1$ halves it every layer)."""

    def draw(rng: np.random.Generator) -> tuple[int, int, float, int]:
        c = int(rng.choice([1, 3]))
        k = int(rng.integers(3, 11))
        q = float(rng.choice([0.5, 1.0, 2.0, 4.0]))
        n = int(rng.choice([16, 32, 64, 100, 128, 256]))
        return c, k, q, n

    c, k, q, n = fair_variant(seed, (72, 1), draw, lambda v: True, book=lambda: (1, 10, 1.0, 64))
    answer = q * (c / 2) ** k
    return Exercise(
        key="ch08.relu-forward",
        title="A ReLU stack's forward signal",
        question=(
            f"A deep ReLU network has {n} units in every layer and no biases; every weight is "
            f"drawn independently with mean 0 and variance ${c}/n$, with $n = {n}$. The "
            f"pre-activations $z^{{(l)}}$ of one layer are symmetric about 0 with mean square "
            f"${q:g}$. What is the mean square of the pre-activations {k} layers further on "
            f"(each of those layers applies ReLU, then its weights)?"
        ),
        prompt="mean square =",
        answer=(answer,),
        atol=0.0,
        hints=(
            "z_j = Σᵢ aᵢ Wᵢⱼ is a sum of n independent terms: its mean square is n · Var(W) · "
            "(mean square of a).",
            "ReLU keeps the positive half of a symmetric z: the mean square of a is half that of z.",
        ),
        solution=(
            f"Each layer multiplies the mean square by $n \\cdot \\frac{{{c}}}{{n}} \\cdot "
            f"\\frac{{1}}{{2}} = {c / 2:g}$, so after {k} layers it is "
            f"${q:g} \\cdot {c / 2:g}^{{{k}}} = {answer:.6g}$."
            + (" He's variance $2/n$ would keep it steady." if c != 2 else "")
        ),
        params={"c": c, "k": k, "q": q, "n": n},
    )


def _sigmoid_chain(w: float, L: int, d: float) -> float:
    """delta^(1) of a chain of L scalar sigmoid units with weight w, every z at 0, delta^(L) = d."""
    # Biases b^(1) = 0 and b^(l) = -w/2 put every pre-activation at 0 for the input 0.
    net = Network([[[w]]] * L, [[0.0]] + [[-w / 2]] * (L - 1), "sigmoid")
    trace = net.forward([[0.0]])
    assert np.allclose(trace.z, 0.0)
    # half_sse's gradient is y - t: a target 4d below the output 1/2 gives dL/da^(L) = 4d,
    # so that delta^(L) = sigma'(0) * 4d = d.
    g = net.backward(trace, [[0.5 - 4 * d]], "half_sse")
    return float(g.dz[0][0, 0])


@register("ch08.sigmoid-chain")
def sigmoid_chain(seed: int) -> Exercise:
    r"""$\delta^{(1)} = (w/4)^{D-1}\,\delta^{(D)}$ in a chain of scalar sigmoid units with
    every pre-activation at 0: each layer multiplies the delta by $w\,\sigma'(0) = w/4$."""

    def draw(rng: np.random.Generator) -> tuple[float, int, float]:
        w = float(rng.choice([0.5, 1.0, 2.0, 3.0, 5.0, 6.0, 8.0]))
        return w, int(rng.integers(3, 9)), float(tenths(rng, 1, -20, 20)[0])

    def fair(v: tuple[float, int, float]) -> bool:
        a = abs(v[2] * (v[0] / 4) ** (v[1] - 1))
        return 1e-5 < a < 1e5

    w, L, d = fair_variant(seed, (72, 2), draw, fair, book=lambda: (1.0, 8, 1.0))
    answer = _sigmoid_chain(w, L, d)
    return Exercise(
        key="ch08.sigmoid-chain",
        title="Deltas down a sigmoid chain",
        question=(
            f"A chain of {L} sigmoid units, one per layer: $z^{{(l)}} = w\\,a^{{(l-1)}} + "
            f"b^{{(l)}}$ and $a^{{(l)}} = \\sigma(z^{{(l)}})$, every weight $w = {w:g}$, with "
            f"biases that put every pre-activation at $z^{{(l)}} = 0$ for this input. The "
            f"backward pass starts with $\\delta^{{({L})}} = {d:g}$. What is "
            "$\\delta^{(1)}$? (Give at least 4 significant digits.)"
        ),
        prompt="δ⁽¹⁾ =",
        answer=(answer,),
        atol=0.0,
        hints=(
            "δ⁽ˡ⁻¹⁾ = σ′(z⁽ˡ⁻¹⁾) · w · δ⁽ˡ⁾ (one unit per layer: the sum over units has one term).",
            "σ′(0) = σ(0)(1 − σ(0)) = 1/4.",
        ),
        solution=(
            f"Each of the {L - 1} steps back multiplies by $w\\,\\sigma'(0) = {w:g}/4$, so "
            f"$\\delta^{{(1)}} = ({w:g}/4)^{{{L - 1}}} \\cdot {paren(d)} = {answer:.6g}$."
            + (" With $w < 4$ the deltas vanish geometrically." if w < 4 else "")
        ),
        params={"w": w, "L": L, "delta_L": d},
    )


@register("ch08.clip")
def clip(seed: int) -> Exercise:
    r"""Clipping by the global norm: every entry is multiplied by $m/\lVert g\rVert$ when the
    norm $\lVert g\rVert = (\sum \lVert g_k\rVert^2)^{1/2}$ of all the gradients exceeds $m$."""

    def draw(rng: np.random.Generator) -> tuple[int, int, int, int, float]:
        a, b, c = (int(v) for v in rng.integers(1, 13, size=3))
        m = int(rng.integers(1, 11))
        return a, b, c, m, float(tenths(rng, 1, -30, 30)[0])

    def fair(v: tuple[int, int, int, int, float]) -> bool:
        a, b, c, m, e = v
        return bool(np.sqrt(a * a + b * b + c * c) > 1.2 * m and abs(e) <= a)

    a, b, c, m, e = fair_variant(seed, (72, 3), draw, fair, book=lambda: (3, 4, 12, 5, 2.0))
    # A gradient with these norms, through the library's clip_gradients.
    dW1 = np.zeros((2, 2))
    dW1[0, 0] = e
    dW1[1, 1] = np.sqrt(a * a - e * e)
    g = Gradients(
        0.0, [dW1, np.array([[float(c)]])], [np.array([float(b), 0.0]), np.zeros(1)], [], []
    )
    norm = clip_gradients(g, m)
    answer = float(g.dW[0][0, 0])
    return Exercise(
        key="ch08.clip",
        title="Clipping by the global norm",
        question=(
            "A network's gradient has three non-zero parts with norms "
            f"$\\lVert \\partial L/\\partial W^{{(1)}} \\rVert = {a}$, "
            f"$\\lVert \\partial L/\\partial b^{{(1)}} \\rVert = {b}$ and "
            f"$\\lVert \\partial L/\\partial W^{{(2)}} \\rVert = {c}$. It is clipped by its "
            f"global norm to at most ${m}$. One entry of $\\partial L/\\partial W^{{(1)}}$ is "
            f"${e:g}$: what is it after clipping?"
        ),
        prompt="clipped entry =",
        answer=(answer,),
        hints=(
            "The global norm is the square root of the sum of the squared norms of all parts.",
            "Above the limit, every entry of every part is multiplied by the same factor: "
            "max_norm / norm.",
        ),
        solution=(
            f"$\\lVert g \\rVert = \\sqrt{{{a}^2 + {b}^2 + {c}^2}} = {norm:.6g} > {m}$, so every "
            f"entry is multiplied by ${m}/{norm:.6g}$: ${e:g} \\cdot {m}/{norm:.6g} = "
            f"{answer:.6g}$. The step keeps its direction; only its length changes."
        ),
        params={"norms": [a, b, c], "max_norm": m, "entry": e},
    )


def _residual(x: float, w: float) -> tuple[float, float, float]:
    """a1, and d a2/d a0 for a^(l) = a^(l-1) + w tanh(a^(l-1)), l = 1, 2, and the plain chain's."""
    a1 = x + w * np.tanh(x)
    j1 = 1 + w * (1 - np.tanh(x) ** 2)
    j2 = 1 + w * (1 - np.tanh(a1) ** 2)
    plain = w * (1 - np.tanh(x) ** 2) * w * (1 - np.tanh(w * np.tanh(x)) ** 2)
    return float(a1), float(j1 * j2), float(plain)


@register("ch08.residual")
def residual(seed: int) -> Exercise:
    r"""Two residual layers $a^{(l)} = a^{(l-1)} + w \tanh a^{(l-1)}$: the derivative
    $\partial a^{(2)}/\partial a^{(0)}$ is a product of local derivatives $1 + w(1 - \tanh^2)$,
    each near 1 when the branch is small."""

    def fair(v: np.ndarray) -> bool:
        x, w = v
        _, d, plain = _residual(x, w)
        return bool(abs(d) > 0.05 and abs(d - plain) > 0.05 and abs(w) <= 1.5)

    x, w = fair_variant(
        seed, (72, 4), lambda rng: tenths(rng, 2, -20, 20), fair, book=lambda: np.array([1.0, 0.5])
    )
    a1, d, _ = _residual(x, w)
    return Exercise(
        key="ch08.residual",
        title="Through two residual layers",
        question=(
            f"Two residual layers act on one number: $a^{{(l)}} = a^{{(l-1)}} + "
            f"w\\tanh a^{{(l-1)}}$ for $l = 1, 2$, with $w = {w:g}$ and input "
            f"$a^{{(0)}} = {x:g}$. What is $\\partial a^{{(2)}}/\\partial a^{{(0)}}$? "
            "(Give at least 4 significant digits.)"
        ),
        prompt="∂a⁽²⁾/∂a⁽⁰⁾ =",
        answer=(d,),
        hints=(
            "Each layer's local derivative is ∂a⁽ˡ⁾/∂a⁽ˡ⁻¹⁾ = 1 + w (1 − tanh² a⁽ˡ⁻¹⁾): the 1 is "
            "the skip connection.",
            "Compute a⁽¹⁾ first; then multiply the two local derivatives.",
        ),
        solution=(
            f"$a^{{(1)}} = {x:g} + {paren(w)} \\tanh {paren(x)} = {a1:.6g}$. The local "
            f"derivatives are $1 + {paren(w)}(1 - \\tanh^2 {paren(x)})$ and "
            f"$1 + {paren(w)}(1 - \\tanh^2 {paren(f'{a1:.6g}')})$; their product is "
            f"${d:.6g}$. The skip's 1 keeps each factor near 1 when the branch is small."
        ),
        params={"x": float(x), "w": float(w)},
    )


# ---- find the bug: initialising the weights --------------------------------------------------

#: Two initialisers, each line right: ``init_weights`` gives what
#: ``Network.random(sizes, ..., seed, init="he" or "lecun")`` gives for ``rng =
#: np.random.default_rng(seed)`` ("he" for a ReLU network), ``xavier_init`` what ``init="xavier"``
#: gives. tests/bank/test_bank_ch08.py runs them against the library.
INIT_LISTINGS: dict[str, tuple[str, ...]] = {
    "he-lecun": (
        "def init_weights(sizes, activation, rng):",
        "    weights, biases = [], []",
        "    for n_in, n_out in zip(sizes[:-1], sizes[1:]):",
        '        if activation == "relu":',
        "            std = np.sqrt(2.0 / n_in)  # He",
        "        else:",
        "            std = np.sqrt(1.0 / n_in)  # LeCun",
        "        weights.append(rng.normal(0.0, std, size=(n_in, n_out)))",
        "        biases.append(np.zeros(n_out))",
        "    return weights, biases",
    ),
    "xavier": (
        "def xavier_init(sizes, rng):",
        "    weights, biases = [], []",
        "    for n_in, n_out in zip(sizes[:-1], sizes[1:]):",
        "        variance = 2.0 / (n_in + n_out)  # between 1/n_in and 1/n_out",
        "        std = np.sqrt(variance)",
        "        weights.append(rng.normal(0.0, std, size=(n_in, n_out)))",
        "        biases.append(np.zeros(n_out))",
        "    return weights, biases",
    ),
}

_STD = (
    "`rng.normal(mean, std, size)` takes a standard deviation: the variance $2/n_{in}$ "
    "must go in as its square root. As written every weight has variance $(2/n_{in})^2$, "
    "far too small, and the signal shrinks layer by layer."
)

#: The slips: (listing, line from 1, the wrong line, why it is wrong). Seed 0 draws the first.
INIT_SLIPS: tuple[tuple[str, int, str, str], ...] = (
    (
        "he-lecun",
        5,
        "            std = np.sqrt(2.0 / n_out)  # He",
        "A unit's pre-activation $z_j = \\sum_i a_i W_{ij}$ sums $n_{in}$ terms, so its mean "
        "square is $n_{in}\\,s^2$ times that of the inputs: the forward signal needs a "
        "variance of $2/n_{in}$ (the fan-in), not $2/n_{out}$.",
    ),
    ("he-lecun", 5, "            std = 2.0 / n_in  # He", _STD),
    (
        "he-lecun",
        5,
        "            std = np.sqrt(1.0 / n_in)  # He",
        "A ReLU zeroes about half of its inputs, which halves the mean square it passes on; "
        "He's variance $2/n_{in}$ has the factor 2 that makes up for it. With $1/n_{in}$ the "
        "signal halves in every layer.",
    ),
    (
        "he-lecun",
        7,
        "            std = np.sqrt(2.0 / n_in)  # LeCun",
        "LeCun's variance is $1/n_{in}$: a unit that is linear near 0 (tanh) passes on the "
        "mean square it gets, so $s^2 = 1/n_{in}$ keeps it. The factor 2 is He's, for ReLU; "
        "here it doubles the signal's mean square in every layer, into saturation.",
    ),
    (
        "he-lecun",
        8,
        "        weights.append(rng.normal(0.0, std, size=(n_out, n_in)))",
        "The book's layers compute $z = a\\,W + b$ with a row of inputs $a$, so "
        "$W^{(l)}$ has shape $(n_{in}, n_{out})$; a matrix of shape $(n_{out}, n_{in})$ "
        "does not fit the product (or, when the sizes agree, holds the wrong weights).",
    ),
    (
        "he-lecun",
        8,
        "        weights.append(rng.uniform(-std, std, size=(n_in, n_out)))",
        "A uniform draw on $[-s, s]$ has variance $s^2/3$, not $s^2$: these weights are "
        "a factor $\\sqrt 3$ too small. Draw from the normal distribution (or widen the "
        "interval to $\\pm\\sqrt 3\\,s$).",
    ),
    (
        "xavier",
        4,
        "        variance = 2.0 / (n_in * n_out)  # between 1/n_in and 1/n_out",
        "Glorot's variance is $2/(n_{in} + n_{out})$, one over the mean of the two fans: "
        "between $1/n_{in}$ (the forward signal's) and $1/n_{out}$ (the deltas'). "
        "$2/(n_{in} n_{out})$ is far smaller than both.",
    ),
    (
        "xavier",
        4,
        "        variance = 1.0 / (n_in + n_out)  # between 1/n_in and 1/n_out",
        "Glorot's variance is $2/(n_{in} + n_{out})$, one over the mean of the two fans, "
        "which lies between $1/n_{in}$ and $1/n_{out}$. Without the 2 it is below both, "
        "and the signal shrinks both ways.",
    ),
    (
        "xavier",
        5,
        "        std = variance",
        "`rng.normal(mean, std, size)` takes a standard deviation, the square root of the "
        "variance. As written every weight has variance $(2/(n_{in} + n_{out}))^2$, far "
        "too small.",
    ),
)

_INIT_NOTES: dict[str, dict[int, str]] = {
    "he-lecun": {
        3: "each layer pairs its fan-in n_in with its fan-out n_out.",
        5: "He's variance 2/n_in, as a standard deviation: its square root.",
        7: "LeCun's variance 1/n_in, as a standard deviation: its square root.",
        8: "W has shape (n_in, n_out), as z = a W needs, and rng.normal takes a standard deviation.",
        9: "biases start at 0: they do not change the size of the signal.",
    },
    "xavier": {
        3: "each layer pairs its fan-in n_in with its fan-out n_out.",
        4: "Glorot's variance 2/(n_in + n_out) lies between 1/n_in and 1/n_out.",
        5: "rng.normal takes a standard deviation: the square root of the variance.",
        6: "W has shape (n_in, n_out), as z = a W needs.",
        7: "biases start at 0: they do not change the size of the signal.",
    },
}

_INIT_TASK = {
    "he-lecun": (
        "`init_weights` should return one weight matrix $W^{(l)}$ of shape "
        "$(n_{in}, n_{out})$ per layer, drawn from a normal distribution with mean 0 and the "
        "variance that keeps the mean square of the pre-activations steady from layer to "
        "layer: He's for a ReLU network (`activation == \"relu\"`), LeCun's otherwise; and "
        "biases of 0."
    ),
    "xavier": (
        "`xavier_init` should return one weight matrix $W^{(l)}$ of shape "
        "$(n_{in}, n_{out})$ per layer, drawn from a normal distribution with mean 0 and "
        "Glorot's (Xavier's) variance, the compromise between keeping the forward signal "
        "and the backward deltas; and biases of 0."
    ),
}


@register("ch08.init-bug")
def init_bug(seed: int) -> BugExercise:
    """One wrong line in an initialiser: the wrong fan, the factor 2 missing or misplaced, a
    variance passed as a standard deviation, a transposed shape, a uniform draw's variance."""
    rng = np.random.default_rng([72, 5, seed])
    which = 0 if seed == 0 else int(rng.integers(len(INIT_SLIPS)))
    name, line, wrong, why = INIT_SLIPS[which]
    right = INIT_LISTINGS[name]
    listing = list(right)
    listing[line - 1] = wrong
    fixed = right[line - 1].split("#")[0].strip()  # the code, without its comment
    return BugExercise(
        key="ch08.init-bug",
        title="A slip in the initialiser",
        question=(
            f"{_INIT_TASK[name]} Here `sizes` lists the layer widths, input first, and `rng` "
            "is a numpy random generator (`np.random.default_rng(seed)`). Exactly one line "
            "is wrong: which?"
        ),
        listing=tuple(listing),
        bug=line,
        notes={k: v for k, v in _INIT_NOTES[name].items() if k != line},
        explanation=f"{why} The line should read `{fixed}`.",
        hints=(
            "A pre-activation sums n_in terms: its mean square is n_in · Var(W) · (mean "
            "square of the inputs).",
            "Check the variance each line asks for, whether it is passed as a variance or a "
            "standard deviation, and the shape of W.",
        ),
        solution=f"Line {line} is wrong. {why} The right line is\n\n```python\n{fixed}\n```",
        params={"listing": name, "slip": which, "bug": line},
    )


# ---- code: clipping by the global norm -------------------------------------------------------

_CLIP_TEMPLATE = '''def clip_by_norm(grads, max_norm):
    r"""Clip a list of gradient arrays by their global norm.

    The global norm is ||g|| = sqrt(sum over k of ||grads[k]||^2), every entry of every
    array counted once. When ||g|| > max_norm, return every array multiplied by
    max_norm / ||g||; otherwise return them unchanged. Return a list of new arrays, in
    the order and shapes of grads (change no input).
    """
    raise NotImplementedError
'''

_CLIP_REFERENCE = """def clip_by_norm(grads, max_norm):
    # one norm over all the arrays
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    if norm > max_norm:
        # one factor for every array: the step keeps its direction
        return [g * (max_norm / norm) for g in grads]
    return [g.copy() for g in grads]
"""


def _clipped(grads: list[np.ndarray], max_norm: float) -> list[np.ndarray]:
    """The library's clipping (:func:`backprop.clip_gradients`) of copies of ``grads``."""
    g = Gradients(0.0, [np.array(x, dtype=np.float64) for x in grads], [], [], [])
    clip_gradients(g, max_norm)
    return g.dW


def _clip_test(name: str, grads: list[np.ndarray], max_norm: float) -> CodeTest:
    names = [f"grads[{k}] clipped" for k in range(len(grads))]
    return CodeTest(name, (grads, max_norm), expect_all(_clipped(grads, max_norm), names))


@register("ch08.clip-by-norm")
def clip_by_norm(seed: int) -> CodeExercise:
    """Code: clipping a list of gradient arrays by their global norm, as
    :func:`backprop.clip_gradients` does (but returning new arrays)."""
    rng = np.random.default_rng([72, 6, seed])

    def ints(*shape: int) -> np.ndarray:
        return rng.integers(-5, 6, size=shape).astype(np.float64)

    layers = first_fair(
        lambda: [ints(3, 2), ints(2), ints(2, 1), ints(1)],
        lambda gs: sum(float(np.sum(g**2)) for g in gs) > 9.0,
        what="ch08.clip-by-norm's gradients",
    )
    norm = float(np.sqrt(sum(np.sum(g**2) for g in layers)))
    big = [rng.normal(0, 1000, size=(2, 3)), rng.normal(0, 1000, size=3)]
    a, b, c = ((3, 4, 5), (5, 12, 13), (8, 15, 17), (20, 21, 29))[int(rng.integers(4))]
    net = [rng.normal(size=s) for s in ((4, 3), (3,), (3, 2), (2,))]
    tests = (
        _clip_test("a 3-2-1 network's gradients, norm above max_norm", layers, round(norm / 3, 1)),
        _clip_test("the same gradients, norm below max_norm: unchanged", layers, norm + 1.0),
        _clip_test("one array alone", [ints(2, 3)], 1.0),
        _clip_test("every gradient 0 (norm 0)", [np.zeros((2, 2)), np.zeros(2)], 1.0),
        _clip_test("huge gradients (norm in the thousands)", big, 1.0),
        _clip_test(
            "a norm of exactly max_norm: unchanged",
            [np.array([[float(a)]]), np.array([float(b)])],
            float(c),
        ),
        _clip_test(
            "gradient arrays of a random 4-3-2 network",
            net,
            float(rng.uniform(0.5, 1.5)),
        ),
    )
    return CodeExercise(
        key="ch08.clip-by-norm",
        title="Clip by the global norm",
        question=(
            "Write `clip_by_norm(grads, max_norm)`: `grads` is a list of gradient arrays "
            "(for example $\\partial L/\\partial W^{(1)}, \\partial L/\\partial b^{(1)}, "
            "\\dots$). Their **global** norm is "
            "$\\lVert g \\rVert = \\big(\\sum_k \\lVert g_k \\rVert^2\\big)^{1/2}$, over every "
            "entry of every array. When it exceeds $m$ = `max_norm`, return each array multiplied "
            "by $m/\\lVert g \\rVert$; otherwise return them unchanged. Return "
            "new arrays and leave the inputs alone. The tests compare with the library's "
            "`bp.clip_gradients`."
        ),
        function="clip_by_norm",
        arguments=("grads", "max_norm"),
        template=_CLIP_TEMPLATE,
        reference=_CLIP_REFERENCE,
        tests=tests,
        hints=(
            "Sum the squares of all entries of all arrays first, then take one square root: "
            "one norm for the whole list.",
            "Multiply every array by the same factor, so the step keeps its direction; build "
            "new arrays (g * factor) rather than changing g with *=.",
        ),
        solution=(
            "One norm over all the arrays, one factor for all of them: the step keeps its "
            "direction and its length becomes max_norm. Below the limit nothing changes (a "
            "zero gradient has norm 0 and is never divided by it).\n\n"
            f"```python\n{_CLIP_REFERENCE}```"
        ),
        params={"tests": len(tests)},
    )


# ---- formula: the gradient through a chain of scalar layers ----------------------------------

_CHAIN_F = {"sigma": ("\\sigma", "sigma"), "tanh": ("\\tanh", "tanh")}


def chain_answer(D: int, f: str, wrt: str) -> tuple[str, str]:
    r"""$\partial a^{(D)}/\partial$ ``wrt`` (``"x"``, ``"w1"`` or ``"w2"``) in a chain
    $z^{(l)} = w_l\,a^{(l-1)}$, $a^{(l)} = f(z^{(l)})$, $a^{(0)} = x$: the answer grammar's
    text and LaTeX. Each layer above the parameter contributes $w_l f'(z^{(l)})$."""
    tex_f = _CHAIN_F[f][0]
    start = {"x": 1, "w1": 2, "w2": 3}[wrt]
    typed = [f"w{l}*{f}'(z{l})" for l in range(start, D + 1)]
    tex = [f"w_{l}\\,{tex_f}'(z^{{({l})}})" for l in range(start, D + 1)]
    if wrt == "w1":
        typed, tex = ["x*" + f"{f}'(z1)", *typed], [f"x\\,{tex_f}'(z^{{(1)}})", *tex]
    elif wrt == "w2":
        typed = [f"{f}(z1)*{f}'(z2)", *typed]
        tex = [f"{tex_f}(z^{{(1)}})\\,{tex_f}'(z^{{(2)}})", *tex]
    return "*".join(typed), " \\cdot ".join(tex)


@register("ch08.chain-formula")
def chain_formula(seed: int) -> FormulaExercise:
    r"""The derivative of the last activation of a chain of $D$ scalar layers with respect to
    the input or a weight: a product of one factor $w_l f'(z^{(l)})$ per layer it goes
    through, the product that vanishes or explodes with depth."""
    from ..exercises.formula import Variable

    rng = np.random.default_rng([72, 7, seed])
    if seed == 0:
        D, f, wrt = 3, "sigma", "w1"
    else:
        D = int(rng.choice([3, 4]))
        f = str(rng.choice(["sigma", "tanh"]))
        wrt = str(rng.choice(["x", "w1", "w2"]))
    formula, latex = chain_answer(D, f, wrt)
    tex_f, typed_f = _CHAIN_F[f]
    variables = (
        Variable("x", "x", ("a0", "a_0"), 0.5, 2.0),
        *(Variable(f"w{l}", f"w_{l}", (f"w_{l}",), 0.5, 2.0) for l in range(1, D + 1)),
        *(Variable(f"z{l}", f"z^{{({l})}}", (f"z_{l}",), -2.0, 2.0) for l in range(1, D + 1)),
    )
    target = {"x": "x", "w1": "w_1", "w2": "w_2"}[wrt]
    zs = ", ".join(f"`z{l}`" for l in range(1, D + 1))
    return FormulaExercise(
        key="ch08.chain-formula",
        title="Through a chain of layers, as a formula",
        question=(
            f"A chain of {D} scalar layers, one unit each and no biases: $a^{{(0)}} = x$, "
            f"$z^{{(l)}} = w_l\\,a^{{(l-1)}}$ and $a^{{(l)}} = {tex_f}(z^{{(l)}})$ for "
            f"$l = 1, \\dots, {D}$. Give $\\partial a^{{({D})}}/\\partial {target}$ as a formula "
            f"in $x$, the weights (`w1`, `w2`, ...) and the pre-activations ({zs}). Write "
            f"${tex_f}'(z^{{(l)}})$ as `{typed_f}'(z1)` and so on, and an activation "
            f"$a^{{(l)}}$ as `{typed_f}(z1)`."
        ),
        prompt=f"∂a⁽{'⁰¹²³⁴⁵⁶⁷⁸⁹'[D]}⁾/∂{ {'x': 'x', 'w1': 'w₁', 'w2': 'w₂'}[wrt] } =",
        formula=formula,
        variables=variables,
        hints=(
            "Go back one layer at a time: ∂a⁽ˡ⁾/∂z⁽ˡ⁾ = f′(z⁽ˡ⁾) and ∂z⁽ˡ⁾/∂a⁽ˡ⁻¹⁾ = w_l.",
            "Stop at the layer the parameter is in: ∂z⁽ˡ⁾/∂w_l = a⁽ˡ⁻¹⁾, the layer's input.",
        ),
        solution=(
            f"Each layer between ${target}$ and $a^{{({D})}}$ multiplies by its local "
            f"derivatives, $f'(z^{{(l)}})$ through the unit and $w_l$ through the weight"
            + (", and the weight's own layer by its input $a^{(l-1)}$" if wrt != "x" else "")
            + f": $\\partial a^{{({D})}}/\\partial {target} = {latex}$ (typed: `{formula}`). "
            "Every factor $w_l f'(z^{(l)})$ below 1 shrinks the gradient, every one above 1 "
            "grows it: with depth the product vanishes or explodes."
        ),
        params={"D": D, "f": f, "wrt": wrt},
    )
