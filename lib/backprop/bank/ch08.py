r"""Exercises of chapter 8, "Gradients through depth".

How the mean square of the pre-activations changes layer by layer (a ReLU layer with
weights of variance $c/n$ multiplies it by $c/2$), how a chain of sigmoid units shrinks the
deltas (each layer multiplies by $w\,\sigma'(z) \le w/4$), what clipping by the global norm
does to one entry, and why a residual connection's local derivative $1 + \dots$ keeps the
gradient alive. Answers come from :class:`backprop.Network`, :func:`backprop.clip_gradients`
and the chain rule written out. Each ``make(seed)`` returns one variant; seed 0 is the book's.
"""

from __future__ import annotations

import numpy as np

from ..exercises import Exercise, register
from ..network import Gradients, Network
from ..optim import clip_gradients
from ._fair import fair_variant
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
