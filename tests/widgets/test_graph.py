"""Tests of backprop.widgets.graph (Python side): the stepper's 16 backward steps are
ToyModel.backward's numbers, each the product of its local derivative and upstream gradient.
The browser side (js/graph.js) is tested in tests/browser/test_explorers.py."""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
import traitlets
from backprop.widgets.graph import N_STEPS, GraphExplorer, graph_explorer

MODEL = bp.ToyModel([0.3, -0.2, 0.1, 0.4], [1.2, 0.8, -0.5, 1.5])


def test_steps_are_local_times_upstream_and_equal_backward():
    w = graph_explorer(MODEL, 0.7, 1.0)
    assert isinstance(w, GraphExplorer) and w.step == 0 and w.current is None
    steps = w.steps
    assert len(steps) == N_STEPS - 1 == 16
    assert [s.pass_ for s in steps] == [1] * 8 + [2] * 8
    g = MODEL.gradients(0.7, 1.0)
    want = {
        **{f"f{k}": g.dl_df[k] for k in range(4)},
        **{("x" if k == 0 else f"h{k}"): g.dl_dh[k] for k in range(4)},
        **{f"beta{k}": g.dl_dbeta[k] for k in range(4)},
        **{f"omega{k}": g.dl_domega[k] for k in range(4)},
    }
    assert sorted(s.node for s in steps) == sorted(want)
    for s in steps:
        assert s.value == float(want[s.node])
        assert s.local * s.upstream == pytest.approx(s.value, rel=1e-15, abs=1e-300)
    # Each upstream gradient is the value found by an earlier step (or dl/dl = 1 at the start).
    found = {"loss": 1.0}
    for s in steps:
        assert s.upstream == found[s.edge[1]] if s.edge[1] in found else s.upstream == 1.0
        found[s.node] = s.value
    # Pass #1 walks back along the chain, in order.
    assert [s.node for s in steps[:8]] == ["f3", "h3", "f2", "h2", "f1", "h1", "f0", "x"]
    assert [s.local_name for s in steps[:3]] == ["2(f₃ − y)", "ω₃", "(−sin f₂)"]
    np.testing.assert_allclose(steps[2].local, -np.sin(w.trace.f[2]))


def test_traits_move_the_numbers_and_step_is_checked():
    w = graph_explorer(MODEL, 0.7, 1.0, step=3)
    assert w.current == w.steps[2] and w.current.node == "f2"
    w.omega = [1.2, 0.8, 0.0, 1.5]  # a zero slope: nothing gets past h2
    by_node = {s.node: s.value for s in w.steps}
    for node in ("h2", "f1", "h1", "f0", "x", "beta1", "omega1", "beta0", "omega0"):
        assert by_node[node] == 0.0
    assert by_node["omega2"] != 0.0
    w.x, w.y = -0.5, 0.25
    assert w.loss == pytest.approx(bp.ToyModel(w.beta, w.omega).loss(-0.5, 0.25), rel=1e-15)
    assert w.get_state()["step"] == 3
    with pytest.raises(traitlets.TraitError, match="step"):
        w.step = N_STEPS
    with pytest.raises(traitlets.TraitError, match="within"):
        w.beta = [0.0, 0.0, 0.0, 7.0]


def test_repr_and_bad_arguments():
    w = graph_explorer(MODEL, 0.7, 1.0)
    assert repr(w) == "Backward-pass graph explorer: run this cell to move the sliders"
    with pytest.raises(TypeError, match="ToyModel"):
        graph_explorer([0.3, 0.2], 0.7, 1.0)
    with pytest.raises(ValueError, match="range"):
        graph_explorer(MODEL, 5.0, 1.0)
    with pytest.raises(ValueError, match="NaN"):
        graph_explorer(MODEL, float("nan"), 1.0)


def test_network_steps_are_backward_of_chapter_6_network():
    from backprop.widgets.deltas import default_network
    from backprop.widgets.graph import network_graph_explorer

    net = default_network()
    x, t = [1.0, 0.5], [1.0, 0.0]
    w = network_graph_explorer(net, x, t)
    g = net.gradients([x], [t], "half_sse")
    steps = w.steps
    # 2 dL/dy, 2 output deltas, 6 terms into the 3 hidden units, 3 hidden deltas; 17 gradients.
    assert [s.pass_ for s in steps] == [1] * 13 + [2] * 17
    for s in steps:
        if s.term is None:
            assert s.local * s.upstream == pytest.approx(s.value, rel=1e-15, abs=1e-300)
        else:
            assert s.local * s.upstream == s.term
    by = {s.node: s for s in steps}
    for k in range(2):
        assert by[f"a2_{k}"].value == g.da[2][0, k] and by[f"z2_{k}"].value == g.dz[1][0, k]
    for j in range(3):
        assert by[f"z1_{j}"].value == g.dz[0][0, j]
        # The last term of h_j's sum is the library's dL/dh_j; the terms add up to it.
        terms = [s for s in steps if s.node == f"a1_{j}"]
        assert [s.local_name for s in terms] == [
            f"u{j + 1}1".translate(_SUBS),
            f"u{j + 1}2".translate(_SUBS),
        ]
        assert terms[-1].value == g.da[1][0, j]
        assert sum(s.term for s in terms) == pytest.approx(g.da[1][0, j], rel=1e-15)
        for i in range(2):
            assert by[f"W1_{i}_{j}"].value == g.dW[0][i, j]
        assert by[f"b1_{j}"].value == g.db[0][j]
    assert by["W2_2_1"].name == "∂L/∂u₃₂" and by["W2_2_1"].local_name == "h₃"
    assert w.loss == pytest.approx(g.loss)
    assert repr(w) == "Network backward-pass graph explorer: run this cell to move the sliders"
    with pytest.raises(ValueError, match="x needs 2 numbers"):
        network_graph_explorer(net, [1.0], t)
    with pytest.raises(ValueError, match="at most 3 layers"):
        network_graph_explorer(bp.Network.random([2, 8, 2], "sigmoid", seed=0), x, t)
    with pytest.raises(traitlets.TraitError, match="step"):
        w.step = 31


_SUBS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
