r"""Computational graphs (chapter 3): boxes for values, arrows for the forward pass, and in
each box the gradient the backward pass found.

:class:`GraphNode` holds one box's numbers; :func:`graph` lays the boxes out left to right
and draws them. :mod:`backprop.plots.graph_data` builds the nodes of the book's models.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ._axes import axes_on

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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

# An edge: (source, target) or (source, target, the local derivative written on the arrow).
_Edge = tuple[str, str] | tuple[str, str, str | None]


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


# A node: a GraphNode, or a dict of its fields.
_NodeLike = GraphNode | Mapping[str, object]


def _graph_number(v: object, node: str, what: str) -> float | None:
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
    nodes: Sequence[_NodeLike], edges: Sequence[_Edge]
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
    nodes: Sequence[GraphNode | Mapping[str, object]],
    edges: Sequence[tuple[str, str] | tuple[str, str, str | None]],
    ax: Axes | None = None,
    fmt: str = ".3g",
    grad_of: str = "ℓ",
    title: str | None = None,
    key: bool = True,
) -> Figure:
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
    width = min(max(0.85 * (x_hi - x_lo + 1) + 0.3, 4.0), 9.0)
    height = min(0.6 * (y_hi - y_lo + 1) + (0.9 if key else 0.5), 7.0)
    ax, fig = axes_on(ax, (width, height))
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
