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


# ---- chapter 4: the ReLU's indicator mask -----------------------------------------


def masked_deltas(Z: Any, G: Any) -> Any:
    r"""Four heat maps for a batch through a ReLU layer: $z$, the mask $\mathbb 1[z > 0]$,
    the upstream gradient $\partial L/\partial a$ and the delta
    $\delta = \partial L/\partial a \odot \mathbb 1[z > 0]$.

    ``Z`` and ``G`` have shape (n_samples, n_units); rows are samples. Every
    cell is labelled with its value; the mask is computed by
    :func:`backprop.activations.relu_derivative`.
    """
    from matplotlib.colors import ListedColormap

    from ._checks import as_float_array
    from .activations import relu_derivative

    Z = as_float_array(Z, "Z", ndim=2)
    G = as_float_array(G, "G", ndim=2)
    if Z.shape != G.shape:
        raise ValueError(f"Z has shape {Z.shape} but G has shape {G.shape}; they must match")
    mask = relu_derivative(Z)
    panels = [
        ("pre-activation z", Z, "RdBu_r"),
        ("mask 1[z > 0]", mask, "mask"),
        ("upstream ∂L/∂a", G, "RdBu_r"),
        ("delta δ = ∂L/∂a ⊙ mask", G * mask + 0.0, "RdBu_r"),  # + 0.0: no "-0"
    ]
    plt = _plt()
    n, m = Z.shape
    fig, axes = plt.subplots(1, 4, figsize=(7, 0.5 + 0.45 * n + 0.6), sharey=True)
    for ax, (title, V, cmap) in zip(axes, panels, strict=True):
        if cmap == "mask":
            # The colours of relu_network: orange for on, grey for off.
            on_off = ListedColormap(["0.85", "#f39c12"])
            ax.imshow(V, cmap=on_off, vmin=0.0, vmax=1.0, aspect="auto")
        else:
            top = max(float(np.abs(V).max()), 1e-12)
            ax.imshow(V, cmap=cmap, vmin=-1.6 * top, vmax=1.6 * top, aspect="auto")
        for i in range(n):
            for j in range(m):
                ax.text(j, i, f"{V[i, j]:.2g}", ha="center", va="center", fontsize=8)
        ax.set_title(title, fontsize=9)
        ax.set_xticks(range(m), [str(j + 1) for j in range(m)])
        ax.set_xlabel("unit")
    axes[0].set_yticks(range(n), [str(i + 1) for i in range(n)])
    axes[0].set_ylabel("sample")
    fig.tight_layout()
    return fig


def relu_network(net: Any, trace: Any, grads: Any, sample: int = 0, ax: Any = None) -> Any:
    r"""A network drawn as units and weights, for one sample: which ReLU units are on, and
    which weights get a zero gradient.

    A ReLU unit is on when its pre-activation $z > 0$ (filled orange) and off
    otherwise (grey). The weight $W_{ij}$ from unit $i$ to unit $j$ gets the
    gradient $a_i\,\delta_j$ for this sample; it is drawn dotted and pale when that is
    exactly zero (unit $j$ is off, so $\delta_j = 0$, or unit $i$ is off, so $a_i = 0$).
    ``trace`` and ``grads`` come from ``net.forward`` and ``net.backward``.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, Patch

    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 3.6))
    else:
        fig = ax.figure
    sizes = net.sizes
    if not 0 <= sample < trace.a[0].shape[0]:
        raise ValueError(f"sample {sample} is not a row of the batch of {trace.a[0].shape[0]}")
    tallest = max(sizes)
    pos = [[(2.0 * l, (n - 1) / 2 - i) for i in range(n)] for l, n in enumerate(sizes)]
    r = 0.3
    # Weights first, so the units are drawn over them.
    for l in range(1, len(sizes)):
        W = net.W[l - 1]
        top = max(float(np.abs(W).max()), 1e-12)
        for i in range(sizes[l - 1]):
            for j in range(sizes[l]):
                g = trace.a[l - 1][sample, i] * grads.dz[l - 1][sample, j]
                (x0, y0), (x1, y1) = pos[l - 1][i], pos[l][j]
                if g == 0:
                    ax.plot([x0, x1], [y0, y1], ":", color="0.75", lw=1.2, zorder=1)
                else:
                    ax.plot(
                        [x0, x1],
                        [y0, y1],
                        "-",
                        color="#2c3e50",
                        lw=0.6 + 2.4 * abs(W[i, j]) / top,
                        zorder=1,
                    )
    for l, n in enumerate(sizes):
        relu = l > 0 and net.activations[l - 1].name == "relu"
        for i in range(n):
            x, y = pos[l][i]
            if l == 0:
                face, text = "white", f"x{i + 1}\n{trace.a[0][sample, i]:.2g}"
            else:
                z = trace.z[l - 1][sample, i]
                on = z > 0
                face = ("#f39c12" if on else "0.85") if relu else "#aed6f1"
                text = f"z\n{z:.2g}" if l < len(sizes) - 1 else f"y\n{trace.a[l][sample, i]:.2g}"
            ax.add_patch(Circle((x, y), r, facecolor=face, edgecolor="black", zorder=2))
            ax.text(x, y, text, ha="center", va="center", fontsize=7, zorder=3)
    handles = [
        Patch(facecolor="#f39c12", edgecolor="black", label="ReLU on: z > 0"),
        Patch(facecolor="0.85", edgecolor="black", label="ReLU off: z ≤ 0"),
        Line2D([], [], color="#2c3e50", lw=1.5, label="weight gets a gradient"),
        Line2D([], [], color="0.75", lw=1.2, ls=":", label="gradient zeroed"),
    ]
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.02),
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    ax.set_xlim(-0.5, 2.0 * (len(sizes) - 1) + 0.5)
    ax.set_ylim(-(tallest - 1) / 2 - 0.5, (tallest - 1) / 2 + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig


# ---- chapter 5: loss surfaces and descent paths ----------------------------------


def _levels(F: Array, levels: int) -> Array:
    """Contour levels at quantiles of F: dense where F is low, so minima show their shape."""
    qs = np.quantile(F[np.isfinite(F)], np.linspace(0.0, 1.0, levels + 2)[1:-1])
    return np.unique(qs)


def contour_paths(
    grid: tuple[Array, Array, Array],
    paths: Sequence[Any] = (),
    labels: Sequence[str] | None = None,
    ax: Any = None,
    levels: int = 20,
    xlabel: str = "x",
    ylabel: str = "y",
    minimum: Sequence[float] | None = None,
) -> Any:
    r"""Contour lines of $f$ from ``grid = (P, Q, F)`` (see :func:`backprop.optim.loss_grid`)
    with descent paths drawn over them.

    Each path is an array of points of shape (k + 1, 2), as
    :func:`backprop.optim.descent_path` returns; its start is marked with a square.
    The view stays on the grid, so a diverging path runs off the edge.
    ``minimum`` marks a point (e.g. the minimiser) with a star.
    """
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 4.5))
    else:
        fig = ax.figure
    P, Q, F = grid
    ax.contour(P, Q, F, levels=_levels(F, levels), cmap="viridis", linewidths=0.8)
    if labels is not None and len(labels) != len(paths):
        raise ValueError(f"got {len(paths)} paths but {len(labels)} labels")
    for k, path in enumerate(paths):
        path = np.asarray(path, dtype=np.float64)
        label = None if labels is None else labels[k]
        (line,) = ax.plot(path[:, 0], path[:, 1], "o-", ms=3, lw=1.3, label=label)
        ax.plot(path[:1, 0], path[:1, 1], "s", color=line.get_color(), ms=7)
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
    ax: Any = None,
    points: Sequence[Sequence[float]] = (),
    xlabel: str = "x",
    ylabel: str = "y",
    zlabel: str = "f",
) -> Any:
    r"""The surface $F = f(P, Q)$ from ``grid = (P, Q, F)`` in 3-D, with ``points``
    $(x, y, f)$ marked in black. ``ax``, when given, must be a 3-D axes."""
    plt = _plt()
    if ax is None:
        fig = plt.figure(figsize=(5.5, 4.5))
        ax = fig.add_subplot(projection="3d")
    else:
        fig = ax.figure
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


def to_png(fig: Any, dpi: int = 90) -> bytes:
    """The figure as PNG bytes (for an image widget); the figure is not shown."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


# ---- chapter 7: training a classifier (handwritten digits) -----------------------


def image_grid(
    images: Any,
    labels: Sequence[int] | None = None,
    predicted: Sequence[int] | None = None,
    ncols: int = 10,
    shape: tuple[int, int] = (8, 8),
    width: float = 7.0,
    fig: Any = None,
) -> Any:
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
    if fig is None:
        fig = _plt().figure(figsize=(width, nrows * cell * 1.25))
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


def training_curves(
    loss: dict[str, Sequence[float]],
    accuracy: dict[str, Sequence[float]],
    fig: Any = None,
) -> Any:
    """Loss (left) and accuracy (right) after each epoch, one line per named curve.

    ``loss`` and ``accuracy`` map a label (e.g. "train", "test") to one value
    per epoch; epochs are numbered from 1. The loss axis is logarithmic.
    """
    if fig is None:
        fig = _plt().figure(figsize=(7, 3.0))
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


def digit_prediction(
    image: Any,
    probabilities: Any,
    label: int | None = None,
    shape: tuple[int, int] = (8, 8),
    fig: Any = None,
) -> Any:
    r"""One image (left) and the network's class probabilities $p_j$ as bars (right).

    The predicted class, $\arg\max_j p_j$, is the orange bar (green when it is the
    true ``label``); the true label's bar is outlined in black.
    """
    p = np.asarray(probabilities, dtype=np.float64).ravel()
    k = p.size
    pred = int(np.argmax(p))
    if fig is None:
        fig = _plt().figure(figsize=(6, 2.6))
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


# ---- chapter 6: deltas flowing back through the hidden layers ---------------------


def delta_flow(net: Any, trace: Any, grads: Any, sample: int = 0, ax: Any = None) -> Any:
    r"""A network drawn as units and weights for one sample, with the deltas flowing back.

    Each unit of layer $l \ge 1$ is coloured and labelled by its delta
    $\delta^{(l)}_j = \partial L/\partial z^{(l)}_j$ (red positive, blue negative); the
    inputs are labelled with their values. Each weight is an arrow pointing *back*,
    from unit $j$ of layer $l$ to unit $i$ of layer $l - 1$, whose width and colour
    show the term $W^{(l)}_{ij}\,\delta^{(l)}_j$ it carries: unit $i$'s upstream gradient
    is the sum of these terms over $j$,
    $\partial L/\partial a^{(l-1)}_i = \sum_j W^{(l)}_{ij}\,\delta^{(l)}_j$.
    ``trace`` and ``grads`` come from ``net.forward`` and ``net.backward``.
    """
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.patches import Circle, FancyArrowPatch

    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(6.5, 3.8))
    else:
        fig = ax.figure
    n_samples = trace.a[0].shape[0]
    if not 0 <= sample < n_samples:
        raise ValueError(f"sample {sample} is not a row of the batch of {n_samples}")
    if len(grads.dz) != net.n_layers or len(trace.z) != net.n_layers:
        raise ValueError(
            f"trace and grads must come from this network's {net.n_layers} layers; "
            f"got {len(trace.z)} pre-activations and {len(grads.dz)} deltas"
        )
    sizes = net.sizes
    tallest = max(sizes)
    pos = [[(2.0 * l, (n - 1) / 2 - i) for i in range(n)] for l, n in enumerate(sizes)]
    r = 0.32
    deltas = [grads.dz[l][sample] for l in range(net.n_layers)]
    top_delta = max(max(float(np.abs(d).max()) for d in deltas), 1e-12)
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-top_delta, vmax=top_delta)
    cmap = plt.get_cmap("RdBu_r")
    terms = [net.W[l] * deltas[l][None, :] for l in range(net.n_layers)]
    top_term = max(max(float(np.abs(t).max()) for t in terms), 1e-12)
    # Arrows first, so the units are drawn over them.
    for l in range(1, len(sizes)):
        term = terms[l - 1]
        for i in range(sizes[l - 1]):
            for j in range(sizes[l]):
                (x0, y0), (x1, y1) = pos[l - 1][i], pos[l][j]
                # From the edge of unit j back to the edge of unit i.
                ux, uy = (x0 - x1), (y0 - y1)
                length = float(np.hypot(ux, uy))
                ux, uy = ux / length, uy / length
                v = float(term[i, j])
                color = "#c0392b" if v > 0 else ("#2471a3" if v < 0 else "0.7")
                ax.add_patch(
                    FancyArrowPatch(
                        (x1 + r * ux, y1 + r * uy),
                        (x0 - r * ux, y0 - r * uy),
                        arrowstyle="-|>",
                        mutation_scale=9,
                        shrinkA=0,
                        shrinkB=0,
                        lw=0.4 + 3.0 * abs(v) / top_term,
                        color=color,
                        alpha=0.85,
                        zorder=1,
                    )
                )
    for l, n in enumerate(sizes):
        for i in range(n):
            x, y = pos[l][i]
            if l == 0:
                face, text, ink = "white", f"x{i + 1}\n{trace.a[0][sample, i]:.2g}", "black"
            else:
                d = float(deltas[l - 1][i]) + 0.0  # + 0.0: no "-0"
                face = cmap(norm(d))
                ink = "white" if abs(d) > 0.6 * top_delta else "black"
                text = f"δ\n{d:.2g}"
            ax.add_patch(Circle((x, y), r, facecolor=face, edgecolor="black", zorder=2))
            ax.text(x, y, text, ha="center", va="center", fontsize=7, color=ink, zorder=3)
    for l in range(len(sizes)):
        label = "input x" if l == 0 else f"$\\delta^{{({l})}}$"
        ax.text(2.0 * l, -(tallest - 1) / 2 - 0.75, label, ha="center", va="center", fontsize=8)
    ax.set_title("deltas flow back: arrow width = |W_ij δ_j| (red +, blue −)", fontsize=9)
    ax.set_xlim(-0.5, 2.0 * (len(sizes) - 1) + 0.5)
    ax.set_ylim(-(tallest - 1) / 2 - 1.0, (tallest - 1) / 2 + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig
