"""Tests of backprop.plots.surfaces: contour_paths and surface_3d (chapter 5)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from backprop import plots
from backprop.optim import descent_path, loss_grid
from backprop.plots.surfaces import _levels
from matplotlib.figure import Figure


def bowl(p):
    return p[0] ** 2 + 4 * p[1] ** 2


def bowl_grad(p):
    return np.array([2 * p[0], 8 * p[1]])


GRID = loss_grid(bowl, (-2.0, 2.0), (-1.0, 1.0), n=41)


def test_contour_paths_draws_each_path_with_its_start_and_the_minimum():
    paths = [descent_path(bowl_grad, [-1.5, 0.8], lr, 10) for lr in (0.05, 0.2)]
    fig = plots.contour_paths(GRID, paths, ["slow", "fast"], minimum=(0.0, 0.0), xlabel="w")
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    # Per path: the line through every point, then the start marker; then the star.
    lines = ax.lines
    assert len(lines) == 5
    for k, path in enumerate(paths):
        np.testing.assert_array_equal(lines[2 * k].get_xdata(), path[:, 0])
        np.testing.assert_array_equal(lines[2 * k].get_ydata(), path[:, 1])
        np.testing.assert_array_equal(lines[2 * k + 1].get_xdata(), path[:1, 0])
    np.testing.assert_array_equal(lines[4].get_xdata(), [0.0])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["slow", "fast", "minimum"]
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 1.0)
    assert ax.get_xlabel() == "w"


def test_contour_levels_are_increasing_and_within_the_values():
    levels = _levels(GRID[2], 12)
    assert np.all(np.diff(levels) > 0)
    assert GRID[2].min() <= levels[0] and levels[-1] <= GRID[2].max()


def test_contour_paths_keeps_the_view_on_the_grid_when_a_path_diverges():
    path = descent_path(bowl_grad, [-1.5, 0.8], 0.3, 20)  # 1 - 0.3 * 8 < -1: diverges in y
    assert abs(path[-1, 1]) > 10
    fig, ax = plt.subplots()
    out = plots.contour_paths(GRID, [path], ax=ax)
    assert out is fig
    assert ax.get_ylim() == (-1.0, 1.0)
    assert ax.get_legend() is None


def test_contour_paths_needs_one_label_per_path():
    with pytest.raises(ValueError, match="labels"):
        plots.contour_paths(GRID, [np.zeros((2, 2))], ["a", "b"])


def test_surface_3d_draws_the_grid_and_marks_points():
    saddle = loss_grid(lambda p: p[0] ** 2 - p[1] ** 2, (-1.0, 1.0), (-1.0, 1.0), n=11)
    fig = plots.surface_3d(saddle, points=[(0.0, 0.0, 0.0)], zlabel="L")
    (ax,) = fig.axes
    assert ax.name == "3d"
    assert len(ax.collections) == 1  # the surface
    assert len(ax.lines) == 1
    assert ax.get_zlabel() == "L"


def test_surface_3d_refuses_a_flat_axes():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="3-D"):
        plots.surface_3d(GRID, ax=ax)
