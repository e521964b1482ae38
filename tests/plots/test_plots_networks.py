"""Tests of backprop.plots.networks: masked_deltas and relu_network (chapter 4), delta_flow
(chapter 6)."""

from __future__ import annotations

import backprop as bp
import matplotlib
import numpy as np
import pytest
from backprop import plots
from matplotlib.patches import Circle, FancyArrowPatch

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


def test_relu_network_colours_units_and_dots_the_zero_gradients(relu_passes):
    net, trace, grads = relu_passes()
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


def test_relu_network_with_every_unit_off_zeroes_every_weight_gradient(relu_passes):
    # A bias this negative turns every hidden unit off.
    net, trace, grads = relu_passes(bias=(-5.0, -5.0, -5.0))
    assert not (trace.z[0] > 0).any()
    fig = plots.relu_network(net, trace, grads)
    styles = [line.get_linestyle() for line in fig.axes[0].lines]
    assert styles == [":"] * 9


def test_relu_network_rejects_a_sample_outside_the_batch(relu_passes):
    net, trace, grads = relu_passes()
    with pytest.raises(ValueError, match="sample"):
        plots.relu_network(net, trace, grads, sample=1)


# ---- chapter 6: delta_flow ------------------------------------------------------------


def test_one_circle_per_unit_and_one_arrow_per_weight(passes):
    net, trace, grads = passes()
    fig = plots.delta_flow(net, trace, grads)
    (ax,) = fig.axes
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(circles) == 2 + 3 + 2
    assert len(arrows) == 2 * 3 + 3 * 2


def test_units_are_labelled_with_their_deltas(passes):
    net, trace, grads = passes()
    fig = plots.delta_flow(net, trace, grads)
    texts = [t.get_text() for t in fig.axes[0].texts]
    for l in range(net.n_layers):
        for d in grads.dz[l][0]:
            assert f"δ\n{d + 0.0:.2g}" in texts
    assert "x1\n1" in texts and "x2\n0.5" in texts
    assert "$\\delta^{(2)}$" in texts


def test_arrow_colour_and_width_follow_the_term_carried_back(passes):
    net, trace, grads = passes()
    fig = plots.delta_flow(net, trace, grads)
    arrows = [p for p in fig.axes[0].patches if isinstance(p, FancyArrowPatch)]
    terms = np.concatenate([(net.W[l] * grads.dz[l][0]).ravel() for l in range(net.n_layers)])
    widths = np.array([a.get_linewidth() for a in arrows])
    # Drawn in the order of the terms: the widest arrow carries the largest |W_ij delta_j|.
    assert np.argmax(widths) == np.argmax(np.abs(terms))
    reds = np.array([matplotlib.colors.to_hex(a.get_edgecolor()) == "#c0392b" for a in arrows])
    np.testing.assert_array_equal(reds, terms > 0)
    # Each arrow points back: it starts to the right of where it ends.
    for a in arrows:
        (x_start, _), (x_end, _) = a._posA_posB
        assert x_start > x_end


def test_the_terms_sum_to_the_upstream_gradient(passes):
    # What the arrows show adds up, per unit, to the library's dL/da of the layer below.
    net, trace, grads = passes(sizes=(3, 4, 4, 2), seed=1, X=((1.0, 0.5, -1.0),))
    for l in range(1, net.n_layers):
        terms = net.W[l] * grads.dz[l][0]
        np.testing.assert_allclose(terms.sum(axis=1), grads.da[l][0], rtol=1e-12)
    fig = plots.delta_flow(net, trace, grads)
    assert len([p for p in fig.axes[0].patches if isinstance(p, Circle)]) == 3 + 4 + 4 + 2


def test_a_later_sample_of_a_batch_can_be_drawn(passes):
    net, trace, grads = passes(X=((1.0, 0.5), (-1.0, 2.0)), T=((1.0, 0.0), (0.0, 1.0)))
    fig = plots.delta_flow(net, trace, grads, sample=1)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "x1\n-1" in texts
    with pytest.raises(ValueError, match="sample"):
        plots.delta_flow(net, trace, grads, sample=2)


def test_passes_of_another_network_are_rejected(passes):
    net, trace, grads = passes()
    other = bp.Network.random([2, 2], "sigmoid", seed=0)
    with pytest.raises(ValueError, match="layers"):
        plots.delta_flow(other, trace, grads)


# ---- the layout both network figures share ---------------------------------------------


def test_relu_network_and_delta_flow_place_the_units_alike(relu_passes):
    net, trace, grads = relu_passes()

    def centres(fig):
        return [c.center for c in fig.axes[0].patches if isinstance(c, Circle)]

    relu = centres(plots.relu_network(net, trace, grads))
    deltas = centres(plots.delta_flow(net, trace, grads))
    # Layer l in column 2l, its units one apart, centred on 0, top down.
    assert relu == deltas == [(0, 0.5), (0, -0.5), (2, 1), (2, 0), (2, -1), (4, 0)]


def test_relu_network_rejects_passes_of_another_network(relu_passes, passes):
    net, trace, grads = relu_passes()
    other, _, _ = passes(sizes=(2, 2))  # one layer, but the passes went through two
    with pytest.raises(ValueError, match="layers"):
        plots.relu_network(other, trace, grads)
