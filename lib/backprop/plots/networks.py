"""Networks drawn unit by unit: the ReLU's indicator mask (chapter 4) and the deltas flowing
back through the hidden layers (chapter 6).

:func:`relu_network` and :func:`delta_flow` share one layout: layer $l$ is the column
$x = 2l$, its units stacked top down and centred on $y = 0$.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from .._checks import as_float_array
from ..activations import relu_derivative
from ..network import Gradients, Network, Trace
from ._axes import axes_on, pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# A ReLU unit that is on (z > 0) and off, in every figure of chapter 4.
_ON, _OFF = "#f39c12", "0.85"

Point = tuple[float, float]


# ---- the shared layout -----------------------------------------------------------


def _layout(net: Network, trace: Trace, grads: Gradients, sample: int) -> list[list[Point]]:
    """Each unit's centre, ``pos[l][i]`` for unit i of layer l, after checking that
    ``sample`` is a row of the batch and that trace and grads fit the network."""
    n_samples = trace.a[0].shape[0]
    if not 0 <= sample < n_samples:
        raise ValueError(f"sample {sample} is not a row of the batch of {n_samples}")
    if len(grads.dz) != net.n_layers or len(trace.z) != net.n_layers:
        raise ValueError(
            f"trace and grads must come from this network's {net.n_layers} layers; "
            f"got {len(trace.z)} pre-activations and {len(grads.dz)} deltas"
        )
    return [[(2.0 * l, (n - 1) / 2 - i) for i in range(n)] for l, n in enumerate(net.sizes)]


def _weights(pos: list[list[Point]]) -> Iterator[tuple[int, int, int, Point, Point]]:
    """Every weight $W^{(l)}_{ij}$ as (l, i, j, centre of unit i in layer l - 1, centre of
    unit j in layer l)."""
    for l in range(1, len(pos)):
        for i, start in enumerate(pos[l - 1]):
            for j, end in enumerate(pos[l]):
                yield l, i, j, start, end


def _unit(ax: Axes, centre: Point, r: float, face: object, text: str, ink: str = "black") -> None:
    """One unit: a circle of radius r, drawn over the weights, with its label inside."""
    from matplotlib.patches import Circle

    ax.add_patch(Circle(centre, r, facecolor=face, edgecolor="black", zorder=2))
    ax.text(*centre, text, ha="center", va="center", fontsize=7, color=ink, zorder=3)


def _input_label(trace: Trace, sample: int, i: int) -> str:
    return f"x{i + 1}\n{trace.a[0][sample, i]:.2g}"


def _frame(ax: Axes, sizes: list[int], below: float) -> None:
    """Fit the view to the units (and ``below`` the lowest one), equal scales, no axes."""
    half = (max(sizes) - 1) / 2
    ax.set_xlim(-0.5, 2.0 * (len(sizes) - 1) + 0.5)
    ax.set_ylim(-half - below, half + 0.5)
    ax.set_aspect("equal")
    ax.axis("off")


# ---- chapter 4: the ReLU's indicator mask -----------------------------------------


def masked_deltas(Z: ArrayLike, G: ArrayLike) -> Figure:
    r"""Four heat maps for a batch through a ReLU layer: $z$, the mask $\mathbb 1[z > 0]$,
    the upstream gradient $\partial L/\partial a$ and the delta
    $\delta = \partial L/\partial a \odot \mathbb 1[z > 0]$.

    ``Z`` and ``G`` have shape (n_samples, n_units); rows are samples. Every
    cell is labelled with its value; the mask is computed by
    :func:`backprop.activations.relu_derivative`.
    """
    from matplotlib.colors import ListedColormap

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
    n, m = Z.shape
    fig, axes = pyplot().subplots(1, 4, figsize=(7, 0.5 + 0.45 * n + 0.6), sharey=True)
    for ax, (title, V, cmap) in zip(axes, panels, strict=True):
        if cmap == "mask":
            ax.imshow(V, cmap=ListedColormap([_OFF, _ON]), vmin=0.0, vmax=1.0, aspect="auto")
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


def relu_network(
    net: Network, trace: Trace, grads: Gradients, sample: int = 0, ax: Axes | None = None
) -> Figure:
    r"""A network drawn as units and weights, for one sample: which ReLU units are on, and
    which weights get a zero gradient.

    A ReLU unit is on when its pre-activation $z > 0$ (filled orange) and off
    otherwise (grey). The weight $W_{ij}$ from unit $i$ to unit $j$ gets the
    gradient $a_i\,\delta_j$ for this sample; it is drawn dotted and pale when that is
    exactly zero (unit $j$ is off, so $\delta_j = 0$, or unit $i$ is off, so $a_i = 0$).
    ``trace`` and ``grads`` come from ``net.forward`` and ``net.backward``.
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    pos = _layout(net, trace, grads, sample)
    ax, fig = axes_on(ax, (6.5, 3.6))
    sizes = net.sizes
    tops = [max(float(np.abs(W).max()), 1e-12) for W in net.W]
    # Weights first, so the units are drawn over them.
    for l, i, j, (x0, y0), (x1, y1) in _weights(pos):
        # This sample's share of dW[l - 1][i, j] = a_i delta_j (backward pass #2).
        if trace.a[l - 1][sample, i] * grads.dz[l - 1][sample, j] == 0:
            ax.plot([x0, x1], [y0, y1], ":", color="0.75", lw=1.2, zorder=1)
        else:
            width = 0.6 + 2.4 * abs(net.W[l - 1][i, j]) / tops[l - 1]
            ax.plot([x0, x1], [y0, y1], "-", color="#2c3e50", lw=width, zorder=1)
    for l, centres in enumerate(pos):
        relu = l > 0 and net.activations[l - 1].name == "relu"
        for i, centre in enumerate(centres):
            if l == 0:
                face, text = "white", _input_label(trace, sample, i)
            else:
                z = trace.z[l - 1][sample, i]
                face = (_ON if z > 0 else _OFF) if relu else "#aed6f1"
                text = f"z\n{z:.2g}" if l < len(sizes) - 1 else f"y\n{trace.a[l][sample, i]:.2g}"
            _unit(ax, centre, 0.3, face, text)
    handles = [
        Patch(facecolor=_ON, edgecolor="black", label="ReLU on: z > 0"),
        Patch(facecolor=_OFF, edgecolor="black", label="ReLU off: z ≤ 0"),
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
    _frame(ax, sizes, below=0.5)
    fig.tight_layout()
    return fig


# ---- chapter 6: deltas flowing back through the hidden layers ---------------------


def delta_flow(
    net: Network, trace: Trace, grads: Gradients, sample: int = 0, ax: Axes | None = None
) -> Figure:
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
    from matplotlib.patches import FancyArrowPatch

    pos = _layout(net, trace, grads, sample)
    ax, fig = axes_on(ax, (6.5, 3.8))
    sizes = net.sizes
    r = 0.32
    deltas = [grads.dz[l][sample] for l in range(net.n_layers)]
    top_delta = max(max(float(np.abs(d).max()) for d in deltas), 1e-12)
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-top_delta, vmax=top_delta)
    cmap = pyplot().get_cmap("RdBu_r")
    terms = [net.W[l] * deltas[l][None, :] for l in range(net.n_layers)]
    top_term = max(max(float(np.abs(t).max()) for t in terms), 1e-12)
    # Arrows first, so the units are drawn over them.
    for l, i, j, (x0, y0), (x1, y1) in _weights(pos):
        # From the edge of unit j back to the edge of unit i.
        ux, uy = (x0 - x1), (y0 - y1)
        length = float(np.hypot(ux, uy))
        ux, uy = ux / length, uy / length
        v = float(terms[l - 1][i, j])
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
    for l, centres in enumerate(pos):
        for i, centre in enumerate(centres):
            if l == 0:
                _unit(ax, centre, r, "white", _input_label(trace, sample, i))
            else:
                d = float(deltas[l - 1][i]) + 0.0  # + 0.0: no "-0"
                ink = "white" if abs(d) > 0.6 * top_delta else "black"
                _unit(ax, centre, r, cmap(norm(d)), f"δ\n{d:.2g}", ink)
    tallest = max(sizes)
    for l in range(len(sizes)):
        label = "input x" if l == 0 else f"$\\delta^{{({l})}}$"
        ax.text(2.0 * l, -(tallest - 1) / 2 - 0.75, label, ha="center", va="center", fontsize=8)
    ax.set_title("deltas flow back: arrow width = |W_ij δ_j| (red +, blue −)", fontsize=9)
    _frame(ax, sizes, below=1.0)
    fig.tight_layout()
    return fig
