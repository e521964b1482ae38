"""backprop.widgets.digits: load, draw and clear as a reader would, read the prediction."""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
import traitlets
from backprop.widgets.digits import digit_explorer


@pytest.fixture
def setup():
    # A hand-made 4-input, 3-class "network": class = the largest of the first three inputs.
    W = np.vstack([np.eye(3) * 5.0, np.zeros((1, 3))])
    net = bp.Network([W], [np.zeros(3)], "identity")
    X = np.array(
        [
            [1.0, 0.0, 0.0, 0.0],  # class 0, right
            [0.0, 1.0, 0.0, 0.0],  # predicted 1, labelled 2: a mistake
            [0.0, 0.0, 1.0, 0.0],  # class 2, right
            [1.0, 0.2, 0.0, 0.0],  # predicted 0, labelled 1: a mistake
        ]
    )
    labels = np.array([0, 2, 2, 1])
    return net, X, labels


def explorer(setup, **kw):
    net, X, labels = setup
    return digit_explorer(net, X, labels, shape=(2, 2), levels=5, **kw)


def test_starts_at_the_given_image_with_its_prediction(setup):
    net, X, labels = setup
    w = explorer(setup, index=0)
    assert w.index == 0 and w.predicted == 0 and w.label == 0 and w.correct and not w.drawn
    assert w.pixels == X[0].tolist()
    np.testing.assert_allclose(w.probabilities, bp.losses.softmax(net.predict(X[:1]))[0])
    np.testing.assert_array_equal(w.mistakes, [1, 3])
    assert repr(w) == "Digit explorer: run this cell to draw a digit and see the network read it"


def test_the_state_carries_the_network_and_the_test_images(setup):
    net, X, labels = setup
    state = explorer(setup).get_state()
    assert state["weights"] == [net.W[0].tolist()] and state["activations"] == ["identity"]
    # One character per pixel, its level in base 36: 0.2 is level 1 of 5.
    assert state["images"] == ["5000", "0500", "0050", "5100"]
    assert state["labels"] == [0, 2, 2, 1] and state["levels"] == 5 and state["shape"] == [2, 2]


def test_loading_another_image(setup):
    w = explorer(setup)
    w.load(1)
    assert (w.index, w.predicted, w.label, w.correct) == (1, 1, 2, False)
    with pytest.raises(ValueError, match="not one of the 4 images"):
        w.load(4)


def test_next_mistake_jumps_and_wraps_around(setup):
    w = explorer(setup)
    w.next_mistake()
    assert w.index == 1
    w.next_mistake()
    assert w.index == 3 and not w.correct
    w.next_mistake()  # no later mistake: back to the first
    assert w.index == 1


def test_no_mistakes_no_next_mistake(setup):
    net, X, labels = setup
    w = digit_explorer(net, X, net.predict(X).argmax(axis=1), shape=(2, 2), levels=5)
    assert w.mistakes.size == 0
    with pytest.raises(ValueError, match="no mistake"):
        w.next_mistake()


def test_drawing_changes_the_prediction(setup):
    net, X, labels = setup
    w = explorer(setup)
    w.clear()
    assert w.pixels == [0.0] * 4 and w.drawn
    np.testing.assert_allclose(w.probabilities, [1 / 3] * 3)
    w.brush = 3
    w.paint(0, 1)  # pixel 1 (row 0, column 1) at level 3: 0.6
    w.paint(1, 0, level=2)  # pixel 2 at 0.4
    assert w.pixels == [0.0, 0.6, 0.4, 0.0]
    assert w.predicted == 1 == int(np.argmax(net.predict([w.pixels])[0]))
    np.testing.assert_allclose(w.probabilities, bp.losses.softmax(net.predict([w.pixels]))[0])
    with pytest.raises(ValueError, match="outside the 2x2 grid"):
        w.paint(2, 0)
    with pytest.raises(ValueError, match="level must be 0..5"):
        w.paint(0, 0, level=6)
    with pytest.raises(traitlets.TraitError, match="brush"):
        w.brush = 9
    with pytest.raises(traitlets.TraitError, match="the grid has 4"):
        w.pixels = [0.0] * 3


def test_the_chapters_data_round_trips_exactly():
    # Chapter 7 divides the 0..16 intensities by 16: every pixel is a level of 16.
    from sklearn.datasets import load_digits

    X = load_digits().data[:50] / 16
    net = bp.Network.random([64, 10], "identity", seed=0)
    w = digit_explorer(net, X, np.zeros(50, dtype=int), index=7)
    np.testing.assert_array_equal(w.image, X[7])
    for k in (0, 49):
        np.testing.assert_array_equal(w.test_image(k), X[k])
    assert max(len(s) for s in w.images) == 64


def test_errors(setup):
    net, X, labels = setup
    with pytest.raises(ValueError, match="not one of the 4 images"):
        digit_explorer(net, X, labels, index=4, shape=(2, 2), levels=5)
    with pytest.raises(ValueError, match="4 images but labels"):
        digit_explorer(net, X, labels[:3], shape=(2, 2), levels=5)
    with pytest.raises(ValueError, match="not the shape"):
        digit_explorer(net, X, labels, levels=5)
    with pytest.raises(ValueError, match="one of the levels"):
        digit_explorer(net, X, labels, shape=(2, 2), levels=4)  # 0.2 is no level of 4
    with pytest.raises(ValueError, match="3 inputs"):
        digit_explorer(bp.Network.random([3, 2], "identity"), X, labels, shape=(2, 2), levels=5)
