"""Tests of backprop.plots.graph and its data helpers (chapter 3's computational graphs)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import autograd.numpy as anp  # noqa: E402
import backprop as bp  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from autograd import grad  # noqa: E402
from backprop import plots  # noqa: E402
from backprop.plots import GraphNode  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    plt.close("all")
    yield
    plt.close("all")


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def boxes(ax):
    """Box centres, in the order the nodes were given."""
    return [
        (p.get_x() + p.get_width() / 2, p.get_y() + p.get_height() / 2)
        for p in ax.patches
        if isinstance(p, FancyBboxPatch)
    ]


def arrows(ax):
    return [p for p in ax.patches if isinstance(p, FancyArrowPatch)]


CHAIN = [
    GraphNode("a", "$a$", 2.0, -0.5, "input"),
    GraphNode("b", "$b$", 4.0, -0.25),
    GraphNode("c", "$c$", 0.123456, 1.0, "loss"),
]
CHAIN_EDGES = [("a", "b", "$2a$"), ("b", "c")]


def test_graph_returns_a_figure_with_a_box_per_node_and_an_arrow_per_edge():
    fig = plots.graph(CHAIN, CHAIN_EDGES)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert len(boxes(ax)) == 3
    assert len(arrows(ax)) == 2
    shown = texts(fig)
    # Labels, values and gradients, formatted with the default ".3g".
    for s in ["$a$", "$b$", "$c$", "2", "4", "0.123", "-0.5", "-0.25", "1", "$2a$"]:
        assert s in shown, s
    assert "0.123456" not in shown
    assert ax.get_legend() is not None  # the key of node kinds


def test_gradients_are_red_and_values_black():
    fig = plots.graph(CHAIN, CHAIN_EDGES)
    (ax,) = fig.axes
    by_text = {t.get_text(): t for t in ax.texts}
    assert matplotlib.colors.to_hex(by_text["-0.25"].get_color()) == plots._GRAD_INK
    assert matplotlib.colors.to_hex(by_text["4"].get_color()) == "#000000"


def test_fmt_controls_the_digits_and_missing_numbers_are_not_drawn():
    nodes = [GraphNode("u", value=1 / 3), GraphNode("v", value=None, grad=None)]
    fig = plots.graph(nodes, [("u", "v")], fmt=".5f", key=False)
    shown = texts(fig)
    assert "0.33333" in shown
    assert shown.count("u") == 1 and shown.count("v") == 1
    assert len(shown) == 3  # u's label and value, v's label
    assert fig.axes[0].get_legend() is None


def test_negative_zero_is_shown_as_zero():
    fig = plots.graph([GraphNode("u", value=-0.0, grad=-0.0)], [])
    assert "-0" not in texts(fig)


def test_graph_draws_on_a_given_axes():
    fig, ax = plt.subplots()
    out = plots.graph(CHAIN, CHAIN_EDGES, ax=ax, title="a chain")
    assert out is fig
    assert len(boxes(ax)) == 3
    assert ax.get_title() == "a chain"


def test_nodes_may_be_dicts():
    fig = plots.graph(
        [{"name": "p", "value": 1.5, "kind": "param"}, {"name": "q", "grad": 2.5}], [("p", "q")]
    )
    assert {"p", "q", "1.5", "2.5"} <= set(texts(fig))


def test_layout_is_layered_left_to_right_and_sources_sit_next_to_their_consumer():
    nodes = [GraphNode(n) for n in ["a", "b", "c", "d", "s"]]
    edges = [("a", "b"), ("b", "c"), ("c", "d"), ("s", "d")]
    (ax,) = plots.graph(nodes, edges).axes
    centres = dict(zip("abcds", boxes(ax), strict=True))
    xs = {n: c[0] for n, c in centres.items()}
    assert xs["a"] < xs["b"] < xs["c"] < xs["d"]
    np.testing.assert_allclose(np.diff([xs[n] for n in "abcd"]), 1.0)
    # s feeds d only, so it is drawn in c's column, stacked below c (the order given).
    assert xs["s"] == pytest.approx(xs["c"])
    assert centres["s"][1] < centres["c"][1]


def test_fixed_layers_and_rows_are_respected():
    nodes = [GraphNode("a", layer=0, row=2.0), GraphNode("b", layer=3, row=-1.0)]
    (ax,) = plots.graph(nodes, [("a", "b")]).axes
    (xa, ya), (xb, yb) = boxes(ax)
    assert (xb - xa, ya - yb) == pytest.approx((3.0, 3.0))


@pytest.mark.parametrize(
    ("nodes", "edges", "message"),
    [
        ([], [], "at least one node"),
        ([GraphNode("a"), GraphNode("a")], [], "repeated: a"),
        ([GraphNode("a")], [("a", "zz")], "unknown node 'zz'"),
        ([GraphNode("a")], [("a", "a")], "to itself"),
        ([GraphNode("a"), GraphNode("b")], [("a", "b"), ("b", "a")], "no cycles"),
        ([GraphNode("a")], ["ab"], "an edge is"),
        ([GraphNode("a"), GraphNode("b")], [("a", "b", "l", "x")], "an edge is"),
        ([GraphNode("a", layer=0, row=0.0), GraphNode("b", layer=0, row=0.0)], [], "same place"),
        (["a"], [], "GraphNode or a dict"),
        ([{"name": "a", "colour": "red"}], [], "bad node"),
    ],
)
def test_bad_graphs_get_a_clear_error(nodes, edges, message):
    with pytest.raises(ValueError, match=message):
        plots.graph(nodes, edges)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "non-empty string name"),
        ({"name": "a", "kind": "weight"}, "unknown kind 'weight'"),
        ({"name": "a", "value": float("nan")}, "value must be finite"),
        ({"name": "a", "grad": np.inf}, "grad must be finite"),
        ({"name": "a", "value": [1.0, 2.0]}, "value must be one number"),
        ({"name": "a", "value": "big"}, "value must be one number"),
        ({"name": "a", "layer": 1.5}, "layer must be a whole number"),
        ({"name": "a", "layer": "first"}, "layer must be a whole number"),
        ({"name": "a", "layer": True}, "layer must be a whole number"),
    ],
)
def test_bad_nodes_get_a_clear_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GraphNode(**kwargs)


def test_bad_format_gets_a_clear_error():
    with pytest.raises(ValueError, match="fmt"):
        plots.graph(CHAIN, CHAIN_EDGES, fmt="%d")


# ---- the toy model's graph ------------------------------------------------------------


def toy_loss(beta, omega, x, y):
    """ℓ = (f[x, φ] − y)², written out independently of the library."""
    f0 = beta[0] + omega[0] * x
    f1 = beta[1] + omega[1] * anp.sin(f0)
    f2 = beta[2] + omega[2] * anp.exp(f1)
    f3 = beta[3] + omega[3] * anp.cos(f2)
    return (f3 - y) ** 2


MODEL = bp.ToyModel(beta=[0.3, -0.2, 0.1, 0.4], omega=[1.2, 0.8, -0.5, 1.5])


@pytest.mark.parametrize("sample", [0, 2])
def test_toy_graph_data_holds_the_forward_values_and_both_passes(sample):
    x = np.array([0.7, -0.3, 1.1])
    y = np.array([1.0, 0.2, -0.5])
    trace = MODEL.forward(x)
    nodes, edges = plots.toy_graph_data(MODEL, trace, MODEL.backward(trace, y), y, sample)
    by = {n.name: n for n in nodes}
    assert len(by) == len(nodes) == 18  # x, y, ℓ, 4 f, 3 h, 4 beta, 4 omega
    xi, yi = x[sample], y[sample]
    assert by["x"].value == xi and by["y"].value == yi and by["y"].grad is None
    assert by["loss"].value == pytest.approx(toy_loss(MODEL.beta, MODEL.omega, xi, yi), rel=1e-12)
    assert by["loss"].grad == 1.0
    # Pass #2 for this point, against autograd.
    d_beta = grad(toy_loss, 0)(MODEL.beta, MODEL.omega, xi, yi)
    d_omega = grad(toy_loss, 1)(MODEL.beta, MODEL.omega, xi, yi)
    d_x = grad(toy_loss, 2)(MODEL.beta, MODEL.omega, xi, yi)
    for k in range(4):
        assert by[f"beta{k}"].value == MODEL.beta[k]
        assert by[f"omega{k}"].value == MODEL.omega[k]
        assert by[f"beta{k}"].grad == pytest.approx(d_beta[k], rel=1e-10)
        assert by[f"omega{k}"].grad == pytest.approx(d_omega[k], rel=1e-10)
        # ∂ℓ/∂β_k = ∂ℓ/∂f_k, because ∂f_k/∂β_k = 1.
        assert by[f"f{k}"].grad == pytest.approx(d_beta[k], rel=1e-10)
    assert by["x"].grad == pytest.approx(d_x, rel=1e-10)
    # ∂ℓ/∂h_k = ω_k ∂ℓ/∂f_k, and the forward values.
    f0 = MODEL.beta[0] + MODEL.omega[0] * xi
    assert by["f0"].value == pytest.approx(f0)
    assert by["h1"].value == pytest.approx(np.sin(f0))
    for k in (1, 2, 3):
        assert by[f"h{k}"].grad == pytest.approx(MODEL.omega[k] * d_beta[k], rel=1e-10)
    assert len(edges) == 4 * 3 + 3 + 2
    assert all(len(e) == 3 and e[2] for e in edges)  # every arrow has its local derivative


def test_toy_graph_figure_shows_the_numbers():
    trace = MODEL.forward(0.7)
    grads = MODEL.backward(trace, 1.0)
    fig = plots.graph(*plots.toy_graph_data(MODEL, trace, grads, 1.0))
    shown = set(texts(fig))
    for v in [trace.f[3], trace.h[2], grads.dl_dbeta[2], grads.dl_domega[0], grads.loss]:
        assert format(float(v), ".3g") in shown
    assert {r"$\cos f_0$", r"$\exp f_1$", r"$-\sin f_2$", r"$\beta_3$", r"$\ell$"} <= shown


def test_toy_graph_data_rejects_mismatched_input():
    trace = MODEL.forward([0.7, 0.1])
    grads = MODEL.backward(trace, [1.0, 0.0])
    with pytest.raises(ValueError, match="not one of the 2 data points"):
        plots.toy_graph_data(MODEL, trace, grads, [1.0, 0.0], sample=2)
    with pytest.raises(ValueError, match="y has 1 values"):
        plots.toy_graph_data(MODEL, trace, grads, 1.0)
    with pytest.raises(ValueError, match="do not belong"):
        plots.toy_graph_data(MODEL, trace, grads, [2.0, 0.0])
    with pytest.raises(ValueError, match="must be a ToyModel"):
        plots.toy_graph_data(MODEL.to_network(), trace, grads, [1.0, 0.0])


# ---- the single neuron's graph --------------------------------------------------------


def test_neuron_graph_data_for_the_neuron_of_note_002():
    x, w, b = [1.0, -2.0, 3.0], [-3.0, -1.0, 2.0], 1.0
    nodes, edges = plots.neuron_graph_data(x, w, b)
    by = {n.name: n for n in nodes}
    assert by["z"].value == 6.0 and by["y"].value == 6.0 and by["y"].grad == 1.0
    # dy/dw = x, dy/dx = w, dy/db = 1 while the unit is on.
    assert [by[f"w{j}"].grad for j in (1, 2, 3)] == x
    assert [by[f"x{j}"].grad for j in (1, 2, 3)] == w
    assert by["b"].grad == 1.0
    assert [by[f"p{j}"].value for j in (1, 2, 3)] == [-3.0, 2.0, 6.0]
    assert len(edges) == 3 * 3 + 2
    fig = plots.graph(nodes, edges)
    assert {"6", "-3", "$w_1x_1$", "$f'(z)$"} <= set(texts(fig))


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_neuron_graph_gradients_match_autograd(activation):
    f = {"relu": lambda z: anp.maximum(z, 0.0), "sigmoid": lambda z: 1 / (1 + anp.exp(-z))}
    f["tanh"] = anp.tanh
    rng = np.random.default_rng(3)
    for _ in range(10):
        x, w = rng.normal(size=4), rng.normal(size=4)
        b, t = float(rng.normal()), float(rng.normal())

        def loss(w_, b_, x_, t=t, x=x, w=w):
            return 0.5 * (f[activation](anp.dot(w_, x_) + b_) - t) ** 2

        by = {n.name: n for n in plots.neuron_graph_data(x, w, b, activation, t=t)[0]}
        np.testing.assert_allclose(
            [by[f"w{j}"].grad for j in range(1, 5)], grad(loss, 0)(w, b, x), rtol=1e-10, atol=1e-14
        )
        np.testing.assert_allclose(
            [by[f"x{j}"].grad for j in range(1, 5)], grad(loss, 2)(w, b, x), rtol=1e-10, atol=1e-14
        )
        assert by["b"].grad == pytest.approx(grad(loss, 1)(w, b, x), rel=1e-10, abs=1e-14)
        assert by["L"].value == pytest.approx(loss(w, b, x))
        assert by["t"].grad is None


def test_an_off_relu_neuron_passes_no_gradient():
    by = {n.name: n for n in plots.neuron_graph_data([1.0, -2.0, 3.0], [-3.0, -1.0, 2.0], -7.0)[0]}
    assert by["z"].value == -2.0 and by["y"].value == 0.0
    assert all(by[n].grad == 0.0 for n in ["z", "b", "w1", "w2", "w3", "x1", "p3"])


def test_neuron_graph_data_rejects_bad_input():
    with pytest.raises(ValueError, match="same number of values"):
        plots.neuron_graph_data([1.0, 2.0], [1.0], 0.0)
    with pytest.raises(ValueError, match="unknown activation"):
        plots.neuron_graph_data([1.0], [1.0], 0.0, activation="softplus")
    with pytest.raises(ValueError, match="must be finite"):
        plots.neuron_graph_data([1.0], [1.0], float("nan"))


def test_toy_graph_data_without_grads_holds_the_forward_pass_only():
    trace = MODEL.forward(0.7)
    nodes, _ = plots.toy_graph_data(MODEL, trace, None, 1.0)
    assert all(n.grad is None for n in nodes)
    by = {n.name: n for n in nodes}
    assert by["f3"].value == pytest.approx(float(trace.f[3]))
    assert by["loss"].value == pytest.approx(MODEL.loss(0.7, 1.0))
    fig = plots.graph(nodes, [])
    assert format(float(trace.h[2]), ".3g") in texts(fig)


def test_the_key_mentions_gradients_only_when_there_are_some():
    with_grads = " ".join(texts(plots.graph(CHAIN, CHAIN_EDGES, grad_of="C")))
    assert "∂C/∂(name) in red" in with_grads
    values_only = " ".join(texts(plots.graph([GraphNode("u", value=1.0)], [])))
    assert "name and value" in values_only and "in red" not in values_only
