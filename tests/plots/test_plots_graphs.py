"""Tests of backprop.plots.graphs: GraphNode and graph, chapter 3's computational graphs."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from backprop import plots
from backprop.plots import GraphNode
from backprop.plots.graphs import _GRAD_INK
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch


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
    assert matplotlib.colors.to_hex(by_text["-0.25"].get_color()) == _GRAD_INK
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


def test_the_key_mentions_gradients_only_when_there_are_some():
    with_grads = " ".join(texts(plots.graph(CHAIN, CHAIN_EDGES, grad_of="C")))
    assert "∂C/∂(name) in red" in with_grads
    values_only = " ".join(texts(plots.graph([GraphNode("u", value=1.0)], [])))
    assert "name and value" in values_only and "in red" not in values_only
