"""What every figure needs: pyplot (imported only when a plot is made), an axes or a figure
to draw on, and the figure as PNG bytes."""

from __future__ import annotations

import io
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def pyplot() -> ModuleType:
    """``matplotlib.pyplot``, imported on first use so that ``import backprop`` stays light."""
    import matplotlib.pyplot as plt

    return plt


def axes_on(
    ax: Axes | None, figsize: tuple[float, float], projection: str | None = None
) -> tuple[Axes, Figure]:
    """The axes to draw on and its figure: ``ax`` itself, or a new figure of ``figsize``
    holding one axes (3-D with ``projection="3d"``)."""
    if ax is not None:
        return ax, ax.figure  # type: ignore[return-value]
    if projection is None:
        fig, ax = pyplot().subplots(figsize=figsize)
    else:
        fig = pyplot().figure(figsize=figsize)
        ax = fig.add_subplot(projection=projection)
    return ax, fig


def figure_on(fig: Figure | None, figsize: tuple[float, float]) -> Figure:
    """The (blank) figure to draw on: ``fig`` itself, or a new one of ``figsize``."""
    return pyplot().figure(figsize=figsize) if fig is None else fig


def to_png(fig: Figure, dpi: int = 90) -> bytes:
    """The figure as PNG bytes (for an image widget); the figure is not shown."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
