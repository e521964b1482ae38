"""Tests of chapter 6's figure in backprop.plots: delta_flow."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import backprop as bp  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from backprop import plots  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    plt.close("all")
    yield
    plt.close("all")


def passes(sizes=(2, 3, 2), seed=0, X=((1.0, 0.5),), T=((1.0, 0.0),)):
    net = bp.Network.random(sizes, "sigmoid", seed=seed)
    trace = net.forward(X)
    return net, trace, net.backward(trace, T, "half_sse")


def test_one_circle_per_unit_and_one_arrow_per_weight():
    net, trace, grads = passes()
    fig = plots.delta_flow(net, trace, grads)
    (ax,) = fig.axes
    circles = [p for p in ax.patches if isinstance(p, Circle)]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    assert len(circles) == 2 + 3 + 2
    assert len(arrows) == 2 * 3 + 3 * 2


def test_units_are_labelled_with_their_deltas():
    net, trace, grads = passes()
    fig = plots.delta_flow(net, trace, grads)
    texts = [t.get_text() for t in fig.axes[0].texts]
    for l in range(net.n_layers):
        for d in grads.dz[l][0]:
            assert f"δ\n{d + 0.0:.2g}" in texts
    assert "x1\n1" in texts and "x2\n0.5" in texts
    assert "$\\delta^{(2)}$" in texts


def test_arrow_colour_and_width_follow_the_term_carried_back():
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


def test_the_terms_sum_to_the_upstream_gradient():
    # What the arrows show adds up, per unit, to the library's dL/da of the layer below.
    net, trace, grads = passes(sizes=(3, 4, 4, 2), seed=1, X=((1.0, 0.5, -1.0),))
    for l in range(1, net.n_layers):
        terms = net.W[l] * grads.dz[l][0]
        np.testing.assert_allclose(terms.sum(axis=1), grads.da[l][0], rtol=1e-12)
    fig = plots.delta_flow(net, trace, grads)
    assert len([p for p in fig.axes[0].patches if isinstance(p, Circle)]) == 3 + 4 + 4 + 2


def test_a_later_sample_of_a_batch_can_be_drawn():
    net, trace, grads = passes(X=((1.0, 0.5), (-1.0, 2.0)), T=((1.0, 0.0), (0.0, 1.0)))
    fig = plots.delta_flow(net, trace, grads, sample=1)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "x1\n-1" in texts
    with pytest.raises(ValueError, match="sample"):
        plots.delta_flow(net, trace, grads, sample=2)


def test_passes_of_another_network_are_rejected():
    net, trace, grads = passes()
    other = bp.Network.random([2, 2], "sigmoid", seed=0)
    with pytest.raises(ValueError, match="layers"):
        plots.delta_flow(other, trace, grads)
