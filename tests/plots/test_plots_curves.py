"""Tests of backprop.plots.curves: tangent_line, toy_fit, loss_curve, training_curves."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from backprop import plots
from matplotlib.figure import Figure


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


def test_training_curves_plot_each_named_curve_per_epoch():
    fig = plots.training_curves(
        {"train": [1.0, 0.5, 0.25], "test": [1.1, 0.7, 0.6]},
        {"train": [0.5, 0.8, 0.9], "test": [0.4, 0.7, 0.8]},
    )
    ax_loss, ax_acc = fig.axes
    assert [line.get_label() for line in ax_loss.lines] == ["train", "test"]
    np.testing.assert_array_equal(ax_loss.lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(ax_acc.lines[1].get_ydata(), [0.4, 0.7, 0.8])
    assert ax_loss.get_yscale() == "log" and ax_acc.get_ylabel() == "accuracy"
    assert ax_loss.get_xlabel() == ax_acc.get_xlabel() == "epoch"


def test_toy_fit_draws_the_model_the_residuals_and_the_data(toy_model):
    x, y = np.array([-1.0, 0.0, 1.5]), np.array([0.5, 1.0, -0.2])
    fig = plots.toy_fit(toy_model, x, y, n=50)
    (ax,) = fig.axes
    curve, data = ax.lines
    assert len(curve.get_xdata()) == 50
    np.testing.assert_allclose(curve.get_ydata(), toy_model(curve.get_xdata()), rtol=1e-15)
    np.testing.assert_array_equal(data.get_xdata(), x)
    np.testing.assert_array_equal(data.get_ydata(), y)
    # The residuals: one vertical segment per point, from y_i to f[x_i, phi].
    (segments,) = ax.collections
    for seg, xi, yi in zip(segments.get_segments(), x, y, strict=True):
        np.testing.assert_allclose(seg, [[xi, yi], [xi, float(toy_model(xi))]], rtol=1e-15)
    assert f"{toy_model.loss(x, y):.4f}" in ax.get_title()
    # x widened by 5% of the data's range on each side.
    assert ax.get_xlim() == pytest.approx((-1.125, 1.625))


def test_toy_fit_rejects_mismatched_data(toy_model):
    with pytest.raises(ValueError, match="same number"):
        plots.toy_fit(toy_model, [1.0, 2.0], [1.0])
