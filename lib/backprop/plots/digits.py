"""Handwritten digits (chapter 9): images in a grid, and one image's class probabilities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from ._axes import figure_on

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def image_grid(
    images: ArrayLike,
    labels: Sequence[int] | None = None,
    predicted: Sequence[int] | None = None,
    ncols: int = 10,
    shape: tuple[int, int] = (8, 8),
    width: float = 7.0,
    fig: Figure | None = None,
) -> Figure:
    """Small images in a grid, each titled with its label (and prediction).

    ``images`` has one image per row, flattened (n, rows * cols) or shaped
    (n, rows, cols). With ``predicted``, a correct prediction is titled with the
    digit in black and a wrong one "true→predicted" in red, framed in red.
    ``fig`` (a blank matplotlib Figure) is drawn on when given.
    """
    images = np.asarray(images, dtype=np.float64)
    n = images.shape[0]
    if n == 0:
        raise ValueError("image_grid needs at least one image")
    images = images.reshape(n, *shape)
    for name, seq in (("labels", labels), ("predicted", predicted)):
        if seq is not None and len(seq) != n:
            raise ValueError(f"got {n} images but {len(seq)} {name}")
    ncols = max(1, min(int(ncols), n))
    nrows = -(-n // ncols)
    cell = width / ncols
    fig = figure_on(fig, (width, nrows * cell * 1.25))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= n:
            ax.axis("off")
            continue
        ax.imshow(images[k], cmap="gray_r", vmin=0.0, vmax=max(float(images.max()), 1e-12))
        if labels is None and predicted is None:
            continue
        if predicted is None:
            ax.set_title(str(int(labels[k])), fontsize=9)  # type: ignore[index]
        elif labels is None or int(labels[k]) == int(predicted[k]):
            ax.set_title(str(int(predicted[k])), fontsize=9)
        else:
            ax.set_title(f"{int(labels[k])}→{int(predicted[k])}", fontsize=9, color="crimson")
            for spine in ax.spines.values():
                spine.set_edgecolor("crimson")
                spine.set_linewidth(2.0)
    fig.tight_layout(pad=0.3)
    return fig


def digit_prediction(
    image: ArrayLike,
    probabilities: ArrayLike,
    label: int | None = None,
    shape: tuple[int, int] = (8, 8),
    fig: Figure | None = None,
) -> Figure:
    r"""One image (left) and the network's class probabilities $p_j$ as bars (right).

    The predicted class, $\arg\max_j p_j$, is the orange bar (green when it is the
    true ``label``); the true label's bar is outlined in black.
    """
    p = np.asarray(probabilities, dtype=np.float64).ravel()
    k = p.size
    pred = int(np.argmax(p))
    fig = figure_on(fig, (6, 2.6))
    ax_img, ax_bar = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 2]})
    ax_img.imshow(np.asarray(image, dtype=np.float64).reshape(shape), cmap="gray_r")
    ax_img.set_xticks([])
    ax_img.set_yticks([])
    ax_img.set_title("input" if label is None else f"true label {int(label)}", fontsize=9)
    colors = ["#aed6f1"] * k
    colors[pred] = "#27ae60" if label is not None and pred == int(label) else "#f39c12"
    bars = ax_bar.bar(np.arange(k), p, color=colors, edgecolor="0.3", linewidth=0.5)
    if label is not None:
        bars[int(label)].set_edgecolor("black")
        bars[int(label)].set_linewidth(2.0)
    ax_bar.set_xticks(np.arange(k))
    ax_bar.set_ylim(0.0, 1.0)
    ax_bar.set_xlabel("class j")
    ax_bar.set_ylabel("probability $p_j$")
    ax_bar.set_title(f"predicted {pred} (p = {p[pred]:.2f})", fontsize=9)
    ax_bar.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    return fig
