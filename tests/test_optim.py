"""Tests of backprop.optim: sgd_step and train."""

from __future__ import annotations

import itertools
import math

import backprop as bp
import numpy as np
import pytest
from backprop.optim import descent_path, loss_grid


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


# ---- Tests of backprop.optim.descent_path and loss_grid (loss surfaces and descent paths) ----

# f(x) = 1/2 x^T H x with H = diag(1, 10): gradient H x, stable iff lr < 2 / 10.
H = np.diag([1.0, 10.0])


def grad_quadratic(x):
    return H @ x


def test_each_step_is_minus_lr_times_the_gradient():
    path = descent_path(grad_quadratic, [2.0, 1.0], lr=0.05, steps=5)
    assert path.shape == (6, 2)
    np.testing.assert_array_equal(path[0], [2.0, 1.0])
    for a, b in zip(path[:-1], path[1:], strict=True):
        np.testing.assert_allclose(b, a - 0.05 * (H @ a), rtol=0, atol=1e-15)


def test_on_a_quadratic_each_coordinate_shrinks_by_one_minus_lr_times_its_curvature():
    # x_n = (1 - lr h)^n x_0 coordinatewise: the closed form, written independently.
    lr, n = 0.15, 12
    path = descent_path(grad_quadratic, [1.0, 1.0], lr, n)
    expected = (
        np.array([(1 - lr * 1.0) ** k for k in range(n + 1)]),
        np.array([(1 - lr * 10.0) ** k for k in range(n + 1)]),
    )
    np.testing.assert_allclose(path[:, 0], expected[0], rtol=1e-12)
    np.testing.assert_allclose(path[:, 1], expected[1], rtol=1e-12)


@pytest.mark.parametrize(("lr", "converges"), [(0.01, True), (0.19, True), (0.21, False)])
def test_the_learning_rate_threshold_two_over_the_largest_curvature(lr, converges):
    path = descent_path(grad_quadratic, [1.0, 1.0], lr, 400)
    last = np.linalg.norm(path[-1])
    assert (last < 1.0) == converges


def test_a_diverging_run_stops_at_the_last_finite_point():
    path = descent_path(lambda x: x**3, [10.0], lr=1.0, steps=100)
    assert len(path) < 101
    assert np.isfinite(path).all()


def test_tol_stops_when_the_gradient_is_small_enough():
    path = descent_path(grad_quadratic, [1.0, 1.0], lr=0.1, steps=1000, tol=1e-3)
    assert len(path) < 1001
    assert np.linalg.norm(H @ path[-1]) <= 1e-3
    assert np.linalg.norm(H @ path[-2]) > 1e-3


def test_a_zero_gradient_point_does_not_move_even_a_saddle():
    saddle = lambda x: np.array([2 * x[0], -2 * x[1]])  # noqa: E731  f = x^2 - y^2
    path = descent_path(saddle, [0.0, 0.0], lr=0.1, steps=10)
    np.testing.assert_array_equal(path, [[0.0, 0.0]])
    # A nudge off the ridge escapes along y.
    path = descent_path(saddle, [1.0, 1e-6], lr=0.1, steps=100)
    assert abs(path[-1, 1]) > 1.0 and abs(path[-1, 0]) < 1e-6


def test_descent_on_a_network_matches_sgd_step():
    net = bp.Network([[[0.5]]], [[0.1]], "identity")
    X, T = np.array([[1.0], [2.0], [3.0]]), np.array([[1.0], [3.0], [5.0]])

    def grad(p):
        g = bp.Network([[[p[0]]]], [[p[1]]], "identity").gradients(X, T, "mse")
        return np.array([g.dW[0][0, 0], g.db[0][0]])

    path = descent_path(grad, [0.5, 0.1], lr=0.05, steps=3)
    for _ in range(3):
        bp.sgd_step(net, net.gradients(X, T, "mse"), 0.05)
    np.testing.assert_allclose(path[-1], [net.W[0][0, 0], net.b[0][0]], rtol=1e-14)


def test_start_is_not_modified_and_zero_steps_give_the_start():
    start = np.array([1.0, 2.0])
    path = descent_path(grad_quadratic, start, 0.1, 0)
    np.testing.assert_array_equal(path, [[1.0, 2.0]])
    descent_path(grad_quadratic, start, 0.1, 5)
    np.testing.assert_array_equal(start, [1.0, 2.0])


@pytest.mark.parametrize("lr", [0.0, -0.1, math.nan, math.inf])
def test_rejects_bad_learning_rates(lr):
    with pytest.raises(ValueError, match="learning rate"):
        descent_path(grad_quadratic, [1.0, 1.0], lr, 3)


@pytest.mark.parametrize("steps", [-1, 2.5])
def test_rejects_bad_step_counts(steps):
    with pytest.raises(ValueError, match="steps"):
        descent_path(grad_quadratic, [1.0, 1.0], 0.1, steps)


def test_rejects_a_gradient_of_the_wrong_shape_and_a_2d_start():
    with pytest.raises(ValueError, match="shape"):
        descent_path(lambda x: np.zeros(3), [1.0, 1.0], 0.1, 3)
    with pytest.raises(ValueError, match="1-D"):
        descent_path(grad_quadratic, [[1.0, 1.0]], 0.1, 3)
    with pytest.raises(ValueError, match="tol"):
        descent_path(grad_quadratic, [1.0, 1.0], 0.1, 3, tol=-1.0)


# ---- loss_grid ---------------------------------------------------------------------


def test_loss_grid_evaluates_f_at_every_grid_point():
    P, Q, F = loss_grid(lambda p: p[0] ** 2 - 3 * p[1], (-1.0, 2.0), (0.0, 1.0), n=7)
    assert P.shape == Q.shape == F.shape == (7, 7)
    np.testing.assert_allclose(P[0], np.linspace(-1, 2, 7))
    np.testing.assert_allclose(Q[:, 0], np.linspace(0, 1, 7))
    np.testing.assert_allclose(F, P**2 - 3 * Q, rtol=1e-15)


@pytest.mark.parametrize(
    ("xlim", "ylim", "n"),
    [((1.0, 1.0), (0.0, 1.0), 5), ((0.0, 1.0), (0.0, math.nan), 5), ((0.0, 1.0), (0.0, 1.0), 1)],
)
def test_loss_grid_rejects_bad_limits(xlim, ylim, n):
    with pytest.raises(ValueError):
        loss_grid(lambda p: 0.0, xlim, ylim, n)


# ---- clip_gradients -----------------------------------------------------------


def _grads(seed=0):
    net = bp.Network.random([3, 5, 2], ["tanh", "identity"], seed=seed)
    rng = np.random.default_rng(seed + 1)
    return net.gradients(rng.normal(size=(6, 3)), 10 * rng.normal(size=(6, 2)), "mse")


def _norm(g):
    return math.sqrt(sum(float(np.sum(d * d)) for d in (*g.dW, *g.db)))


def test_clip_gradients_scales_a_long_gradient_to_max_norm_keeping_its_direction():
    g = _grads()
    before = [d.copy() for d in (*g.dW, *g.db)]
    dz = [d.copy() for d in g.dz]
    norm = bp.clip_gradients(g, 0.5)
    assert norm == pytest.approx(math.sqrt(sum(float(np.sum(d * d)) for d in before)), rel=1e-14)
    assert norm > 0.5  # the case clips
    assert _norm(g) == pytest.approx(0.5, rel=1e-14)
    for d, old in zip((*g.dW, *g.db), before, strict=True):
        np.testing.assert_allclose(d, old * (0.5 / norm), rtol=1e-15)
    for d, old in zip(g.dz, dz, strict=True):
        np.testing.assert_array_equal(d, old)  # the deltas are not parameters' gradients


def test_clip_gradients_leaves_a_short_gradient_alone():
    g = _grads()
    before = [d.copy() for d in (*g.dW, *g.db)]
    norm = bp.clip_gradients(g, 1e6)
    assert norm == pytest.approx(_norm(g), rel=1e-15)
    for d, old in zip((*g.dW, *g.db), before, strict=True):
        np.testing.assert_array_equal(d, old)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_clip_gradients_rejects_a_bad_max_norm(bad):
    with pytest.raises(ValueError, match="max_norm must be a positive number"):
        bp.clip_gradients(_grads(), bad)


def test_clip_gradients_rejects_a_non_finite_gradient():
    g = _grads()
    g.dW[0][0, 0] = math.inf
    with pytest.raises(ValueError, match="norm is inf"):
        bp.clip_gradients(g, 1.0)
