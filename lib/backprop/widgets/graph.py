r"""Both backward passes of the toy model, one arrow at a time: a live graph stepper.

The front end (``js/graph.js``) draws the toy model's computational graph for one data point
$(x, y)$ and steps through it: the forward values, then backward pass #1 ($\partial\ell/\partial
f_k$ and $\partial\ell/\partial h_k$, from the loss back to $x$), then pass #2
($\partial\ell/\partial\beta_k$ and $\partial\ell/\partial\omega_k$). Each backward step is a
local derivative times the upstream gradient, e.g.

$$\frac{\partial \ell}{\partial f_2} = (-\sin f_2)\,\frac{\partial \ell}{\partial h_3},
\qquad \frac{\partial \ell}{\partial \omega_k} = h_k\,\frac{\partial \ell}{\partial f_k}.$$

The parameters, the point and the current ``step`` are synced traits; ``GraphExplorer.steps``
computes every step's numbers with :meth:`backprop.ToyModel.backward` (the tests compare).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import traitlets
from numpy.typing import ArrayLike

from .._checks import as_float_array
from ..losses import get_loss
from ..network import Network
from ..toy_model import ToyGradients, ToyModel, ToyTrace
from ._base import Explorer, bundle

_SUB = "₀₁₂₃"
#: The number of steps of the toy stepper (the forward pass, 8 arrows of pass #1, 8 of pass #2).
N_STEPS = 17


@dataclass(frozen=True)
class Step:
    r"""One backward step: ``name`` $=$ ``local`` $\times$ ``upstream`` $=$ ``value``.

    ``pass_`` is 1 or 2; ``node`` the key of the node whose gradient it finds (``"f2"``,
    ``"h3"``, ``"x"``, ``"beta1"``, ``"omega0"``; for a network ``"z1_2"``, ``"a1_0"``,
    ``"W2_1_0"``, ``"b1_2"``, 0-based); ``edge`` the arrow (tail, head).
    """

    pass_: int
    node: str
    edge: tuple[str, str]
    name: str
    local_name: str
    local: float
    upstream_name: str
    upstream: float
    value: float
    #: ``local * upstream``; differs from ``value`` only for a term of a sum (``value`` is then
    #: the sum so far): $\partial L/\partial a^{(l-1)}_i$ collects one term per arrow.
    term: float | None = None


def toy_steps(model: ToyModel, trace: ToyTrace, grads: ToyGradients, y: float) -> list[Step]:
    r"""The 16 backward steps for one point, in the stepper's order: pass #1 from
    $\partial\ell/\partial f_3 = 2(f_3 - y)$ back to $\partial\ell/\partial x$, then pass #2 for
    $k = 3, 2, 1, 0$ ($\beta_k$ then $\omega_k$). ``value`` is taken from ``grads``
    (:meth:`~backprop.ToyModel.backward`); ``local`` and ``upstream`` are its two factors."""
    f = [float(np.asarray(v).reshape(-1)[0]) for v in trace.f]
    h = [float(np.asarray(v).reshape(-1)[0]) for v in trace.h]
    df = [float(np.asarray(v).reshape(-1)[0]) for v in grads.dl_df]
    dh = [float(np.asarray(v).reshape(-1)[0]) for v in grads.dl_dh]
    local_f = [np.cos(f[0]), np.exp(f[1]), -np.sin(f[2])]
    dact = ["cos", "exp", "(−sin"]

    def h_key(k: int) -> str:
        return "x" if k == 0 else f"h{k}"

    def h_name(k: int) -> str:
        return "x" if k == 0 else f"h{_SUB[k]}"

    steps = [
        Step(1, "f3", ("f3", "loss"), "∂ℓ/∂f₃", "2(f₃ − y)", 2 * (f[3] - y), "∂ℓ/∂ℓ", 1.0, df[3])
    ]
    for k in range(3, -1, -1):
        steps.append(
            Step(
                1,
                h_key(k),
                (h_key(k), f"f{k}"),
                f"∂ℓ/∂{h_name(k)}",
                f"ω{_SUB[k]}",
                float(model.omega[k]),
                f"∂ℓ/∂f{_SUB[k]}",
                df[k],
                dh[k],
            )
        )
        if k > 0:
            steps.append(
                Step(
                    1,
                    f"f{k - 1}",
                    (f"f{k - 1}", f"h{k}"),
                    f"∂ℓ/∂f{_SUB[k - 1]}",
                    f"{dact[k - 1]} f{_SUB[k - 1]}{')' if k == 3 else ''}",
                    float(local_f[k - 1]),
                    f"∂ℓ/∂h{_SUB[k]}",
                    dh[k],
                    df[k - 1],
                )
            )
    for k in range(3, -1, -1):
        steps.append(
            Step(
                2,
                f"beta{k}",
                (f"beta{k}", f"f{k}"),
                f"∂ℓ/∂β{_SUB[k]}",
                "1",
                1.0,
                f"∂ℓ/∂f{_SUB[k]}",
                df[k],
                float(grads.dl_dbeta[k]),
            )
        )
        steps.append(
            Step(
                2,
                f"omega{k}",
                (f"omega{k}", f"f{k}"),
                f"∂ℓ/∂ω{_SUB[k]}",
                h_name(k),
                h[k],
                f"∂ℓ/∂f{_SUB[k]}",
                df[k],
                float(grads.dl_domega[k]),
            )
        )
    return steps


_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUBS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: The loss derivatives the stepper writes out by name (others are shown as ∂L/∂y).
LOSS_LOCAL = {"half_sse": "(y{k} − t{k})", "sse": "2(y{k} − t{k})"}


def _unit(kind: str, l: int, j: int, L: int) -> str:
    """The book's name of unit j (0-based) of layer l: x₁, z⁽¹⁾₂, a⁽¹⁾₂, y₁ (1-based); with
    one hidden layer, chapter 6's h_j for a⁽¹⁾_j."""
    sub = str(j + 1).translate(_SUBS)
    if kind == "a" and l == 0:
        return f"x{sub}"
    if kind == "a" and l == L:
        return f"y{sub}"
    if kind == "a" and L == 2:
        return f"h{sub}"
    return f"{kind}⁽{str(l).translate(_SUP)}⁾{sub}"


def _weight(l: int, i: int, j: int, L: int) -> str:
    """W⁽ˡ⁾ᵢⱼ (1-based); with one hidden layer, chapter 6's w_ij and u_jk."""
    ij = f"{i + 1}{j + 1}".translate(_SUBS)
    if L == 2:
        return ("w" if l == 1 else "u") + ij
    return f"W⁽{str(l).translate(_SUP)}⁾{ij}"


def network_steps(net: Network, x: ArrayLike, t: ArrayLike, loss: str = "half_sse") -> list[Step]:
    r"""The backward steps of ``net`` for one sample, one arrow at a time, in the stepper's order.

    Pass #1, from the output back: $\partial L/\partial y_k$ (the loss's local derivative),
    then for $l = D, \dots, 1$: $\delta^{(l)}_j = f_l'(z^{(l)}_j)\,\partial L/\partial
    a^{(l)}_j$, and (for $l > 1$) $\partial L/\partial a^{(l-1)}_i = \sum_j W^{(l)}_{ij}\,
    \delta^{(l)}_j$ one term (arrow) at a time: ``term`` is the product, ``value`` the sum so
    far. Pass #2: $\partial L/\partial W^{(l)}_{ij} = a^{(l-1)}_i\,\delta^{(l)}_j$ and
    $\partial L/\partial b^{(l)}_j = 1 \cdot \delta^{(l)}_j$ for $l = D, \dots, 1$. The values
    are :meth:`~backprop.Network.backward`'s (``dz``, ``da``, ``dW``, ``db``); node keys are 0-based
    (``"a1_2"`` is $a^{(1)}_3$).
    """
    X = as_float_array(x, "x", ndim=1).reshape(1, -1)
    T = as_float_array(t, "t", ndim=1).reshape(1, -1)
    trace = net.forward(X)
    grads = net.backward(trace, T, loss)
    L = net.n_layers
    steps: list[Step] = []
    g = get_loss(loss).grad(trace.output, T)[0]
    for k in range(trace.output.shape[1]):
        kk = str(k + 1).translate(_SUBS)
        local_name = LOSS_LOCAL.get(loss, "∂L/∂y{k}").format(k=kk)
        steps.append(
            Step(1, f"a{L}_{k}", (f"a{L}_{k}", "loss"), f"∂L/∂y{kk}", local_name, float(g[k]),
                 "∂L/∂L", 1.0, float(grads.da[L][0, k]))
        )  # fmt: skip
    for l in range(L, 0, -1):
        act = net.activations[l - 1]
        df = act.derivative(trace.z[l - 1], trace.a[l])[0]
        for j in range(trace.z[l - 1].shape[1]):
            steps.append(
                Step(1, f"z{l}_{j}", (f"z{l}_{j}", f"a{l}_{j}"), f"δ{_unit('z', l, j, L)[1:]}",
                     f"{act.name}′({_unit('z', l, j, L)})", float(df[j]),
                     f"∂L/∂{_unit('a', l, j, L)}", float(grads.da[l][0, j]),
                     float(grads.dz[l - 1][0, j]))
            )  # fmt: skip
        if l > 1:
            W = net.W[l - 1]
            d = grads.dz[l - 1][0]
            for i in range(W.shape[0]):
                total = 0.0
                for j in range(W.shape[1]):
                    term = float(W[i, j] * d[j])
                    total += term
                    last = j == W.shape[1] - 1
                    steps.append(
                        Step(1, f"a{l - 1}_{i}", (f"a{l - 1}_{i}", f"z{l}_{j}"),
                             f"∂L/∂{_unit('a', l - 1, i, L)}",
                             _weight(l, i, j, L),
                             float(W[i, j]), f"δ{_unit('z', l, j, L)[1:]}", float(d[j]),
                             float(grads.da[l - 1][0, i]) if last else total, term)
                    )  # fmt: skip
    for l in range(L, 0, -1):
        a_prev = trace.a[l - 1][0]
        d = grads.dz[l - 1][0]
        for j in range(d.size):
            for i in range(a_prev.size):
                steps.append(
                    Step(2, f"W{l}_{i}_{j}", (f"a{l - 1}_{i}", f"z{l}_{j}"),
                         f"∂L/∂{_weight(l, i, j, L)}",
                         _unit("a", l - 1, i, L), float(a_prev[i]), f"δ{_unit('z', l, j, L)[1:]}",
                         float(d[j]), float(grads.dW[l - 1][i, j]))
                )  # fmt: skip
            steps.append(
                Step(2, f"b{l}_{j}", (f"z{l}_{j}", f"z{l}_{j}"),
                     f"∂L/∂b⁽{str(l).translate(_SUP)}⁾{str(j + 1).translate(_SUBS)}", "1", 1.0,
                     f"δ{_unit('z', l, j, L)[1:]}", float(d[j]), float(grads.db[l - 1][j]))
            )  # fmt: skip
    return steps


class GraphExplorer(Explorer):
    r"""The toy model's graph for one point, stepped through both backward passes.

    Traits (synced): ``beta``, ``omega`` (4 numbers each), the point ``x`` and target ``y``,
    the slider range ``limit``, and ``step`` (0 = the forward pass, 1–8 pass #1, 9–16 pass #2).
    Computed with the library: ``model``, ``trace`` (:meth:`~backprop.ToyModel.forward`), ``grads``
    (:meth:`~backprop.ToyModel.backward`), ``loss`` and ``steps`` (:func:`toy_steps`); ``current`` is
    the step shown (``None`` at the forward pass).
    """

    _esm = bundle("graph")
    _title = "Backward-pass graph"

    beta = traitlets.List(traitlets.Float(), minlen=4, maxlen=4).tag(sync=True)
    omega = traitlets.List(traitlets.Float(), minlen=4, maxlen=4).tag(sync=True)
    x = traitlets.Float(0.0).tag(sync=True)
    y = traitlets.Float(0.0).tag(sync=True)
    limit = traitlets.Float(3.0).tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)

    def __init__(
        self,
        beta: ArrayLike,
        omega: ArrayLike,
        x: float,
        y: float,
        step: int = 0,
        limit: float = 3.0,
    ) -> None:
        if not (np.isfinite(limit) and limit > 0):
            raise ValueError(f"limit must be a positive number; got {limit}")
        model = ToyModel(beta, omega)  # checks 4 of each
        point = as_float_array([x, y], "x and y", ndim=1)
        for name, v in (("beta", model.beta), ("omega", model.omega), ("x and y", point)):
            if np.any(np.abs(v) > limit):
                raise ValueError(
                    f"{name} = {v.tolist()} has an entry outside the sliders' range "
                    f"[-{limit:g}, {limit:g}]"
                )
        super().__init__(
            beta=model.beta.tolist(),
            omega=model.omega.tolist(),
            x=float(point[0]),
            y=float(point[1]),
            limit=float(limit),
            step=int(step),
        )

    @traitlets.validate("step")
    def _valid_step(self, proposal: dict[str, Any]) -> int:
        s = proposal["value"]
        if not 0 <= s < N_STEPS:
            raise traitlets.TraitError(f"step must be 0 (forward) to {N_STEPS - 1}; got {s}")
        return s

    @traitlets.validate("beta", "omega")
    def _valid_parameters(self, proposal: dict[str, Any]) -> list[float]:
        v = np.asarray(proposal["value"], dtype=np.float64)
        if not np.all(np.isfinite(v)) or np.any(np.abs(v) > self.limit):
            raise traitlets.TraitError(
                f"{proposal['trait'].name} = {v.tolist()} must be finite and within "
                f"[-{self.limit:g}, {self.limit:g}]"
            )
        return proposal["value"]

    @property
    def model(self) -> ToyModel:
        return ToyModel(self.beta, self.omega)

    @property
    def trace(self) -> ToyTrace:
        return self.model.forward(self.x)

    @property
    def grads(self) -> ToyGradients:
        return self.model.backward(self.trace, self.y)

    @property
    def loss(self) -> float:
        r"""$\ell = (f_3 - y)^2$."""
        return self.grads.loss

    @property
    def steps(self) -> list[Step]:
        return toy_steps(self.model, self.trace, self.grads, self.y)

    @property
    def current(self) -> Step | None:
        return None if self.step == 0 else self.steps[self.step - 1]


def graph_explorer(model: ToyModel, x: float, y: float, step: int = 0) -> GraphExplorer:
    r"""The chapter's graph stepper for ``model`` at the point ``(x, y)``: Next/Back step
    through backward pass #1 and #2, the sliders change $\beta$, $\omega$, $x$ and $y$."""
    if not isinstance(model, ToyModel):
        raise TypeError(f"model must be a backprop.ToyModel; got {type(model).__name__}")
    return GraphExplorer(model.beta, model.omega, float(x), float(y), step=step)


class NetworkGraphExplorer(Explorer):
    r"""A small dense network's graph for one sample, stepped through both backward passes
    (the same front end as :class:`GraphExplorer`, ``kind = "network"``).

    Traits (synced): the network (``weights``, ``biases``, ``activations``, ``loss``), the
    sample ``x`` and target ``t`` (on sliders within ``[-limit, limit]``), and ``step``
    (0 = the forward pass). ``net`` (:class:`~backprop.Network`), ``trace``, ``grads`` and ``steps``
    (:func:`network_steps`) compute what the view shows with the library.
    """

    _esm = bundle("graph")
    _title = "Network backward-pass graph"

    kind = traitlets.Unicode("network").tag(sync=True)
    weights = traitlets.List().tag(sync=True)
    biases = traitlets.List().tag(sync=True)
    activations = traitlets.List(traitlets.Unicode()).tag(sync=True)
    loss_name = traitlets.Unicode("half_sse").tag(sync=True)
    x = traitlets.List(traitlets.Float()).tag(sync=True)
    t = traitlets.List(traitlets.Float()).tag(sync=True)
    limit = traitlets.Float(2.0).tag(sync=True)
    step = traitlets.Int(0).tag(sync=True)

    def __init__(
        self, net: Network, x: ArrayLike, t: ArrayLike, loss: str = "half_sse", limit: float = 2.0
    ) -> None:
        if not isinstance(net, Network):
            raise TypeError(f"net must be a backprop.Network; got {type(net).__name__}")
        sizes = net.sizes
        if net.n_layers > 3 or max(sizes) > 4:
            raise ValueError(
                f"the graph stepper draws networks of at most 3 layers of at most 4 units; "
                f"got sizes {sizes}"
            )
        get_loss(loss)  # a clear message for an unknown loss
        if loss == "softmax_cross_entropy":
            raise ValueError("the graph stepper shows losses of the outputs y: sse, half_sse, mse")
        xs = as_float_array(x, "x", ndim=1)
        ts = as_float_array(t, "t", ndim=1)
        if xs.size != sizes[0] or ts.size != sizes[-1]:
            raise ValueError(
                f"x needs {sizes[0]} numbers and t {sizes[-1]} for a {sizes} network; "
                f"got {xs.size} and {ts.size}"
            )
        if not (np.isfinite(limit) and limit > 0) or np.any(np.abs(np.r_[xs, ts]) > limit):
            raise ValueError(f"x and t must lie within the sliders' range [-{limit:g}, {limit:g}]")
        super().__init__(
            weights=[w.tolist() for w in net.W],
            biases=[b.tolist() for b in net.b],
            activations=[a.name for a in net.activations],
            loss_name=loss,
            x=xs.tolist(),
            t=ts.tolist(),
            limit=float(limit),
        )

    @traitlets.validate("step")
    def _valid_step(self, proposal: dict[str, Any]) -> int:
        s, n = proposal["value"], len(self.steps) + 1
        if not 0 <= s < n:
            raise traitlets.TraitError(f"step must be 0 (forward) to {n - 1}; got {s}")
        return s

    @property
    def net(self) -> Network:
        return Network(self.weights, self.biases, list(self.activations))

    @property
    def steps(self) -> list[Step]:
        return network_steps(self.net, self.x, self.t, self.loss_name)

    @property
    def loss(self) -> float:
        X = np.asarray(self.x, dtype=np.float64).reshape(1, -1)
        T = np.asarray(self.t, dtype=np.float64).reshape(1, -1)
        return self.net.loss(X, T, self.loss_name)


def network_graph_explorer(
    net: Network, x: ArrayLike, t: ArrayLike, loss: str = "half_sse"
) -> NetworkGraphExplorer:
    r"""The graph stepper for a small network (e.g. chapter 6's 2-3-2 sigmoid network) and
    one sample: Next/Back step through $\partial L/\partial y$, every delta, every
    $\partial L/\partial a$ (one arrow, one term at a time), then every gradient."""
    return NetworkGraphExplorer(net, x, t, loss)
