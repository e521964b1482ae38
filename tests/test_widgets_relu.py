"""Tests of backprop.widgets.relu: move the sliders as a student would, read the state."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import backprop as bp  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from backprop.widgets.relu import ReluExplorer, default_network, relu_explorer  # noqa: E402


def option_for(widget, text):
    """The dropdown value whose label starts with ``text``."""
    return next(value for label, value in widget.parameter.options if label.startswith(text))


def test_starts_with_units_one_and_three_on():
    w = relu_explorer()
    # x = (1, 0.5): z = (1 + 0.25, -1 + 0.5 - 0.2, 0.5 - 0.5 + 0.1) = (1.25, -0.7, 0.1).
    np.testing.assert_allclose(w.trace.z[0][0], [1.25, -0.7, 0.1])
    np.testing.assert_array_equal(w.on[0], [True, False, True])
    assert "units on 1, 3; units off 2" in w.summary.value
    # Unit 2 is off: its 2 incoming weights and its 1 outgoing weight get no gradient.
    assert w.zeroed == 3
    assert bytes(w.image.value).startswith(b"\x89PNG")
    assert w.table.value.count("<tr>") == 1 + 3


def test_the_delta_is_the_upstream_gradient_times_the_indicator():
    w = relu_explorer()
    da = w.grads.da[1][0]
    np.testing.assert_array_equal(w.delta[0], da * (w.trace.z[0][0] > 0))
    assert w.delta[0][1] == 0.0 and da[1] != 0.0
    # The same numbers as a fresh forward and backward pass of the library.
    net = default_network()
    g = net.gradients([[1.0, 0.5]], [[0.5]], "half_sse")
    np.testing.assert_array_equal(w.grads.dz[0], g.dz[0])


def test_moving_an_input_switches_units():
    w = relu_explorer()
    w.inputs[0].value = -1.0
    # z = (-1 + 0.25, 1 + 0.5 - 0.2, -0.5 - 0.5 + 0.1) = (-0.75, 1.3, -0.9).
    np.testing.assert_allclose(w.trace.z[0][0], [-0.75, 1.3, -0.9])
    np.testing.assert_array_equal(w.on[0], [False, True, False])
    assert w.zeroed == 6
    assert "units on 2; units off 1, 3" in w.summary.value


def test_moving_a_weight_changes_the_network_and_the_mask():
    w = relu_explorer()
    w.parameter.value = option_for(w, "W1[2,3]")
    assert w.value.value == pytest.approx(-1.0)  # the slider shows the chosen weight
    w.value.value = -1.5
    assert w.net.W[0][1, 2] == -1.5
    # Unit 3: z = 0.5 * 1 + (-1.5) * 0.5 + 0.1 = -0.15, now off.
    assert w.trace.z[0][0, 2] == pytest.approx(-0.15)
    np.testing.assert_array_equal(w.on[0], [True, False, False])
    assert w.delta[0][2] == 0.0
    # Choosing another parameter moves the slider but not the network.
    w.parameter.value = option_for(w, "b1[1]")
    assert w.value.value == 0.0
    assert w.net.W[0][1, 2] == -1.5


def test_a_bias_can_kill_a_unit_and_its_gradients():
    w = relu_explorer()
    w.parameter.value = option_for(w, "b1[1]")
    w.value.value = -2.0
    assert not w.on[0][0]
    np.testing.assert_array_equal(w.grads.dW[0][:, 0], [0.0, 0.0])
    assert w.grads.db[0][0] == 0.0


def test_the_widget_does_not_change_the_network_it_was_given():
    net = default_network()
    w = relu_explorer(net)
    w.parameter.value = option_for(w, "W1[1,1]")
    w.value.value = 0.25
    assert net.W[0][0, 0] == 1.0


def test_every_parameter_is_in_the_dropdown_and_the_repr_is_plain():
    w = relu_explorer()
    assert len(w.parameter.options) == default_network().n_params
    assert repr(w).startswith("ReLU explorer")
    assert "0x" not in repr(w)


def test_bad_input_gives_a_clear_error():
    with pytest.raises(ValueError, match="no ReLU"):
        ReluExplorer(bp.Network.random([2, 1], "identity"))
    with pytest.raises(ValueError, match="inputs"):
        relu_explorer(x=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="outputs"):
        relu_explorer(t=[1.0, 2.0])
