"""Tests of backprop.widgets.descent (Python side): the explorer descends the line fit's mean
squared error, as chapter 5 defines it, with the library; traits are synced and checked.
The browser side (js/descent.js) is tested in tests/browser/test_explorers.py."""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
import traitlets
from backprop.optim import descent_path, loss_grid
from backprop.widgets.descent import DescentExplorer, descent_explorer

rng = np.random.default_rng(0)
X = np.linspace(-0.5, 2.0, 6)
T = 2 * X - 1 + 0.1 * rng.normal(size=X.shape)
N = len(X)


def loss_by_hand(p):
    w, b = p
    return sum((w * x + b - t) ** 2 for x, t in zip(X, T, strict=True)) / N


def grad_by_hand(p):
    w, b = p
    r = [(w * x + b - t) for x, t in zip(X, T, strict=True)]
    return np.array([2 / N * sum(ri * x for ri, x in zip(r, X, strict=True)), 2 / N * sum(r)])


def make(**kw):
    args = dict(start=(-1.0, 1.0), lr=0.3, steps=30, xlim=(-1.5, 4.5), ylim=(-3.0, 3.0))
    args.update(kw)
    return descent_explorer(X, T, labels=("w", "b"), minimum=(2.0, -1.0), **args)


def test_the_loss_and_gradient_are_the_line_fit_mse():
    w = make()
    for p in [(-1.0, 1.0), (2.0, -1.0), (0.3, 0.7)]:
        assert w.loss(p) == pytest.approx(loss_by_hand(p), rel=1e-13)
        np.testing.assert_allclose(w.grad(p), grad_by_hand(p), rtol=1e-12)
        net = bp.Network([[[p[0]]]], [[p[1]]], "identity")
        assert w.loss(p) == net.loss(X.reshape(-1, 1), T.reshape(-1, 1), "mse")
        np.testing.assert_allclose(w.grad(p), bp.numerical_gradient(w.loss, p), rtol=1e-6)


def test_starts_with_a_converging_run_and_syncs_its_traits():
    w = make()
    assert isinstance(w, DescentExplorer)
    assert w.path.shape == (31, 2)
    np.testing.assert_allclose(w.path, descent_path(grad_by_hand, [-1.0, 1.0], 0.3, 30), rtol=1e-12)
    np.testing.assert_allclose(w.losses, [loss_by_hand(p) for p in w.path], rtol=1e-12)
    assert not w.diverged and w.losses[-1] < 0.01 * w.losses[0]
    state = w.get_state()
    assert state["lr"] == 0.3 and state["start"] == [-1.0, 1.0] and state["steps"] == 30
    assert state["x"] == X.tolist() and state["t"] == T.tolist()
    assert state["minimum"] == [2.0, -1.0] and state["labels"] == ["w", "b"]


def test_past_two_over_the_largest_curvature_it_diverges():
    w = make()
    A = np.stack([X, np.ones_like(X)], axis=1)
    limit = 2 / np.linalg.eigvalsh(2 / N * A.T @ A).max()
    w.lr = 0.97 * limit
    assert not w.diverged
    w.lr = 1.03 * limit
    assert w.diverged and w.losses[-1] > w.losses[0]


def test_the_start_and_steps_move_the_path():
    w = make()
    w.start = [0.0, 0.0]
    np.testing.assert_array_equal(w.path[0], [0.0, 0.0])
    w.steps = 5
    assert w.path.shape == (6, 2)
    np.testing.assert_allclose(w.path[1], -0.3 * grad_by_hand([0.0, 0.0]), rtol=1e-12)


def test_a_start_at_the_minimum_stays_there():
    A = np.stack([X, np.ones_like(X)], axis=1)
    best = np.linalg.lstsq(A, T, rcond=None)[0]
    w = make(start=tuple(best))
    # The gradient is 0 up to rounding: the path stays put (and stops if it is exactly 0).
    np.testing.assert_allclose(w.path, np.broadcast_to(best, w.path.shape), atol=1e-12)
    assert not w.diverged


def test_the_grid_is_loss_grid_of_the_loss():
    w = make()
    P, Q, F = w.grid
    P2, Q2, F2 = loss_grid(loss_by_hand, (-1.5, 4.5), (-3.0, 3.0), w.n)
    np.testing.assert_array_equal(P, P2)
    np.testing.assert_allclose(F, F2, rtol=1e-12)


def test_repr_is_plain_and_bad_arguments_raise():
    w = make()
    assert repr(w) == "Gradient descent explorer: run this cell to move the sliders"
    with pytest.raises(ValueError, match="start"):
        make(start=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="outside the window"):
        make(start=(9.0, 0.0))
    with pytest.raises(ValueError, match="outside"):
        make(lr=5.0)
    with pytest.raises(ValueError, match="lr_range"):
        make(lr_range=(1.0, 0.1))
    with pytest.raises(ValueError, match="same number"):
        descent_explorer(X, T[:-1], (0.0, 0.0))
    with pytest.raises(ValueError, match="steps"):
        make(steps=0)
    with pytest.raises(ValueError, match="xlim"):
        make(xlim=(1.0, -1.0))
    with pytest.raises(traitlets.TraitError, match="outside lr_range"):
        w.lr = 2.0
    with pytest.raises(traitlets.TraitError, match="steps"):
        w.steps = 1000
    assert w.lr == 0.3 and w.steps == 30
