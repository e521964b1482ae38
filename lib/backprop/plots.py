"""Figures for the book, drawn with matplotlib (imported only when a plot is made).

Every function returns the matplotlib Figure, so a chapter can glue or save it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def _plt() -> Any:
    import matplotlib.pyplot as plt

    return plt


def tangent_line(
    f: Callable[[Array], Array],
    df: Callable[[Array], Array],
    x0: float,
    lo: float = -3.0,
    hi: float = 3.0,
    label: str = "f(x)",
    ax: Any = None,
) -> Any:
    r"""Plot $f$ on $[lo, hi]$ with its tangent $f(x_0) + f'(x_0)(x - x_0)$ at $x_0$."""
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.6))
    else:
        fig = ax.figure
    xs = np.linspace(lo, hi, 400)
    y0, s = float(f(np.float64(x0))), float(df(np.float64(x0)))
    ax.plot(xs, f(xs), lw=2, label=label)
    ax.plot(xs, y0 + s * (xs - x0), "--", lw=1.5, label=f"tangent at x = {x0:g} (slope {s:.3g})")
    ax.plot([x0], [y0], "o", color="black")
    ax.set_xlabel("x")
    ax.legend(loc="best")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def loss_curve(
    losses: Sequence[float], ax: Any = None, log: bool = True, label: str = "loss"
) -> Any:
    """The loss against the step number (log scale by default)."""
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.6))
    else:
        fig = ax.figure
    ax.plot(np.arange(len(losses)), losses, lw=2, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
