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


# ---- chapter 2: the toy model's curve against the data ---------------------------


def toy_fit(
    model: Any,
    x: Any,
    y: Any,
    ax: Any = None,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    n: int = 200,
) -> Any:
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
    if ax is None:
        fig, ax = _plt().subplots(figsize=(6.5, 3.4))
    else:
        fig = ax.figure
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


# ---- chapter 3: the computational graph of the two backward passes ---------------

#: The kinds of node :func:`graph` draws, with their box colours.
GRAPH_KINDS = {
    "input": "white",  # data: x, a target y
    "param": "#fdebd0",  # a parameter: beta, omega, w, b
    "value": "#d6eaf8",  # an intermediate value: f_k, h_k, z
    "loss": "#f5b7b1",  # the number being differentiated, a loss
    "output": "#f5b7b1",  # the number being differentiated, a model's output
}
_GRAD_INK = "#b03a2e"
_LOCAL_INK = "#1e7b34"


class GraphNode:
    r"""One node of a computational graph: a named value, and the gradient of the final
    number (the loss $\ell$) with respect to it.

    ``name`` identifies the node in edges; ``label`` is what the box shows (matplotlib
    mathtext such as ``"$f_0$"``; default: the name). ``value`` is the forward value and
    ``grad`` $= \partial \ell / \partial(\text{node})$; either may be None (not shown).
    ``kind`` is one of :data:`GRAPH_KINDS`. ``layer`` (the column, counted from the
    left) and ``row`` (up is positive) fix the node's place; when None,
    :func:`graph` chooses them.
    """

    __slots__ = ("name", "label", "value", "grad", "kind", "layer", "row")

    def __init__(
        self,
        name: str,
        label: str | None = None,
        value: float | None = None,
        grad: float | None = None,
        kind: str = "value",
        layer: int | None = None,
        row: float | None = None,
    ) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a graph node needs a non-empty string name; got {name!r}")
        if kind not in GRAPH_KINDS:
            raise ValueError(
                f"node {name!r}: unknown kind {kind!r}; known: {', '.join(GRAPH_KINDS)}"
            )
        self.name = name
        self.label = name if label is None else str(label)
        self.value = _graph_number(value, name, "value")
        self.grad = _graph_number(grad, name, "grad")
        self.kind = kind
        whole = isinstance(layer, int | np.integer | float) and not isinstance(layer, bool)
        if layer is not None and not (whole and float(layer).is_integer()):
            raise ValueError(f"node {name!r}: layer must be a whole number; got {layer!r}")
        self.layer = None if layer is None else int(layer)
        self.row = _graph_number(row, name, "row")

    def __repr__(self) -> str:
        return (
            f"GraphNode({self.name!r}, label={self.label!r}, value={self.value!r}, "
            f"grad={self.grad!r}, kind={self.kind!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GraphNode):
            return NotImplemented
        return all(getattr(self, s) == getattr(other, s) for s in self.__slots__)

    __hash__ = None  # type: ignore[assignment]


def _graph_number(v: Any, node: str, what: str) -> float | None:
    if v is None:
        return None
    try:
        x = float(np.asarray(v, dtype=np.float64).reshape(()))
    except (TypeError, ValueError):
        raise ValueError(f"node {node!r}: {what} must be one number; got {v!r}") from None
    if not np.isfinite(x):
        raise ValueError(f"node {node!r}: {what} must be finite; got {x}")
    return x


def _graph_layout(
    nodes: list[GraphNode], edges: list[tuple[str, str, str | None]]
) -> dict[str, tuple[float, float]]:
    """Columns by longest path from the sources (a source sits just left of its first
    consumer), rows stacked and centred in the order the nodes were given."""
    names = [n.name for n in nodes]
    preds: dict[str, list[str]] = {n: [] for n in names}
    succs: dict[str, list[str]] = {n: [] for n in names}
    for a, b, _ in edges:
        preds[b].append(a)
        succs[a].append(b)
    # Kahn's algorithm: a topological order, or the nodes left on a cycle.
    waiting = {n: len(preds[n]) for n in names}
    order = [n for n in names if waiting[n] == 0]
    for n in order:
        for s in succs[n]:
            waiting[s] -= 1
            if waiting[s] == 0:
                order.append(s)
    if len(order) < len(names):
        stuck = [n for n in names if waiting[n] > 0]
        raise ValueError(
            "a computational graph must have no cycles; these nodes lie on or after a "
            f"cycle: {', '.join(stuck)}"
        )
    by_name = {n.name: n for n in nodes}
    layer: dict[str, int] = {}
    for n in order:
        fixed = by_name[n].layer
        layer[n] = fixed if fixed is not None else max((layer[p] + 1 for p in preds[n]), default=0)
    for n in names:  # pull free sources right, next to their first consumer
        if not preds[n] and succs[n] and by_name[n].layer is None:
            layer[n] = min(layer[s] for s in succs[n]) - 1
    pos: dict[str, tuple[float, float]] = {}
    for col in sorted(set(layer.values())):
        free = [n for n in names if layer[n] == col and by_name[n].row is None]
        for i, n in enumerate(free):
            pos[n] = (float(col), (len(free) - 1) / 2 - i)
        for n in names:
            if layer[n] == col and by_name[n].row is not None:
                pos[n] = (float(col), float(by_name[n].row))  # type: ignore[arg-type]
    seen: dict[tuple[float, float], str] = {}
    for n in names:
        if pos[n] in seen:
            raise ValueError(
                f"nodes {seen[pos[n]]!r} and {n!r} would be drawn at the same place "
                f"(layer {pos[n][0]:g}, row {pos[n][1]:g}); give one of them another row"
            )
        seen[pos[n]] = n
    return pos


def _graph_inputs(
    nodes: Sequence[Any], edges: Sequence[Any]
) -> tuple[list[GraphNode], list[tuple[str, str, str | None]]]:
    if len(nodes) == 0:
        raise ValueError("graph needs at least one node")
    ns: list[GraphNode] = []
    for n in nodes:
        if isinstance(n, GraphNode):
            ns.append(n)
        elif isinstance(n, dict):
            try:
                ns.append(GraphNode(**n))
            except TypeError as exc:
                raise ValueError(f"bad node {n!r}: {exc}") from None
        else:
            raise ValueError(f"a node must be a GraphNode or a dict of its fields; got {n!r}")
    names = [n.name for n in ns]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"node names must be unique; repeated: {', '.join(dup)}")
    es: list[tuple[str, str, str | None]] = []
    for e in edges:
        if isinstance(e, str) or not hasattr(e, "__len__") or len(e) not in (2, 3):
            raise ValueError(
                f"an edge is (source, target) or (source, target, local-derivative label); "
                f"got {e!r}"
            )
        a, b = e[0], e[1]
        for end in (a, b):
            if end not in names:
                raise ValueError(
                    f"edge {tuple(e)!r} refers to an unknown node {end!r}; "
                    f"known: {', '.join(names)}"
                )
        if a == b:
            raise ValueError(f"edge {tuple(e)!r} joins node {a!r} to itself")
        es.append((a, b, None if len(e) == 2 or e[2] is None else str(e[2])))
    return ns, es


def graph(
    nodes: Sequence[Any],
    edges: Sequence[Any],
    ax: Any = None,
    fmt: str = ".3g",
    grad_of: str = "ℓ",
    title: str | None = None,
    key: bool = True,
) -> Any:
    r"""A computational graph drawn left to right, each node a box holding its name, its
    forward value and its gradient: a lab notebook of the forward and backward passes.

    ``nodes`` are :class:`GraphNode` objects (or dicts of their fields). ``edges`` are
    pairs ``(source, target)`` or triples ``(source, target, label)``, arrows of the
    forward pass; the optional label is the local derivative
    $\partial(\text{target})/\partial(\text{source})$, written on the arrow. In the
    backward pass each node's gradient is the sum over its outgoing arrows of
    local derivative $\times$ the target's gradient.

    In each box the value is black and the gradient
    $\partial(\text{grad\_of})/\partial(\text{node})$ red, both formatted with ``fmt``.
    Columns (layers) come from the longest path from the inputs, unless a node fixes its
    ``layer``; nodes in a column are stacked in the order given, unless they fix their
    ``row``. Returns the Figure. Bad input (unknown or repeated names, cycles, two nodes
    at one place, non-finite numbers) raises ValueError saying what is wrong.
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

    ns, es = _graph_inputs(nodes, edges)
    try:
        format(1.5, fmt)
    except (TypeError, ValueError):
        raise ValueError(f"fmt must be a number format such as '.3g'; got {fmt!r}") from None
    pos = _graph_layout(ns, es)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    x_lo, x_hi, y_lo, y_hi = min(xs), max(xs), min(ys), max(ys)
    plt = _plt()
    if ax is None:
        width = min(max(0.85 * (x_hi - x_lo + 1) + 0.3, 4.0), 9.0)
        height = min(0.6 * (y_hi - y_lo + 1) + (0.9 if key else 0.5), 7.0)
        fig, ax = plt.subplots(figsize=(width, height))
    else:
        fig = ax.figure
    bw, bh = 0.56, 0.82  # box size in layer and row units
    boxes = {}
    for n in ns:
        x, y = pos[n.name]
        box = FancyBboxPatch(
            (x - bw / 2, y - bh / 2),
            bw,
            bh,
            boxstyle="round,pad=0,rounding_size=0.08",
            facecolor=GRAPH_KINDS[n.kind],
            edgecolor="black",
            lw=0.8,
            zorder=2,
        )
        ax.add_patch(box)
        boxes[n.name] = box
        lines = [(n.label, "black", "bold")]
        if n.value is not None:
            lines.append((format(n.value + 0.0, fmt), "black", "normal"))  # + 0.0: no "-0"
        if n.grad is not None:
            lines.append((format(n.grad + 0.0, fmt), _GRAD_INK, "normal"))
        step = 0.25
        for i, (text, ink, weight) in enumerate(lines):
            ax.text(
                x,
                y + step * ((len(lines) - 1) / 2 - i),
                text,
                ha="center",
                va="center",
                fontsize=7,
                color=ink,
                fontweight=weight,
                zorder=3,
            )
    for a, b, label in es:
        (x0, y0), (x1, y1) = pos[a], pos[b]
        ax.add_patch(
            FancyArrowPatch(
                (x0, y0),
                (x1, y1),
                patchA=boxes[a],
                patchB=boxes[b],
                arrowstyle="-|>",
                mutation_scale=8,
                shrinkA=1,
                shrinkB=1,
                lw=0.8,
                color="0.35",
                zorder=1,
            )
        )
        if label:
            # On the gap between the columns when the arrow is level, else at its middle.
            mx = (x0 + x1) / 2 if x0 == x1 else x0 + (bw / 2 + (1 - bw) / 2) * np.sign(x1 - x0)
            t = (mx - x0) / (x1 - x0) if x1 != x0 else 0.5
            my = y0 + t * (y1 - y0)
            ax.text(
                mx,
                my + (0.14 if y0 == y1 else 0.0),
                label,
                ha="center",
                va="bottom" if y0 == y1 else "center",
                fontsize=6,
                color=_LOCAL_INK,
                zorder=4,
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.85},
            )
    bottom = y_lo - bh / 2 - 0.1
    if key:
        kinds = [k for k in GRAPH_KINDS if any(n.kind == k for n in ns)]
        handles = [Patch(facecolor=GRAPH_KINDS[k], edgecolor="black", label=k) for k in kinds]
        ax.legend(
            handles=handles,
            loc="lower left",
            ncol=len(handles),
            fontsize=7,
            frameon=False,
            handlelength=1.2,
            borderaxespad=0.1,
        )
        ax.text(
            x_hi + bw / 2,
            bottom - 0.05,
            (
                f"in each box: name, value, ∂{grad_of}/∂(name) in red; green: local derivative"
                if any(n.grad is not None for n in ns)
                else "in each box: name and value; green: local derivative"
            ),
            ha="right",
            va="top",
            fontsize=7,
            color="0.25",
        )
        bottom -= 0.55
    ax.set_xlim(x_lo - bw / 2 - 0.05, x_hi + bw / 2 + 0.05)
    ax.set_ylim(bottom, y_hi + bh / 2 + 0.05)
    if title:
        ax.set_title(title, fontsize=9)
    ax.axis("off")
    fig.tight_layout()
    return fig


def toy_graph_data(
    model: Any, trace: Any, grads: Any, y: Any, sample: int = 0
) -> tuple[list[GraphNode], list[tuple[str, str, str]]]:
    r"""The nodes and edges of the toy model's graph for one data point, for :func:`graph`.

    Forward values come from ``trace`` ($x$, $f_k$, $h_k$, $\ell = (f_3 - y)^2$), the
    gradients from ``grads`` (pass #1: $\partial\ell/\partial f_k$, $\partial\ell/\partial
    h_k$, $\partial\ell/\partial x$; pass #2 for this point:
    $\partial\ell/\partial\beta_k = 1 \cdot \partial\ell/\partial f_k$ and
    $\partial\ell/\partial\omega_k = h_k\,\partial\ell/\partial f_k$). ``trace`` and
    ``grads`` come from ``model.forward(x)`` and ``model.backward(trace, y)``; with
    ``grads=None`` the graph holds the forward values only. The target $y$ is drawn
    without a gradient. Each arrow carries its local derivative.
    """
    from .toy_model import ToyModel

    if not isinstance(model, ToyModel):
        raise ValueError(f"model must be a ToyModel; got {type(model).__name__}")
    xs = np.ravel(trace.x)
    if not 0 <= sample < xs.size:
        raise ValueError(f"sample {sample} is not one of the {xs.size} data points")
    ys = np.ravel(np.asarray(y, dtype=np.float64))
    if ys.size != xs.size:
        raise ValueError(f"y has {ys.size} values but the trace has {xs.size} data points")
    f = [float(np.ravel(v)[sample]) for v in trace.f]
    h = [float(np.ravel(v)[sample]) for v in trace.h]
    t = float(ys[sample])
    dl_df: list[float | None] = [None] * 4
    dl_dh: list[float | None] = [None] * 4
    dl_domega: list[float | None] = [None] * 4
    if grads is not None:
        dl_df = [float(np.ravel(v)[sample]) for v in grads.dl_df]
        dl_dh = [float(np.ravel(v)[sample]) for v in grads.dl_dh]
        dl_domega = [h[k] * dl_df[k] for k in range(4)]  # type: ignore[operator]
        if not np.isclose(dl_df[3], 2.0 * (f[3] - t), rtol=1e-9, atol=1e-12):  # type: ignore[arg-type]
            raise ValueError("grads do not belong to this trace and y: ∂ℓ/∂f_3 ≠ 2(f_3 − y)")
    nodes = [GraphNode("x", "$x$", h[0], dl_dh[0], "input", 0, 0.0)]
    edges: list[tuple[str, str, str]] = []
    local_f = [r"$\cos f_0$", r"$\exp f_1$", r"$-\sin f_2$"]
    for k in range(4):
        col = 2 * k
        hk = "x" if k == 0 else f"h{k}"
        if k > 0:
            nodes.append(GraphNode(hk, f"$h_{k}$", h[k], dl_dh[k], "value", col, 0.0))
            edges.append((f"f{k - 1}", hk, local_f[k - 1]))
        nodes.append(
            GraphNode(f"beta{k}", f"$\\beta_{k}$", model.beta[k], dl_df[k], "param", col, 1.0)
        )
        nodes.append(
            GraphNode(
                f"omega{k}", f"$\\omega_{k}$", model.omega[k], dl_domega[k], "param", col, -1.0
            )
        )
        nodes.append(GraphNode(f"f{k}", f"$f_{k}$", f[k], dl_df[k], "value", col + 1, 0.0))
        edges += [
            (hk, f"f{k}", f"$\\omega_{k}$"),
            (f"beta{k}", f"f{k}", "1"),
            (f"omega{k}", f"f{k}", "$x$" if k == 0 else f"$h_{k}$"),
        ]
    nodes.append(GraphNode("y", "$y$", t, None, "input", 7, -1.0))
    loss_grad = None if grads is None else 1.0
    nodes.append(GraphNode("loss", r"$\ell$", (f[3] - t) ** 2, loss_grad, "loss", 8, 0.0))
    edges += [("f3", "loss", "$2(f_3-y)$"), ("y", "loss", "$-2(f_3-y)$")]
    return nodes, edges


def neuron_graph_data(
    x: Any, w: Any, b: float, activation: str = "relu", t: float | None = None
) -> tuple[list[GraphNode], list[tuple[str, str, str]]]:
    r"""The graph of one neuron, $z = \sum_i w_i x_i + b$, $y = f(z)$, for :func:`graph`.

    The products $p_i = w_i x_i$ are nodes of their own, as in the code of note
    ``002_7a3b8017507dfbbe.txt``. Without a target ``t`` the gradients are those of the
    output, $\partial y/\partial(\text{node})$; with one, of the loss
    $L = \tfrac12 (y - t)^2$. The backward pass is written out: $\partial y/\partial z
    = f'(z)$, $\partial z/\partial p_i = \partial z/\partial b = 1$, $\partial p_i/\partial
    w_i = x_i$ and $\partial p_i/\partial x_i = w_i$, each times the upstream gradient.
    """
    from ._checks import as_float_array
    from .activations import get_activation

    xv = as_float_array(x, "x", ndim=1)
    wv = as_float_array(w, "w", ndim=1)
    if xv.shape != wv.shape or xv.size == 0:
        raise ValueError(
            f"x and w must hold the same number of values; got {xv.size} and {wv.size}"
        )
    bv = _graph_number(b, "b", "value")
    act = get_activation(activation)
    p = wv * xv
    z = float(p.sum() + bv)  # type: ignore[operator]
    y = float(act.f(np.float64(z)))
    top = 1.0 if t is None else y - float(t)  # the output's own gradient: dy/dy or dL/dy
    dz = float(act.derivative(np.float64(z))) * top
    n = xv.size
    nodes, edges = [], []
    for i in range(n):
        j = i + 1
        row = 2.0 * ((n - 1) / 2 - i)  # the product of input i; its w and x sit either side
        nodes.append(GraphNode(f"w{j}", f"$w_{j}$", wv[i], xv[i] * dz, "param", 0, row + 0.5))
        nodes.append(GraphNode(f"x{j}", f"$x_{j}$", xv[i], wv[i] * dz, "input", 0, row - 0.5))
        nodes.append(GraphNode(f"p{j}", f"$w_{j}x_{j}$", p[i], dz, "value", 1, row))
        edges += [
            (f"w{j}", f"p{j}", f"$x_{j}$"),
            (f"x{j}", f"p{j}", f"$w_{j}$"),
            (f"p{j}", "z", "1"),
        ]
    nodes.append(GraphNode("z", "$z$", z, dz, "value", 2, 0.0))
    # b sits below z: its arrow then crosses none of the products'.
    nodes.append(GraphNode("b", "$b$", bv, dz, "param", 2, -1.5))
    edges.append(("b", "z", "1"))
    kind_y = "output" if t is None else "value"
    nodes.append(GraphNode("y", "$y$", y, top, kind_y, 3, 0.0))
    edges.append(("z", "y", "$f'(z)$"))
    if t is not None:
        nodes.append(GraphNode("t", "$t$", float(t), None, "input", 3, -1.0))
        nodes.append(GraphNode("L", "$L$", 0.5 * (y - float(t)) ** 2, 1.0, "loss", 4, 0.0))
        edges += [("y", "L", "$y-t$"), ("t", "L", "$t-y$")]
    return nodes, edges
