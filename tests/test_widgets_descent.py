"""Tests of backprop.widgets.descent: move the sliders as a student would, read the state."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from backprop.optim import descent_path  # noqa: E402
from backprop.widgets.descent import descent_explorer  # noqa: E402

# f = w^2 + 10 b^2: curvatures 2 and 20, so descent is stable iff lr < 2 / 20 = 0.1.


def f(p):
    return p[0] ** 2 + 10 * p[1] ** 2


def grad(p):
    return np.array([2 * p[0], 20 * p[1]])


def make(**kw):
    args = dict(start=(-2.5, 1.5), lr=0.05, steps=30, xlim=(-3, 3), ylim=(-2, 2))
    args.update(kw)
    return descent_explorer(f, grad, labels=("w", "b"), minimum=(0, 0), **args)


def test_starts_with_a_converging_run():
    w = make()
    assert w.path.shape == (31, 2)
    np.testing.assert_array_equal(w.path, descent_path(grad, [-2.5, 1.5], 0.05, 30))
    np.testing.assert_allclose(w.losses, [f(p) for p in w.path])
    assert not w.diverged
    assert w.losses[-1] < 0.02 * w.losses[0]
    assert "in 30 steps." in w.status.value
    assert bytes(w.image.value).startswith(b"\x89PNG")


def test_a_learning_rate_past_the_threshold_diverges():
    w = make()
    w.lr.value = 0.11
    assert w.lr.value == pytest.approx(0.11, rel=0.03)  # the log slider rounds to its step
    assert w.diverged
    assert w.losses[-1] > w.losses[0]
    assert "diverges" in w.status.value


def test_a_tiny_learning_rate_crawls():
    w = make()
    w.lr.value = 0.001
    assert not w.diverged
    assert w.losses[-1] > 0.4 * w.losses[0]  # w barely moves: (1 - 0.002)^30 = 0.94


def test_the_start_and_step_sliders_redraw_the_path():
    w = make()
    w.start_x.value = 1.0
    w.start_y.value = 0.0
    np.testing.assert_allclose(w.path[0], [1.0, 0.0])
    # Along the w axis the path is w_n = (1 - 2 lr)^n w_0.
    np.testing.assert_allclose(w.path[:, 0], 0.9 ** np.arange(31), rtol=1e-12)
    w.steps.value = 5
    assert w.path.shape == (6, 2)
    assert "in 5 steps" in w.status.value


def test_the_minimum_stays_put():
    w = make(start=(0.0, 0.0))
    assert w.path.shape == (1, 2)  # the gradient is exactly zero: descent stops at once
    assert not w.diverged


def test_repr_is_plain_and_bad_arguments_raise():
    w = make()
    assert repr(w).startswith("Descent explorer") and "0x" not in repr(w)
    with pytest.raises(ValueError, match="start"):
        make(start=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="outside"):
        make(lr=5.0)
