"""Tests of the classification additions to backprop.losses: softmax, the softmax
cross-entropy loss (values against loops, gradients against finite differences and
autograd), and the accuracy and confusion-matrix metrics."""

from __future__ import annotations

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

SETTINGS = settings(max_examples=40, deadline=None)
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


def test_gradient_matches_finite_differences():
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
