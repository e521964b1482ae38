r"""Exercises of chapter 9, training a classifier: softmax, cross-entropy, its output delta
$p - t$, the size of a network, mini-batches, and accuracy.

Each ``make(seed)`` returns one variant; seed 0 is the book's. Answers come from
:class:`backprop.Network`, :data:`backprop.losses.LOSSES` ("softmax_cross_entropy"),
:func:`backprop.losses.accuracy` and :func:`backprop.optim.train`.
"""

from __future__ import annotations

import numpy as np

from ..data import one_hot
from ..exercises import Exercise, register, vector
from ..losses import LOSSES, accuracy, softmax
from ..network import Network
from ..optim import train
from ._fair import fair_variant, first_fair


def _scores(rng: np.random.Generator, k: int = 3) -> np.ndarray:
    """k integer scores from -2..3, not all equal (so the softmax is not uniform)."""
    return first_fair(
        lambda: rng.integers(-2, 4, size=k).astype(float),
        lambda y: bool(np.ptp(y) > 0),
        what="softmax scores",
    )


@register("ch09.params")
def params(seed: int) -> Exercise:
    r"""The number of weights and biases of an n_in-h-n_out network: $n_0 n_1 + n_1 + n_1 n_2 + n_2$."""
    rng = np.random.default_rng([7, 1, seed])
    if seed == 0:
        sizes = [64, 16, 10]  # not the chapter's own 64-32-10, whose count the text gives
    else:
        sizes = [
            int(rng.choice([16, 36, 64, 100, 784])),
            int(rng.choice([8, 16, 20, 30, 32, 50, 64, 100, 128])),
            int(rng.choice([2, 3, 5, 10, 26])),
        ]
    n_in, h, n_out = sizes
    answer = Network.random(sizes, ["relu", "identity"]).n_params
    return Exercise(
        key="ch09.params",
        title="Counting parameters",
        question=(
            f"A network has {n_in} inputs, one hidden layer of {h} ReLU units and {n_out} "
            "outputs, every layer fully connected with a bias per unit "
            f"(a {n_in}-{h}-{n_out} network). How many parameters (weights and biases) "
            "does gradient descent train?"
        ),
        prompt=f"parameters of a {n_in}-{h}-{n_out} network:",
        answer=(answer,),
        rtol=0.0,
        atol=1e-6,
        hints=(
            "Layer l has a weight matrix W of shape (n_in, n_out) and a bias vector b of n_out numbers.",
            f"Add the two layers: {n_in}·{h} + {h} for the first, {h}·{n_out} + {n_out} for the second.",
        ),
        solution=(
            f"Layer 1 has ${n_in} \\times {h} = {n_in * h}$ weights and ${h}$ biases; layer 2 has "
            f"${h} \\times {n_out} = {h * n_out}$ weights and ${n_out}$ biases: "
            f"${n_in * h} + {h} + {h * n_out} + {n_out} = {answer}$ parameters."
        ),
        params={"sizes": sizes},
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


@register("ch09.steps")
def steps(seed: int) -> Exercise:
    """Gradient steps per epoch of mini-batch descent: ceil(n / batch size)."""

    def draw(rng: np.random.Generator) -> tuple[int, int]:
        n = int(rng.integers(200, 2001))
        return n, int(rng.choice([10, 16, 25, 32, 50, 64, 100, 128]))

    n, bs = fair_variant(
        seed,
        (7, 4),
        draw,
        lambda c: c[0] % c[1] != 0,  # a smaller last batch is the point
        book=lambda: (1348, 32),
    )
    # Count the steps bp.train takes in one epoch on dummy data of n samples.
    history = train(
        Network([[[0.0]]], [[0.0]], "identity"),
        np.zeros((n, 1)),
        np.zeros((n, 1)),
        epochs=1,
        batch_size=bs,
    )
    answer = len(history.loss)
    return Exercise(
        key="ch09.steps",
        title="Steps per epoch",
        question=(
            f"A training set has {n} images. Mini-batch gradient descent with batches of "
            f"{bs} takes one gradient step per batch, and the last batch takes whatever is "
            "left over. How many gradient steps make one epoch (one pass over the training set)?"
        ),
        prompt="steps per epoch:",
        answer=(answer,),
        rtol=0.0,
        atol=1e-6,
        hints=(
            f"{n} / {bs} is not a whole number: count the full batches, then the leftover one.",
            "The number of steps is the ceiling ⌈n / batch size⌉.",
        ),
        solution=(
            f"${n} = {n // bs} \\times {bs} + {n % bs}$: {n // bs} full batches and one of "
            f"{n % bs} images, so ${answer}$ steps per epoch."
        ),
        params={"n": n, "batch_size": bs},
    )


@register("ch09.accuracy")
def accuracy_from_confusion(seed: int) -> Exercise:
    r"""Accuracy from a confusion matrix: $\operatorname{tr} C / \sum C$."""

    def draw(rng: np.random.Generator) -> np.ndarray:
        C = rng.integers(0, 4, size=(3, 3))
        C[np.diag_indices(3)] = rng.integers(5, 16, size=3)
        return C

    C = fair_variant(
        seed,
        (7, 5),
        draw,
        lambda C: bool(C.sum() - np.trace(C) > 0),  # at least one mistake
        book=lambda: np.array([[9, 1, 0], [2, 7, 1], [0, 0, 10]]),
    )
    # Rebuild the labels the counts describe and let the library score them.
    true = np.repeat(np.repeat(np.arange(3), 3), C.ravel())
    predicted = np.repeat(np.tile(np.arange(3), 3), C.ravel())
    answer = accuracy(predicted, true)
    rows = r" \\ ".join(" & ".join(str(int(v)) for v in row) for row in C)
    return Exercise(
        key="ch09.accuracy",
        title="Accuracy from a confusion matrix",
        question=(
            "A three-class classifier is tested on some images. In its confusion matrix "
            "row $c$ counts the images of true class $c$ and column $k$ those predicted as "
            f"class $k$: $C = \\begin{{bmatrix}} {rows} \\end{{bmatrix}}$. "
            "What is its accuracy, as a fraction between 0 and 1?"
        ),
        prompt="accuracy =",
        answer=(answer,),
        hints=(
            "The correct predictions are on the diagonal (true class = predicted class).",
            "Accuracy = (sum of the diagonal) / (sum of all entries).",
        ),
        solution=(
            f"The diagonal holds ${' + '.join(str(int(v)) for v in np.diag(C))} = "
            f"{int(np.trace(C))}$ correct predictions out of ${int(C.sum())}$ images: "
            f"accuracy $= {int(np.trace(C))} / {int(C.sum())} = {answer:.4f}$."
        ),
        params={"C": C.tolist()},
    )
