"""backprop.widgets.deltas: set the traits as the sliders do, read what the explorer shows."""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
import traitlets
from backprop.widgets.deltas import DEFAULT_T, DEFAULT_X, default_network, delta_explorer


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def by_hand(W1, b1, W2, b2, x, t):
    """Chapter 6's formulas written out with loops: output deltas, hidden deltas, dL/dw."""
    h = [sigmoid(sum(x[i] * W1[i][j] for i in range(2)) + b1[j]) for j in range(3)]
    y = [sigmoid(sum(h[j] * W2[j][k] for j in range(3)) + b2[k]) for k in range(2)]
    d2 = [(y[k] - t[k]) * y[k] * (1 - y[k]) for k in range(2)]
    d1 = [sum(d2[k] * W2[j][k] for k in range(2)) * h[j] * (1 - h[j]) for j in range(3)]
    dw = [[x[i] * d1[j] for j in range(3)] for i in range(2)]
    return np.array(d2), np.array(d1), np.array(dw)


def test_starts_with_the_chapters_network_and_its_deltas():
    w = delta_explorer()
    net = default_network()
    d2, d1, dw = by_hand(net.W[0], net.b[0], net.W[1], net.b[1], DEFAULT_X, DEFAULT_T)
    np.testing.assert_allclose(w.delta[1], d2, rtol=1e-12)
    np.testing.assert_allclose(w.delta[0], d1, rtol=1e-12)
    np.testing.assert_allclose(w.dW[0], dw, rtol=1e-12)
    np.testing.assert_array_equal(w.db[1], w.delta[1])  # dL/db = delta for one sample
    assert w.loss == pytest.approx(0.5 * np.sum((w.output - DEFAULT_T) ** 2))
    assert w.target_range == (0.0, 1.0)
    # Every parameter is in the picker, weights first.
    assert [k for k, _ in w.options][:2] == ["W1[1,1]", "W1[1,2]"]
    assert len(w.options) == net.n_params
    assert w.get_state()["t"] == [1.0, 0.0]


def test_moving_a_target_changes_every_delta():
    w = delta_explorer()
    before = [d.copy() for d in w.delta]
    w.t = [1.0, 1.0]
    net = default_network()
    d2, d1, dw = by_hand(net.W[0], net.b[0], net.W[1], net.b[1], DEFAULT_X, (1.0, 1.0))
    np.testing.assert_allclose(w.delta[1], d2, rtol=1e-12)
    np.testing.assert_allclose(w.delta[0], d1, rtol=1e-12)
    np.testing.assert_allclose(w.dW[0], dw, rtol=1e-12)
    # The second output's delta changes sign (y2 is now below its target) ...
    assert before[1][1] > 0 > w.delta[1][1]
    # ... and the first output's delta does not move: it depends on t1 only.
    assert w.delta[1][0] == before[1][0]
    # Every hidden delta moves: each hidden unit feeds both outputs.
    assert np.all(w.delta[0] != before[0])


def test_an_output_on_its_target_has_a_zero_delta_but_still_passes_the_other():
    net = default_network()
    y = net.predict([DEFAULT_X])[0]
    w = delta_explorer(net, t=(float(y[0]), 0.0))  # t1 is exactly the output y1
    assert w.delta[1][0] == 0.0
    np.testing.assert_array_equal(w.dW[1][:, 0], 0.0)
    # The hidden deltas now come from output 2 alone: delta_j = W2[j,2] delta_2 h_j (1 - h_j).
    h = w.trace.a[1][0]
    np.testing.assert_allclose(w.delta[0], w.net.W[1][:, 1] * w.delta[1][1] * h * (1 - h))


def test_an_output_bias_moves_its_own_output_only():
    # The fact chapter 6's prose states: pushing b2[1] moves y1 and its delta, the other
    # output and its delta do not move, and the hidden deltas change but do not vanish.
    w = delta_explorer()
    y0, d0 = w.output.copy(), [d.copy() for d in w.delta]
    w.parameter = "b2[1]"
    for b in (w.limit, -w.limit):
        w.value = b
        assert w.output[1] == y0[1] and w.delta[1][1] == d0[1][1]
        assert w.output[0] != y0[0] and w.delta[1][0] != d0[1][0]
        assert np.all(w.delta[0] != d0[0]) and np.all(w.delta[0] != 0.0)
        g = w.net.gradients([DEFAULT_X], [DEFAULT_T], "half_sse")
        np.testing.assert_array_equal(w.delta[0], g.dz[0][0] + 0.0)


def test_moving_a_weight_changes_the_network_and_the_gradients():
    w = delta_explorer()
    w.parameter = "W2[3,1]"
    assert w.value == pytest.approx(0.4)  # the slider shows the chosen weight
    w.value = -1.0
    assert w.net.W[1][2, 0] == -1.0
    g = w.net.gradients([DEFAULT_X], [DEFAULT_T], "half_sse")
    for mine, theirs in zip(w.dW, g.dW, strict=True):
        np.testing.assert_array_equal(mine, theirs)
    # Hidden delta 3 is sum_k W2[3,k] delta_k times h3 (1 - h3): check it by hand.
    h3 = w.trace.a[1][0, 2]
    expected = (w.net.W[1][2] @ w.delta[1]) * h3 * (1 - h3)
    assert w.delta[0][2] == pytest.approx(expected, rel=1e-12)
    # Choosing another parameter moves the slider but not the network.
    w.parameter = "b1[1]"
    assert w.value == pytest.approx(0.1)
    assert w.net.W[1][2, 0] == -1.0


def test_the_widget_agrees_with_finite_differences():
    w = delta_explorer()
    w.parameter = "W1[1,2]"
    w.value = 1.5
    net = w.net

    def loss(W1):
        net.W[0][...] = W1
        return net.loss([DEFAULT_X], [DEFAULT_T], "half_sse")

    numeric = bp.numerical_gradient(loss, w.net.W[0].copy())
    np.testing.assert_allclose(w.dW[0], numeric, rtol=1e-6, atol=1e-10)


def test_the_widget_does_not_change_the_network_it_was_given():
    net = default_network()
    w = delta_explorer(net)
    w.parameter = "W1[1,1]"
    w.value = -2.0
    assert net.W[0][0, 0] == 0.5
    w.reset()
    assert w.value == 0.5


def test_other_networks_and_losses_work():
    net = bp.Network.random([3, 4, 2, 1], ["tanh", "sigmoid", "identity"], seed=2)
    w = delta_explorer(net, x=(0.5, -1.0, 2.0), t=(0.3,), loss="sse")
    assert [d.shape for d in w.delta] == [(4,), (2,), (1,)]
    g = net.gradients([[0.5, -1.0, 2.0]], [[0.3]], "sse")
    np.testing.assert_allclose(w.delta[0], g.dz[0][0], rtol=1e-12)
    assert len(w.t) == 1
    assert len(w.options) == 12 + 8 + 2 + 4 + 2 + 1
    assert delta_explorer(t=(1.5, -0.5)).target_range == (-0.5, 1.5)


def test_bad_input_is_rejected_clearly():
    with pytest.raises(ValueError, match="inputs"):
        delta_explorer(x=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="outputs"):
        delta_explorer(t=(1.0,))
    with pytest.raises(traitlets.TraitError, match="2 outputs"):
        delta_explorer().t = [0.5]


def test_repr_has_no_memory_address():
    assert repr(delta_explorer()) == "Delta explorer: run this cell to move the sliders"
