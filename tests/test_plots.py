"""Tests of backprop.plots: each function returns a matplotlib Figure with the right data."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from backprop import plots  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    plt.close("all")
    yield
    plt.close("all")


def test_tangent_line_returns_a_figure_with_curve_tangent_and_point():
    x0 = 0.5
    fig = plots.tangent_line(np.sin, np.cos, x0, lo=-2.0, hi=2.0, label="sin")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    curve, tangent, point = ax.lines
    xs = curve.get_xdata()
    assert xs[0] == -2.0 and xs[-1] == 2.0
    np.testing.assert_allclose(curve.get_ydata(), np.sin(xs), rtol=1e-15)
    # The tangent f(x0) + f'(x0) (x - x0), with the slope written out independently.
    slope = np.cos(0.5)
    np.testing.assert_allclose(
        tangent.get_ydata(), np.sin(0.5) + slope * (tangent.get_xdata() - 0.5), rtol=1e-12
    )
    np.testing.assert_allclose(point.get_xdata(), [x0])
    np.testing.assert_allclose(point.get_ydata(), [np.sin(x0)])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "sin"
    assert "x = 0.5" in labels[1] and f"{slope:.3g}" in labels[1]
    assert ax.get_xlabel() == "x"


def test_tangent_line_draws_on_a_given_axes():
    fig, ax = plt.subplots()
    out = plots.tangent_line(lambda x: x**2, lambda x: 2 * x, -1.0, ax=ax)
    assert out is fig
    assert len(ax.lines) == 3
    # Slope of x^2 at -1 is -2: the tangent is 1 - 2 (x + 1) = -2x - 1.
    t = ax.lines[1]
    np.testing.assert_allclose(t.get_ydata(), -2 * t.get_xdata() - 1, atol=1e-12)


def test_loss_curve_plots_losses_against_steps_on_a_log_scale():
    losses = [4.0, 2.0, 1.0, 0.5, 0.25]
    fig = plots.loss_curve(losses)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    (line,) = ax.lines
    np.testing.assert_array_equal(line.get_xdata(), np.arange(5))
    np.testing.assert_array_equal(line.get_ydata(), losses)
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "loss"
    assert line.get_label() == "loss"


def test_loss_curve_linear_scale_label_and_given_axes():
    fig, ax = plt.subplots()
    out = plots.loss_curve(np.array([3.0, -1.0]), ax=ax, log=False, label="train")
    assert out is fig
    assert ax.get_yscale() == "linear"
    assert ax.lines[0].get_label() == "train"


def test_figures_are_closed_by_the_fixture():
    plots.loss_curve([1.0, 0.5])
    assert plt.get_fignums()  # open now; the autouse fixture closes it afterwards


def test_text_repr_of_a_figure_has_no_memory_address():
    fig = plots.loss_curve([1.0, 0.5])
    assert re.fullmatch(r"<Figure size \d+x\d+ with 1 Axes>", repr(fig))
