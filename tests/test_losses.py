"""Tests of backprop.losses: values against the book's formulas, gradients against
finite differences and autograd."""

from __future__ import annotations

import dataclasses
import math

import autograd.numpy as anp
import backprop as bp
import numpy as np
import pytest
from autograd import grad
from backprop import losses as Ls
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

NAMES = ["sse", "half_sse", "mse"]
SETTINGS = settings(max_examples=40, deadline=None)


def loop_loss(name: str, Y: np.ndarray, T: np.ndarray) -> float:
    """The formulas written out with explicit loops over samples i and outputs j."""
    n, m = Y.shape
    total = 0.0
    for i in range(n):
        sq_norm = 0.0  # ||y_i - t_i||^2
        for j in range(m):
            sq_norm += (Y[i, j] - T[i, j]) ** 2
        total += sq_norm
    return {"sse": total, "half_sse": 0.5 * total, "mse": total / n}[name]


def autograd_loss(name: str):
    def f(Y, T):
        s = anp.sum((Y - T) ** 2)
        return {"sse": s, "half_sse": 0.5 * s, "mse": s / Y.shape[0]}[name]

    return f


@st.composite
def pairs(draw):
    n = draw(st.integers(1, 5))
    m = draw(st.integers(1, 4))
    elems = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)
    Y = draw(hnp.arrays(np.float64, (n, m), elements=elems))
    T = draw(hnp.arrays(np.float64, (n, m), elements=elems))
    return Y, T


def test_registry_holds_the_squared_errors_and_the_classification_loss():
    # The three squared-error losses of chapters 2-6 and chapter 7's softmax cross-entropy.
    assert sorted(bp.LOSSES) == sorted([*NAMES, "softmax_cross_entropy"])
    rng = np.random.default_rng(0)
    Y = rng.normal(size=(3, 4))
    T = np.eye(4)[[0, 2, 3]]  # one-hot rows suit every loss here
    for name, loss in bp.LOSSES.items():
        assert isinstance(loss, bp.Loss) and loss.name == name
        assert bp.get_loss(name) is loss
        assert loss.formula  # a LaTeX formula for the book
        # Every registered gradient is the derivative of its value.
        numeric = bp.numerical_gradient(lambda y, loss=loss: loss.value(y, T), Y)
        np.testing.assert_allclose(loss.grad(Y, T), numeric, rtol=1e-6, atol=1e-8)


def test_hand_computed_values():
    # Errors 1, 2, 3, 4: squares sum to 1 + 4 + 9 + 16 = 30, over n = 2 samples.
    Y = np.array([[1.0, 2.0], [3.0, 4.0]])
    T = np.zeros((2, 2))
    assert bp.get_loss("sse")(Y, T) == 30.0
    assert bp.get_loss("half_sse")(Y, T) == 15.0
    assert bp.get_loss("mse")(Y, T) == 15.0


@pytest.mark.parametrize(
    ("name", "value", "gradient"),
    [
        ("sse", Ls.sse, Ls.sse_grad),
        ("half_sse", Ls.half_sse, Ls.half_sse_grad),
        ("mse", Ls.mse, Ls.mse_grad),
    ],
)
def test_module_functions_are_the_registered_ones(name, value, gradient):
    loss = bp.LOSSES[name]
    assert loss.value is value and loss.grad is gradient
    # One sample, errors (3, -4): ||e||^2 = 25.
    Y, T = np.array([[3.0, -4.0]]), np.zeros((1, 2))
    expected = {"sse": 25.0, "half_sse": 12.5, "mse": 25.0}[name]
    assert value(Y, T) == expected
    np.testing.assert_array_equal(
        gradient(Y, T), {"sse": 2.0, "half_sse": 1.0, "mse": 2.0}[name] * (Y - T)
    )


def test_mse_averages_over_samples_not_over_entries():
    # 2 samples of 3 outputs: (1/n) sum_i ||y_i - t_i||^2 divides by n = 2, not by 6.
    Y = np.ones((2, 3))
    T = np.zeros((2, 3))
    assert Ls.mse(Y, T) == 3.0
    np.testing.assert_array_equal(Ls.mse_grad(Y, T), np.full((2, 3), 1.0))  # 2/n * 1


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(YT=pairs())
def test_value_matches_loop_formula(name, YT):
    Y, T = YT
    loss = bp.get_loss(name)
    value = loss(Y, T)
    assert isinstance(value, float)
    assert value == pytest.approx(loop_loss(name, Y, T), rel=1e-12, abs=1e-12)
    assert value >= 0.0
    assert loss(T, T) == 0.0


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(YT=pairs())
def test_gradient_matches_finite_differences(name, YT):
    Y, T = YT
    loss = bp.get_loss(name)
    numeric = bp.numerical_gradient(lambda y: loss(y, T), Y, eps=1e-5)
    g = loss.grad(Y, T)
    assert g.shape == Y.shape
    # Central differences are exact for a quadratic up to rounding of the loss.
    np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-10 * (1.0 + loss(Y, T)))


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(YT=pairs())
def test_gradient_matches_autograd(name, YT):
    Y, T = YT
    expected = grad(autograd_loss(name))(Y, T)
    np.testing.assert_allclose(bp.get_loss(name).grad(Y, T), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("name", "factor"), [("sse", 2.0), ("half_sse", 1.0), ("mse", 2.0 / 3.0)])
def test_gradient_is_the_stated_multiple_of_the_error(name, factor):
    rng = np.random.default_rng(5)
    Y, T = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    np.testing.assert_allclose(bp.get_loss(name).grad(Y, T), factor * (Y - T), rtol=1e-15)


def test_get_loss_passes_a_loss_through():
    custom = bp.Loss("abs", lambda Y, T: float(np.abs(Y - T).sum()), np.sign, "|y - t|")
    assert bp.get_loss(custom) is custom
    for name in NAMES:
        assert bp.get_loss(name) is bp.LOSSES[name]


@pytest.mark.parametrize("bad", ["cross_entropy", "MSE", "", None, 1.5])
def test_unknown_loss_raises_listing_known_names(bad):
    with pytest.raises(ValueError) as info:
        bp.get_loss(bad)
    msg = str(info.value)
    assert "unknown loss" in msg and str(bad) in msg
    for name in NAMES:
        assert name in msg


def test_loss_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        bp.LOSSES["mse"].name = "x"  # type: ignore[misc]


# ---- Tests of the classification additions to backprop.losses: softmax, the softmax ----

CE = Ls.LOSSES["softmax_cross_entropy"]


@st.composite
def scores_and_targets(draw, one_hot: bool = True):
    n = draw(st.integers(1, 5))
    k = draw(st.integers(2, 6))
    Y = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(-20, 20)))
    if one_hot:
        c = draw(hnp.arrays(np.intp, n, elements=st.integers(0, k - 1)))
        T = np.eye(k)[c]
    else:
        T = draw(hnp.arrays(np.float64, (n, k), elements=st.floats(0, 1)))
    return Y, T


def loop_ce(Y: np.ndarray, T: np.ndarray) -> float:
    """L = -(1/n) sum_i sum_j t_ij log p_ij, with the softmax written out."""
    n, k = Y.shape
    total = 0.0
    for i in range(n):
        denom = sum(math.exp(Y[i, m]) for m in range(k))
        for j in range(k):
            total -= T[i, j] * math.log(math.exp(Y[i, j]) / denom)
    return total / n


def autograd_ce(Y, T):
    shifted = Y - anp.max(Y, axis=1, keepdims=True)
    logp = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
    return -anp.sum(T * logp) / Y.shape[0]


def test_softmax_of_a_known_row():
    p = Ls.softmax([0.0, np.log(2.0), np.log(3.0)])
    np.testing.assert_allclose(p, [1 / 6, 2 / 6, 3 / 6], rtol=1e-14)


@given(YT=scores_and_targets())
@SETTINGS
def test_softmax_rows_are_probabilities_and_ignore_a_shift(YT):
    Y, _ = YT
    P = Ls.softmax(Y)
    assert P.shape == Y.shape
    assert np.all(P >= 0) and np.all(P <= 1)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(Ls.softmax(Y + 7.5), P, rtol=1e-9, atol=1e-15)
    # The softmax keeps the order of the scores: a larger score never gets a smaller
    # probability (scores that differ by less than rounding may tie).
    for y, p in zip(Y, P, strict=True):
        order = np.argsort(y, kind="stable")
        assert np.all(np.diff(p[order]) >= 0)


def test_softmax_and_loss_do_not_overflow_for_huge_scores():
    Y = np.array([[1000.0, 0.0, -1000.0]])
    np.testing.assert_allclose(Ls.softmax(Y), [[1.0, 0.0, 0.0]])
    assert CE(Y, np.array([[1.0, 0.0, 0.0]])) == pytest.approx(0.0, abs=1e-12)
    assert CE(Y, np.array([[0.0, 0.0, 1.0]])) == pytest.approx(2000.0)


def test_softmax_rejects_nan():
    with pytest.raises(ValueError, match="NaN"):
        Ls.softmax([1.0, float("nan")])


@given(YT=scores_and_targets())
@SETTINGS
def test_cross_entropy_value_matches_the_loops(YT):
    Y, T = YT
    Y = np.clip(Y, -10, 10)  # the loops use plain exp; keep them in range
    assert CE(Y, T) == pytest.approx(loop_ce(Y, T), rel=1e-10, abs=1e-12)


def test_cross_entropy_of_uniform_scores_is_log_k():
    Y = np.zeros((4, 10))
    T = np.eye(10)[[0, 3, 5, 9]]
    assert CE(Y, T) == pytest.approx(np.log(10.0), rel=1e-14)


@given(YT=scores_and_targets())
@SETTINGS
def test_gradient_is_p_minus_t_over_n_for_one_hot_targets(YT):
    Y, T = YT
    np.testing.assert_allclose(CE.grad(Y, T), (Ls.softmax(Y) - T) / Y.shape[0], atol=1e-15)
    np.testing.assert_allclose(CE.grad(Y, T).sum(axis=1), 0.0, atol=1e-12)


@given(YT=scores_and_targets(one_hot=False))
@SETTINGS
def test_gradient_matches_autograd_for_any_targets(YT):
    Y, T = YT
    np.testing.assert_allclose(CE.grad(Y, T), grad(autograd_ce)(Y, T), rtol=1e-9, atol=1e-12)


def test_cross_entropy_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    Y = rng.normal(size=(4, 5))
    T = np.eye(5)[[1, 0, 4, 4]]
    numeric = bp.numerical_gradient(lambda y: CE(y, T), Y)
    np.testing.assert_allclose(CE.grad(Y, T), numeric, atol=1e-9)


def test_registered_by_name_and_used_by_the_network():
    assert bp.get_loss("softmax_cross_entropy") is CE
    assert CE.name == "softmax_cross_entropy" and r"\log" in CE.formula
    net = bp.Network.random([4, 6, 3], ["relu", "identity"], seed=2)
    rng = np.random.default_rng(1)
    X = rng.normal(size=(5, 4))
    T = np.eye(3)[[0, 1, 2, 1, 0]]
    assert bp.gradient_check(net, X, T, "softmax_cross_entropy", eps=1e-5) < 1e-6
    g = net.gradients(X, T, "softmax_cross_entropy")
    np.testing.assert_allclose(g.dz[-1], (Ls.softmax(net.predict(X)) - T) / 5, rtol=1e-12)
    assert g.loss == pytest.approx(net.loss(X, T, "softmax_cross_entropy"))


def test_training_with_it_lowers_the_loss():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 2))
    labels = (X[:, 0] + X[:, 1] > 0).astype(int)
    T = np.eye(2)[labels]
    net = bp.Network.random([2, 8, 2], ["tanh", "identity"], seed=0)
    before = net.loss(X, T, "softmax_cross_entropy")
    bp.train(net, X, T, "softmax_cross_entropy", lr=0.5, epochs=50, batch_size=10)
    assert net.loss(X, T, "softmax_cross_entropy") < 0.5 * before
    assert Ls.accuracy(net.predict(X), labels) > 0.9


# ---- metrics ----------------------------------------------------------------


def test_accuracy_accepts_scores_one_hot_rows_or_labels():
    Y = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    labels = np.array([1, 0, 0, 0])
    assert Ls.accuracy(Y, labels) == 0.75
    assert Ls.accuracy(Y, np.eye(2)[labels]) == 0.75
    assert Ls.accuracy(Y.argmax(axis=1), labels) == 0.75
    assert Ls.accuracy(labels, labels) == 1.0


def test_accuracy_errors():
    with pytest.raises(ValueError, match="3 predictions but T has 2"):
        Ls.accuracy([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="whole numbers"):
        Ls.accuracy([0.5, 1.0], [0, 1])
    with pytest.raises(ValueError, match="no samples"):
        Ls.accuracy(np.array([], dtype=int), np.array([], dtype=int))
    with pytest.raises(ValueError, match="1-D labels or 2-D"):
        Ls.accuracy(np.zeros((2, 2, 2)), [0, 1])


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    true = [0, 0, 1, 2, 2, 2]
    pred = [0, 1, 1, 2, 0, 2]
    C = Ls.confusion_matrix(pred, true)
    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert np.trace(C) / C.sum() == Ls.accuracy(pred, true)
    C5 = Ls.confusion_matrix(pred, true, n_classes=5)
    assert C5.shape == (5, 5) and C5.sum() == 6
    with pytest.raises(ValueError, match="too small"):
        Ls.confusion_matrix(pred, true, n_classes=2)
    with pytest.raises(ValueError, match="predictions but T"):
        Ls.confusion_matrix([0, 1], [0])
    none = np.array([], dtype=int)
    with pytest.raises(ValueError, match="needs n_classes"):
        Ls.confusion_matrix(none, none)
    np.testing.assert_array_equal(Ls.confusion_matrix(none, none, n_classes=2), np.zeros((2, 2)))


@given(
    labels=hnp.arrays(np.intp, st.integers(1, 30), elements=st.integers(0, 4)),
    seed=st.integers(0, 100),
)
@SETTINGS
def test_accuracy_is_the_confusion_diagonal_share(labels, seed):
    pred = np.random.default_rng(seed).integers(0, 5, size=labels.size)
    C = Ls.confusion_matrix(pred, labels, n_classes=5)
    assert C.sum() == labels.size
    assert Ls.accuracy(pred, labels) == pytest.approx(np.trace(C) / C.sum())
