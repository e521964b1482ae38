"""Curves: a function and its tangent (chapter 1), the toy model's fit (chapter 2), the loss
during descent (chapter 5) and during training (chapter 9)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from .._types import Array
from ..toy_model import ToyModel
from ._axes import axes_on, figure_on

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


# ---- chapter 1: the derivative as a slope -------------------------------------------


def tangent_line(
    f: Callable[[Array], Array],
    df: Callable[[Array], Array],
    x0: float,
    lo: float = -3.0,
    hi: float = 3.0,
    label: str = "f(x)",
    ax: Axes | None = None,
) -> Figure:
    r"""Plot $f$ on $[lo, hi]$ with its tangent $f(x_0) + f'(x_0)(x - x_0)$ at $x_0$."""
    ax, fig = axes_on(ax, (6, 3.6))
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


# ---- chapter 2: the toy model's curve against the data ---------------------------


def toy_fit(
    model: ToyModel,
    x: ArrayLike,
    y: ArrayLike,
    ax: Axes | None = None,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    n: int = 200,
) -> Figure:
    r"""The toy model's curve $f[x, \phi]$ over the data $(x_i, y_i)$, with the residuals
    $f[x_i, \phi] - y_i$ drawn as vertical segments; the title gives $L = \sum_i \ell_i$.

    ``model`` is a :class:`backprop.ToyModel`; ``xlim`` defaults to the data's range
    widened by 5% on each side, ``ylim`` to matplotlib's choice.
    """
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if x.shape != y.shape or x.size == 0:
        raise ValueError(
            f"x and y must hold the same number (> 0) of points; got {x.size}, {y.size}"
        )
    ax, fig = axes_on(ax, (6.5, 3.4))
    if xlim is None:
        pad = 0.05 * max(float(x.max() - x.min()), 1.0)
        xlim = (float(x.min()) - pad, float(x.max()) + pad)
    xs = np.linspace(xlim[0], xlim[1], n)
    fx = model(x)
    ax.plot(xs, model(xs), lw=2, label="model f[x, φ]")
    ax.vlines(
        x, y, fx, colors="#c0392b", linestyles="dashed", lw=1.2, label="residual f[xᵢ, φ] − yᵢ"
    )
    ax.plot(x, y, "o", color="black", ms=5, label="data (xᵢ, yᵢ)", zorder=3)
    ax.set_xlim(*xlim)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(f"L = Σ (f[xᵢ, φ] − yᵢ)² = {model.loss(x, y):.4f}", fontsize=9)
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    return fig


# ---- chapter 5: the loss at each step of gradient descent ------------------------


def loss_curve(
    losses: Sequence[float], ax: Axes | None = None, log: bool = True, label: str = "loss"
) -> Figure:
    """The loss against the step number (log scale by default)."""
    ax, fig = axes_on(ax, (6, 3.6))
    ax.plot(np.arange(len(losses)), losses, lw=2, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


# ---- chapter 9: loss and accuracy after each epoch of training -------------------


def training_curves(
    loss: dict[str, Sequence[float]],
    accuracy: dict[str, Sequence[float]],
    fig: Figure | None = None,
) -> Figure:
    """Loss (left) and accuracy (right) after each epoch, one line per named curve.

    ``loss`` and ``accuracy`` map a label (e.g. "train", "test") to one value
    per epoch; epochs are numbered from 1. The loss axis is logarithmic.
    """
    fig = figure_on(fig, (7, 3.0))
    ax_loss, ax_acc = fig.subplots(1, 2)
    for ax, curves, name in ((ax_loss, loss, "loss"), (ax_acc, accuracy, "accuracy")):
        for label, values in curves.items():
            values = np.asarray(values, dtype=np.float64)
            ax.plot(np.arange(1, len(values) + 1), values, lw=2, label=label)
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
        if curves:
            ax.legend(loc="best", fontsize=8)
    ax_loss.set_yscale("log")
    fig.tight_layout()
    return fig
