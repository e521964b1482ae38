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
from ..exercises import Exercise, register, vector
from ..losses import get_loss
from ..network import Network
from ._fair import fair_variant
from ._format import clean, paren, tenths

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
