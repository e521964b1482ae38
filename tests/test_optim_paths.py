"""Tests of backprop.optim.descent_path and loss_grid (loss surfaces and descent paths)."""

from __future__ import annotations

import math

import backprop as bp
import numpy as np
import pytest
from backprop.optim import descent_path, loss_grid

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
