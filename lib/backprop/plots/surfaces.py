"""Loss surfaces and descent paths over them (chapter 5)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from .._types import Array
from ._axes import axes_on

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _levels(F: Array, levels: int) -> Array:
    """Contour levels at quantiles of F: dense where F is low, so minima show their shape."""
    qs = np.quantile(F[np.isfinite(F)], np.linspace(0.0, 1.0, levels + 2)[1:-1])
    return np.unique(qs)


def contour_paths(
    grid: tuple[Array, Array, Array],
    paths: Sequence[ArrayLike] = (),
    labels: Sequence[str] | None = None,
    ax: Axes | None = None,
    levels: int = 20,
    xlabel: str = "x",
    ylabel: str = "y",
    minimum: Sequence[float] | None = None,
) -> Figure:
    r"""Contour lines of $f$ from ``grid = (P, Q, F)`` (see :func:`backprop.optim.loss_grid`)
    with descent paths drawn over them.

    Each path is an array of points of shape (k + 1, 2), as
    :func:`backprop.optim.descent_path` returns; its start is marked with a square.
    The view stays on the grid, so a diverging path runs off the edge.
    ``minimum`` marks a point (e.g. the minimiser) with a star.
    """
    ax, fig = axes_on(ax, (5.5, 4.5))
    P, Q, F = grid
    ax.contour(P, Q, F, levels=_levels(F, levels), cmap="viridis", linewidths=0.8)
    if labels is not None and len(labels) != len(paths):
        raise ValueError(f"got {len(paths)} paths but {len(labels)} labels")
    for k, path in enumerate(paths):
        points = np.asarray(path, dtype=np.float64)
        label = None if labels is None else labels[k]
        (line,) = ax.plot(points[:, 0], points[:, 1], "o-", ms=3, lw=1.3, label=label)
        ax.plot(points[:1, 0], points[:1, 1], "s", color=line.get_color(), ms=7)
    if minimum is not None:
        ax.plot([minimum[0]], [minimum[1]], "*", color="black", ms=12, label="minimum")
    ax.set_xlim(P.min(), P.max())
    ax.set_ylim(Q.min(), Q.max())
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if labels is not None or minimum is not None:
        ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig


def surface_3d(
    grid: tuple[Array, Array, Array],
    ax: Axes | None = None,
    points: Sequence[Sequence[float]] = (),
    xlabel: str = "x",
    ylabel: str = "y",
    zlabel: str = "f",
) -> Figure:
    r"""The surface $F = f(P, Q)$ from ``grid = (P, Q, F)`` in 3-D, with ``points``
    $(x, y, f)$ marked in black. ``ax``, when given, must be a 3-D axes."""
    ax, fig = axes_on(ax, (5.5, 4.5), projection="3d")
    if getattr(ax, "name", "") != "3d":
        raise ValueError("surface_3d needs a 3-D axes: fig.add_subplot(projection='3d')")
    P, Q, F = grid
    ax.plot_surface(P, Q, F, cmap="viridis", alpha=0.85, linewidth=0, antialiased=True)
    for x, y, z in points:
        ax.plot([x], [y], [z], "o", color="black", ms=6, zorder=5)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_zlabel(zlabel)
    return fig
