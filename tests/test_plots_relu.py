"""Tests of the ReLU figures in backprop.plots: masked_deltas and relu_network."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import backprop as bp  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from backprop import plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    plt.close("all")
    yield
    plt.close("all")


Z = np.array([[0.5, -1.0, 0.0], [2.0, 0.3, -0.2]])
G = np.array([[0.1, 0.2, -0.3], [1.0, -1.0, 0.5]])


def test_masked_deltas_shows_z_mask_upstream_and_delta():
    fig = plots.masked_deltas(Z, G)
    axes = fig.axes
    assert len(axes) == 4
    shown = [ax.images[0].get_array() for ax in axes]
    np.testing.assert_array_equal(shown[0], Z)
    # The mask written out by hand: 1 where z > 0, and 0 at z = 0 (the library's choice).
    mask = np.array([[1.0, 0.0, 0.0], [1.0, 1.0, 0.0]])
    np.testing.assert_array_equal(shown[1], mask)
    np.testing.assert_array_equal(shown[2], G)
    np.testing.assert_array_equal(shown[3], G * mask)
    # Each cell is labelled, and no label reads "-0".
    texts = [t.get_text() for t in axes[3].texts]
    assert len(texts) == Z.size
    assert "-0" not in texts
    assert "1[z > 0]" in axes[1].get_title()


def test_masked_deltas_rejects_shapes_that_differ():
    with pytest.raises(ValueError, match="shape"):
        plots.masked_deltas(Z, G[:, :2])


def network_and_passes(x):
    net = bp.Network(
        [[[1.0, -1.0, 0.5], [0.5, 1.0, -1.0]], [[1.0], [-0.8], [1.2]]],
        [[0.0, -0.2, 0.1], [0.0]],
        ["relu", "identity"],
    )
    trace = net.forward([x])
    return net, trace, net.backward(trace, [[0.5]], "half_sse")


def test_relu_network_colours_units_and_dots_the_zero_gradients():
    net, trace, grads = network_and_passes([1.0, 0.5])
    # z = (1.25, -0.7, 0.1): units 1 and 3 on, unit 2 off.
    np.testing.assert_allclose(trace.z[0][0], [1.25, -0.7, 0.1])
    fig = plots.relu_network(net, trace, grads)
    (ax,) = fig.axes
    circles = ax.patches
    assert len(circles) == 2 + 3 + 1
    faces = [matplotlib.colors.to_hex(c.get_facecolor()) for c in circles[2:5]]
    assert faces[0] == faces[2] != faces[1]
    # 9 weights, one line each: the 2 into unit 2 and the 1 out of it are dotted.
    styles = [line.get_linestyle() for line in ax.lines]
    assert len(styles) == 9
    assert styles.count(":") == 3
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "ReLU off: z ≤ 0" in legend


def test_relu_network_with_every_unit_off_zeroes_every_weight_gradient():
    net, _, _ = network_and_passes([1.0, 0.5])
    net.b[0][:] = -5.0  # a bias this negative turns every hidden unit off
    trace = net.forward([[1.0, 0.5]])
    grads = net.backward(trace, [[0.5]], "half_sse")
    assert not (trace.z[0] > 0).any()
    fig = plots.relu_network(net, trace, grads)
    styles = [line.get_linestyle() for line in fig.axes[0].lines]
    assert styles == [":"] * 9


def test_relu_network_rejects_a_sample_outside_the_batch():
    net, trace, grads = network_and_passes([1.0, 0.5])
    with pytest.raises(ValueError, match="sample"):
        plots.relu_network(net, trace, grads, sample=1)
