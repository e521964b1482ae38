"""Tests of backprop.widgets.digits: move the slider and press the button as a student
would, then read the state."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import backprop as bp  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from backprop.widgets.digits import digit_explorer  # noqa: E402


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


def test_starts_at_the_given_image_with_its_prediction(setup):
    net, X, labels = setup
    w = digit_explorer(net, X, labels, index=0, shape=(2, 2))
    assert w.index == 0 and w.predicted == 0 and w.label == 0 and w.correct
    np.testing.assert_allclose(w.probabilities, bp.losses.softmax(net.predict(X[:1]))[0])
    np.testing.assert_array_equal(w.mistakes, [1, 3])
    assert "true label 0, predicted 0" in w.status.value
    assert "2 of 4 test images are misclassified" in w.status.value
    assert bytes(w.image.value).startswith(b"\x89PNG")
    assert "Binder" in repr(w)


def test_the_slider_picks_another_image(setup):
    net, X, labels = setup
    w = digit_explorer(net, X, labels, shape=(2, 2))
    before = bytes(w.image.value)
    w.slider.value = 1
    assert (w.index, w.predicted, w.label, w.correct) == (1, 1, 2, False)
    assert "<b>wrong</b>" in w.status.value
    assert bytes(w.image.value) != before


def test_next_mistake_jumps_and_wraps_around(setup):
    net, X, labels = setup
    w = digit_explorer(net, X, labels, shape=(2, 2))
    w.next_mistake.click()
    assert w.index == 1
    w.next_mistake.click()
    assert w.index == 3 and not w.correct
    w.next_mistake.click()  # no later mistake: back to the first
    assert w.index == 1


def test_no_mistakes_disables_the_button(setup):
    net, X, labels = setup
    w = digit_explorer(net, X, net.predict(X).argmax(axis=1), shape=(2, 2))
    assert w.mistakes.size == 0 and w.next_mistake.disabled


def test_errors(setup):
    net, X, labels = setup
    with pytest.raises(ValueError, match="not one of the 4 images"):
        digit_explorer(net, X, labels, index=4, shape=(2, 2))
    with pytest.raises(ValueError, match="4 images but labels"):
        digit_explorer(net, X, labels[:3], shape=(2, 2))
    with pytest.raises(ValueError, match="not the shape"):
        digit_explorer(net, X, labels)
