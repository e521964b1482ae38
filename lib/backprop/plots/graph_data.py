r"""The book's models as computational graphs (chapter 3), the nodes and edges that
:func:`~backprop.plots.graphs.graph` draws.

The numbers come from the models themselves: forward values from ``forward``, every
gradient from ``backward`` (:meth:`backprop.ToyModel.backward`,
:meth:`backprop.Network.backward`). Nothing here differentiates anything; these functions
only choose which numbers go in which box, and write each arrow's local derivative as a
label.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from .._checks import as_float_array
from ..losses import Loss
from ..network import Network
from ..toy_model import ToyGradients, ToyModel, ToyTrace
from .graphs import GraphNode, _graph_number

#: $L = y$: the "loss" that is the output itself, so that ``Network.backward`` returns
#: $\partial y/\partial(\cdot)$ (its gradient, the seed of the backward pass, is 1).
_OUTPUT_ITSELF = Loss(
    "output", lambda Y, T: float(Y.sum()), lambda Y, T: np.ones_like(Y), r"\sum_i y_i"
)


def _one_point(trace: ToyTrace, sample: int) -> ToyTrace:
    """The forward pass of one data point, cut out of a trace of several."""
    return ToyTrace(
        [np.asarray(np.ravel(v)[sample]) for v in trace.f],
        [np.asarray(np.ravel(v)[sample]) for v in trace.h],
        np.asarray(np.ravel(trace.x)[sample]),
    )


def toy_graph_data(
    model: ToyModel,
    trace: ToyTrace,
    grads: ToyGradients | None,
    y: ArrayLike,
    sample: int = 0,
) -> tuple[list[GraphNode], list[tuple[str, str, str]]]:
    r"""The nodes and edges of the toy model's graph for one data point, for
    :func:`~backprop.plots.graphs.graph`.

    Forward values come from ``trace`` ($x$, $f_k$, $h_k$, $\ell = (f_3 - y)^2$), the
    gradients from :meth:`backprop.ToyModel.backward` on this point (pass #1:
    $\partial\ell/\partial f_k$, $\partial\ell/\partial h_k$, $\partial\ell/\partial x$;
    pass #2 for this point: $\partial\ell/\partial\beta_k$ and
    $\partial\ell/\partial\omega_k$). ``trace`` and ``grads`` come from
    ``model.forward(x)`` and ``model.backward(trace, y)``; ``grads`` must belong to them,
    and with ``grads=None`` the graph holds the forward values only. The target $y$ is
    drawn without a gradient. Each arrow carries its local derivative.
    """
    if not isinstance(model, ToyModel):
        raise ValueError(f"model must be a ToyModel; got {type(model).__name__}")
    xs = np.ravel(trace.x)
    if not 0 <= sample < xs.size:
        raise ValueError(f"sample {sample} is not one of the {xs.size} data points")
    ys = np.ravel(np.asarray(y, dtype=np.float64))
    if ys.size != xs.size:
        raise ValueError(f"y has {ys.size} values but the trace has {xs.size} data points")
    point = _one_point(trace, sample)
    f = [float(v) for v in point.f]
    h = [float(v) for v in point.h]
    t = float(ys[sample])
    dl_df: list[float | None] = [None] * 4
    dl_dh: list[float | None] = [None] * 4
    dl_dbeta: list[float | None] = [None] * 4
    dl_domega: list[float | None] = [None] * 4
    if grads is not None:
        # Both passes for this point alone: pass #2 then holds this point's share.
        g = model.backward(point, np.asarray(t))
        dl_df = [float(v) for v in g.dl_df]
        dl_dh = [float(v) for v in g.dl_dh]
        dl_dbeta = [float(v) for v in g.dl_dbeta]
        dl_domega = [float(v) for v in g.dl_domega]
        given = [float(np.ravel(v)[sample]) for v in grads.dl_df]
        if not np.allclose(given, dl_df, rtol=1e-9, atol=1e-12):
            raise ValueError(
                "grads do not belong to this trace and y: their ∂ℓ/∂f_k at this point "
                "differ from ToyModel.backward's"
            )
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
            GraphNode(f"beta{k}", f"$\\beta_{k}$", model.beta[k], dl_dbeta[k], "param", col, 1.0)
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
    x: ArrayLike, w: ArrayLike, b: float, activation: str = "relu", t: float | None = None
) -> tuple[list[GraphNode], list[tuple[str, str, str]]]:
    r"""The graph of one neuron, $z = \sum_i w_i x_i + b$, $y = f(z)$, for
    :func:`~backprop.plots.graphs.graph`.

    The products $p_i = w_i x_i$ are nodes of their own, as chapter 3 writes the neuron
    out in code. Without a target ``t`` the gradients are those of the
    output, $\partial y/\partial(\text{node})$; with one, of the loss
    $L = \tfrac12 (y - t)^2$. The neuron is a one-layer :class:`backprop.Network`
    ($W = w$ as a column, $b$, activation $f$) and every number comes from its
    ``forward`` and ``backward`` (with ``input_grad=True``): $\partial/\partial w_i$ from
    ``dW``, $\partial/\partial b$ from ``db``, $\partial/\partial x_i$ from ``da[0]``,
    $\partial/\partial z = \delta$ from ``dz``, which is also $\partial/\partial p_i$
    because $\partial z/\partial p_i = 1$.
    """
    xv = as_float_array(x, "x", ndim=1)
    wv = as_float_array(w, "w", ndim=1)
    if xv.shape != wv.shape or xv.size == 0:
        raise ValueError(
            f"x and w must hold the same number of values; got {xv.size} and {wv.size}"
        )
    bv = _graph_number(b, "b", "value")
    if bv is None:
        raise ValueError("node 'b': value must be one number; got None")
    neuron = Network([wv[:, None]], [[bv]], [activation])
    trace = neuron.forward(xv[None, :])
    if t is None:
        grads = neuron.backward(trace, trace.output, _OUTPUT_ITSELF, input_grad=True)
    else:
        grads = neuron.backward(trace, [[float(t)]], "half_sse", input_grad=True)
    z, y = float(trace.z[0][0, 0]), float(trace.output[0, 0])
    dz, dy = float(grads.dz[0][0, 0]), float(grads.da[1][0, 0])
    p = wv * xv  # the products, forward values of their own nodes
    n = xv.size
    nodes, edges = [], []
    for i in range(n):
        j = i + 1
        row = 2.0 * ((n - 1) / 2 - i)  # the product of input i; its w and x sit either side
        dw, dx = grads.dW[0][i, 0], grads.da[0][0, i]
        nodes.append(GraphNode(f"w{j}", f"$w_{j}$", wv[i], dw, "param", 0, row + 0.5))
        nodes.append(GraphNode(f"x{j}", f"$x_{j}$", xv[i], dx, "input", 0, row - 0.5))
        nodes.append(GraphNode(f"p{j}", f"$w_{j}x_{j}$", p[i], dz, "value", 1, row))
        edges += [
            (f"w{j}", f"p{j}", f"$x_{j}$"),
            (f"x{j}", f"p{j}", f"$w_{j}$"),
            (f"p{j}", "z", "1"),
        ]
    nodes.append(GraphNode("z", "$z$", z, dz, "value", 2, 0.0))
    # b sits below z: its arrow then crosses none of the products'.
    nodes.append(GraphNode("b", "$b$", bv, grads.db[0][0], "param", 2, -1.5))
    edges.append(("b", "z", "1"))
    kind_y = "output" if t is None else "value"
    nodes.append(GraphNode("y", "$y$", y, dy, kind_y, 3, 0.0))
    edges.append(("z", "y", "$f'(z)$"))
    if t is not None:
        nodes.append(GraphNode("t", "$t$", float(t), None, "input", 3, -1.0))
        nodes.append(GraphNode("L", "$L$", grads.loss, 1.0, "loss", 4, 0.0))
        edges += [("y", "L", "$y-t$"), ("t", "L", "$t-y$")]
    return nodes, edges
