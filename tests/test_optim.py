"""Tests of backprop.optim: sgd_step and train."""

from __future__ import annotations

import itertools
import math

import backprop as bp
import numpy as np
import pytest


def regression_data(n=20, seed=0):
    """y = 2 x - 1 + small noise; the least-squares line is computed independently."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, n)
    y = 2 * x - 1 + 0.01 * rng.normal(size=n)
    return x[:, None], y[:, None]


# ---- sgd_step -------------------------------------------------------------------


@pytest.mark.parametrize("lr", [0.1, 1e-3, 2.5])
def test_sgd_step_moves_by_exactly_minus_lr_times_the_gradient(lr):
    net = bp.Network.random([3, 4, 2], ["tanh", "identity"], seed=0)
    rng = np.random.default_rng(1)
    X, T = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    g = net.gradients(X, T, "mse")
    before = [p.copy() for p in net.parameters()]
    arrays = list(net.parameters())
    bp.sgd_step(net, g, lr)
    steps = [d for pair in zip(g.dW, g.db, strict=True) for d in pair]
    for p, old, d, same in zip(net.parameters(), before, steps, arrays, strict=True):
        assert p is same  # updated in place
        np.testing.assert_array_equal(p, old - lr * d)


def test_sgd_step_with_a_small_rate_lowers_the_loss():
    net = bp.Network.random([2, 5, 1], "sigmoid", seed=0)
    X, T = np.random.default_rng(0).normal(size=(8, 2)), np.ones((8, 1))
    before = net.loss(X, T, "half_sse")
    bp.sgd_step(net, net.gradients(X, T, "half_sse"), 1e-2)
    assert net.loss(X, T, "half_sse") < before


@pytest.mark.parametrize("lr", [0.0, -0.1, math.nan, math.inf, -math.inf])
def test_sgd_step_rejects_bad_learning_rates(lr):
    net = bp.Network.random([2, 1], "identity", seed=0)
    g = net.gradients(np.ones((1, 2)), [[0.0]], "sse")
    before = [p.copy() for p in net.parameters()]
    with pytest.raises(ValueError, match="learning rate"):
        bp.sgd_step(net, g, lr)
    for p, q in zip(net.parameters(), before, strict=True):
        np.testing.assert_array_equal(p, q)


# ---- train ----------------------------------------------------------------------


def test_full_batch_history_records_the_loss_before_each_step():
    net = bp.Network.random([1, 3, 1], ["tanh", "identity"], seed=0)
    twin = net.copy()
    X, T = regression_data(10)
    h = bp.train(net, X, T, "mse", lr=0.05, epochs=7)
    assert isinstance(h, bp.History)
    assert len(h.loss) == 7 and len(h.epoch_loss) == 7
    # Replay plain gradient descent by hand on the twin.
    for k in range(7):
        g = twin.gradients(X, T, "mse")
        assert h.loss[k] == g.loss
        for p, d in zip(
            twin.parameters(),
            [d for pair in zip(g.dW, g.db, strict=True) for d in pair],
            strict=True,
        ):
            p -= 0.05 * d
    for p, q in zip(net.parameters(), twin.parameters(), strict=True):
        np.testing.assert_array_equal(p, q)
    assert h.epoch_loss == h.loss  # one batch per epoch


def test_mini_batch_history_lengths_and_epoch_means():
    net = bp.Network.random([1, 3, 1], "tanh", seed=0)
    X, T = regression_data(10)
    h = bp.train(net, X, T, "mse", lr=0.05, epochs=4, batch_size=3)
    per_epoch = math.ceil(10 / 3)  # batches of 3, 3, 3, 1
    assert len(h.loss) == 4 * per_epoch and len(h.epoch_loss) == 4
    for e in range(4):
        chunk = h.loss[e * per_epoch : (e + 1) * per_epoch]
        assert h.epoch_loss[e] == pytest.approx(sum(chunk) / per_epoch, rel=1e-14)


def test_batch_size_at_least_n_is_full_batch():
    X, T = regression_data(6)
    a = bp.Network.random([1, 2, 1], "tanh", seed=3)
    b = a.copy()
    ha = bp.train(a, X, T, lr=0.1, epochs=5)
    hb = bp.train(b, X, T, lr=0.1, epochs=5, batch_size=50)
    assert ha.loss == hb.loss


def test_loss_falls_on_a_linear_regression():
    X, T = regression_data(20)
    net = bp.Network([[[0.0]]], [[0.0]], "identity")
    h = bp.train(net, X, T, "mse", lr=0.3, epochs=300)
    assert all(b <= a + 1e-15 for a, b in itertools.pairwise(h.loss))  # convex, small lr
    assert h.loss[-1] < 1e-3 * h.loss[0]
    # The least-squares line, solved independently.
    design = np.hstack([X, np.ones_like(X)])
    (slope, intercept), *_ = np.linalg.lstsq(design, T[:, 0], rcond=None)
    assert net.W[0][0, 0] == pytest.approx(slope, abs=1e-6)
    assert net.b[0][0] == pytest.approx(intercept, abs=1e-6)


def test_loss_falls_on_a_nonlinear_regression_with_mini_batches():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, (40, 1))
    T = np.sin(X)
    net = bp.Network.random([1, 8, 1], ["tanh", "identity"], seed=0)
    start = net.loss(X, T, "mse")
    h = bp.train(net, X, T, "mse", lr=0.05, epochs=100, batch_size=8, seed=1)
    assert net.loss(X, T, "mse") < 0.1 * start
    assert np.mean(h.epoch_loss[-10:]) < np.mean(h.epoch_loss[:10])


def test_training_is_deterministic_given_the_seed():
    X, T = regression_data(12)
    base = bp.Network.random([1, 4, 1], "tanh", seed=5)
    a, b, c = base.copy(), base.copy(), base.copy()
    ha = bp.train(a, X, T, lr=0.1, epochs=5, batch_size=4, seed=7)
    hb = bp.train(b, X, T, lr=0.1, epochs=5, batch_size=4, seed=7)
    hc = bp.train(c, X, T, lr=0.1, epochs=5, batch_size=4, seed=8)
    assert ha.loss == hb.loss and ha.epoch_loss == hb.epoch_loss
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(p, q)
    assert ha.loss != hc.loss  # a different shuffle


def test_on_epoch_callback_sees_every_epoch():
    X, T = regression_data(5)
    net = bp.Network.random([1, 1], "identity", seed=0)
    seen = []

    def cb(epoch, model, history):
        assert model is net
        seen.append((epoch, len(history.epoch_loss)))

    bp.train(net, X, T, epochs=4, on_epoch=cb)
    assert seen == [(0, 1), (1, 2), (2, 3), (3, 4)]


def test_zero_epochs_changes_nothing():
    X, T = regression_data(5)
    net = bp.Network.random([1, 2, 1], "tanh", seed=0)
    before = [p.copy() for p in net.parameters()]
    h = bp.train(net, X, T, epochs=0)
    assert h.loss == [] and h.epoch_loss == []
    for p, q in zip(net.parameters(), before, strict=True):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"lr": 0.0}, "learning rate"),
        ({"lr": -1.0}, "learning rate"),
        ({"lr": math.nan}, "learning rate"),
        ({"epochs": -1}, "epochs"),
        ({"batch_size": 0}, "batch_size"),
        ({"loss": "hinge"}, "unknown loss"),
    ],
)
def test_train_rejects_bad_arguments(kwargs, pattern):
    X, T = regression_data(5)
    net = bp.Network.random([1, 1], "identity", seed=0)
    with pytest.raises(ValueError, match=pattern):
        bp.train(net, X, T, **{"epochs": 2, **kwargs})


def test_train_rejects_bad_data():
    net = bp.Network.random([1, 1], "identity", seed=0)
    with pytest.raises(ValueError, match="5 samples but T has 4"):
        bp.train(net, np.ones((5, 1)), np.ones((4, 1)))
    with pytest.raises(ValueError, match="2-D"):
        bp.train(net, np.ones(5), np.ones((5, 1)))
    with pytest.raises(ValueError, match="NaN"):
        bp.train(net, np.full((5, 1), np.nan), np.ones((5, 1)))
