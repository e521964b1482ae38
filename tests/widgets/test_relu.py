"""backprop.widgets.relu: set the traits as the sliders do, read what the explorer shows."""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
import traitlets
from backprop.widgets._base import bundle
from backprop.widgets.relu import ReluExplorer, default_network, relu_explorer


def test_starts_with_units_one_and_three_on():
    w = relu_explorer()
    # x = (1, 0.5): z = (1 + 0.25, -1 + 0.5 - 0.2, 0.5 - 0.5 + 0.1) = (1.25, -0.7, 0.1).
    np.testing.assert_allclose(w.trace.z[0][0], [1.25, -0.7, 0.1])
    np.testing.assert_array_equal(w.on[0], [True, False, True])
    np.testing.assert_array_equal(w.indicator[0], [1.0, 0.0, 1.0])
    # Unit 2 is off: its 2 incoming weights and its 1 outgoing weight get no gradient.
    assert w.zeroed == 3
    # y = 1.25 * 1 + 0.1 * 1.2 = 1.37; L = (1.37 - 0.5)^2 / 2.
    assert w.output[0] == pytest.approx(1.37)
    assert w.loss == pytest.approx(0.5 * 0.87**2)


def test_the_state_the_page_saves_holds_the_whole_network():
    w = relu_explorer()
    state = w.get_state()
    assert state["weights"] == [[[1.0, -1.0, 0.5], [0.5, 1.0, -1.0]], [[1.0], [-0.8], [1.2]]]
    assert state["biases"] == [[0.0, -0.2, 0.1], [0.0]]
    assert state["activations"] == ["relu", "identity"]
    assert (state["x"], state["t"], state["loss_name"]) == ([1.0, 0.5], [0.5], "half_sse")
    assert state["initial"]["x"] == [1.0, 0.5]
    # The front end travels in the state too: the page needs nothing else to run it.
    assert state["_esm"] == bundle("relu").read_text(encoding="utf-8")


def test_the_delta_is_the_upstream_gradient_times_the_indicator():
    w = relu_explorer()
    da = w.grads.da[1][0]
    np.testing.assert_array_equal(w.delta[0], da * (w.trace.z[0][0] > 0))
    assert w.delta[0][1] == 0.0 and da[1] != 0.0
    # The same numbers as a fresh forward and backward pass of the library.
    g = default_network().gradients([[1.0, 0.5]], [[0.5]], "half_sse")
    np.testing.assert_array_equal(w.grads.dz[0], g.dz[0])


def test_moving_an_input_switches_units():
    w = relu_explorer()
    w.x = [-1.0, 0.5]
    # z = (-1 + 0.25, 1 + 0.5 - 0.2, -0.5 - 0.5 + 0.1) = (-0.75, 1.3, -0.9).
    np.testing.assert_allclose(w.trace.z[0][0], [-0.75, 1.3, -0.9])
    np.testing.assert_array_equal(w.on[0], [False, True, False])
    assert w.zeroed == 6


def test_moving_a_weight_changes_the_network_and_the_mask():
    w = relu_explorer()
    w.parameter = "W1[2,3]"
    assert w.value == pytest.approx(-1.0)  # the slider shows the chosen weight
    w.value = -1.5
    assert w.net.W[0][1, 2] == -1.5 and w.weights[0][1][2] == -1.5
    # Unit 3: z = 0.5 * 1 + (-1.5) * 0.5 + 0.1 = -0.15, now off.
    assert w.trace.z[0][0, 2] == pytest.approx(-0.15)
    np.testing.assert_array_equal(w.on[0], [True, False, False])
    assert w.delta[0][2] == 0.0
    # Choosing another parameter moves the slider but not the network.
    w.parameter = "b1[1]"
    assert w.value == 0.0
    assert w.net.W[0][1, 2] == -1.5


def test_a_bias_can_kill_a_unit_and_its_gradients():
    w = relu_explorer()
    w.parameter = "b1[1]"
    w.value = -2.0
    assert w.biases[0][0] == -2.0
    assert not w.on[0][0]
    np.testing.assert_array_equal(w.grads.dW[0][:, 0], [0.0, 0.0])
    assert w.grads.db[0][0] == 0.0


def test_reset_restores_the_start():
    w = relu_explorer()
    w.x = [0.3, -0.2]
    w.parameter = "W2[1,1]"
    w.value = 0.0
    w.reset()
    assert w.x == [1.0, 0.5] and w.weights[1][0][0] == 1.0
    assert w.zeroed == 3


def test_the_widget_does_not_change_the_network_it_was_given():
    net = default_network()
    w = relu_explorer(net)
    w.parameter = "W1[1,1]"
    w.value = 0.25
    assert net.W[0][0, 0] == 1.0
    w.net.W[0][0, 0] = 7.0  # net is a fresh copy: changing it changes nothing
    assert w.value == 0.25


def test_every_parameter_is_in_the_picker_and_the_repr_is_plain():
    w = relu_explorer()
    assert len(w.options) == default_network().n_params
    assert w.options[0] == ["W1[1,1]", "W1[1,1] (x1 → unit 1)"]
    assert w.options[-1] == ["b2[1]", "b2[1] (bias of layer 2, unit 1)"]
    assert repr(w) == "ReLU network explorer: run this cell to move the sliders"


def test_another_network():
    net = bp.Network.random([3, 4, 2, 1], ["relu", "relu", "identity"], seed=1)
    w = relu_explorer(net, x=[0.5, -1.0, 2.0], t=[0.2], loss="sse")
    assert w.relu_layers == [0, 1]
    g = net.gradients([[0.5, -1.0, 2.0]], [[0.2]], "sse")
    for mine, theirs in zip(w.delta, g.dz[:2], strict=True):
        np.testing.assert_array_equal(mine, theirs[0] + 0.0)


def test_bad_input_gives_a_clear_error():
    with pytest.raises(ValueError, match="no ReLU"):
        ReluExplorer(bp.Network.random([2, 1], "identity"))
    with pytest.raises(ValueError, match="inputs"):
        relu_explorer(x=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="outputs"):
        relu_explorer(t=[1.0, 2.0])
    with pytest.raises(ValueError, match="unknown loss"):
        relu_explorer(loss="hinge")
    w = relu_explorer()
    with pytest.raises(traitlets.TraitError, match="2 inputs"):
        w.x = [1.0]
    with pytest.raises(traitlets.TraitError, match="not a parameter"):
        w.parameter = "W3[1,1]"
    with pytest.raises(ValueError, match="NaN"):
        w.value = float("nan")
