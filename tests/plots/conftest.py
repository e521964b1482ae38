"""Set-up shared by the figure tests: the Agg backend, figures closed after each test, and
the models and passes the figures draw."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import backprop as bp  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    plt.close("all")
    yield
    plt.close("all")


@pytest.fixture
def toy_model() -> bp.ToyModel:
    """The toy model of chapter 3."""
    return bp.ToyModel(beta=[0.3, -0.2, 0.1, 0.4], omega=[1.2, 0.8, -0.5, 1.5])


@pytest.fixture
def passes():
    """A factory: a random network, its forward pass on X and its backward pass to T."""

    def make(sizes=(2, 3, 2), seed=0, X=((1.0, 0.5),), T=((1.0, 0.0),), activation="sigmoid"):
        net = bp.Network.random(sizes, activation, seed=seed)
        trace = net.forward(X)
        return net, trace, net.backward(trace, T, "half_sse")

    return make


@pytest.fixture
def relu_passes():
    """A factory: chapter 4's 2-3-1 ReLU network, its passes for one input x (target 0.5)."""

    def make(x=(1.0, 0.5), bias=(0.0, -0.2, 0.1)):
        net = bp.Network(
            [[[1.0, -1.0, 0.5], [0.5, 1.0, -1.0]], [[1.0], [-0.8], [1.2]]],
            [list(bias), [0.0]],
            ["relu", "identity"],
        )
        trace = net.forward([list(x)])
        return net, trace, net.backward(trace, [[0.5]], "half_sse")

    return make
