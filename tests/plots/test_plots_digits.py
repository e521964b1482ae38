"""Tests of backprop.plots.digits (chapter 9): image grids and one image's class
probabilities."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from backprop import plots
from matplotlib.figure import Figure


def images(n):
    return np.arange(n * 64, dtype=float).reshape(n, 64) % 17


def test_image_grid_lays_out_images_with_labels():
    fig = plots.image_grid(images(12), labels=list(range(12)), ncols=5)
    assert isinstance(fig, Figure)
    axes = fig.axes
    assert len(axes) == 15  # 3 rows of 5; the last 3 blank
    np.testing.assert_array_equal(axes[7].images[0].get_array(), images(12)[7].reshape(8, 8))
    assert [ax.get_title() for ax in axes[:3]] == ["0", "1", "2"]
    assert all(not ax.axison for ax in axes[12:])
    assert fig.get_figwidth() <= 7


def test_image_grid_marks_mistakes_in_red():
    fig = plots.image_grid(images(3), labels=[1, 2, 3], predicted=[1, 5, 3])
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["1", "2→5", "3"]
    red = fig.axes[1].title.get_color()
    assert red == "crimson" and fig.axes[0].title.get_color() != "crimson"
    assert fig.axes[1].spines["left"].get_edgecolor() != fig.axes[0].spines["left"].get_edgecolor()


def test_image_grid_without_titles_and_errors():
    fig = plots.image_grid(images(2).reshape(2, 8, 8))
    assert [ax.get_title() for ax in fig.axes] == ["", ""]
    with pytest.raises(ValueError, match="2 images but 3 labels"):
        plots.image_grid(images(2), labels=[0, 1, 2])
    with pytest.raises(ValueError, match="at least one image"):
        plots.image_grid(np.zeros((0, 64)))


def test_digit_prediction_draws_the_image_and_probability_bars():
    p = np.array([0.05, 0.1, 0.7, 0.15])
    fig = plots.digit_prediction(np.ones(4), p, label=3, shape=(2, 2))
    ax_img, ax_bar = fig.axes
    heights = [bar.get_height() for bar in ax_bar.patches]
    np.testing.assert_allclose(heights, p)
    assert "predicted 2" in ax_bar.get_title() and "0.70" in ax_bar.get_title()
    assert ax_img.get_title() == "true label 3"
    # The true label's bar is outlined, the (wrong) prediction orange.
    assert ax_bar.patches[3].get_linewidth() == 2.0
    assert matplotlib.colors.to_hex(ax_bar.patches[2].get_facecolor()) == "#f39c12"


def test_digit_prediction_on_a_given_figure_right_answer_is_green():
    fig = Figure()
    out = plots.digit_prediction(np.zeros(64), [0.1, 0.9], label=1, fig=fig)
    assert out is fig
    assert matplotlib.colors.to_hex(fig.axes[1].patches[1].get_facecolor()) == "#27ae60"
