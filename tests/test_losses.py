"""Tests of backprop.losses: values against the book's formulas, gradients against
finite differences and autograd."""

from __future__ import annotations

import dataclasses

import autograd.numpy as anp
import backprop as bp
import numpy as np
import pytest
from autograd import grad
from backprop import losses as Ls
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

NAMES = ["sse", "half_sse", "mse"]
SETTINGS = settings(max_examples=40, deadline=None)


def loop_loss(name: str, Y: np.ndarray, T: np.ndarray) -> float:
    """The formulas written out with explicit loops over samples i and outputs j."""
    n, m = Y.shape
    total = 0.0
    for i in range(n):
        sq_norm = 0.0  # ||y_i - t_i||^2
        for j in range(m):
            sq_norm += (Y[i, j] - T[i, j]) ** 2
        total += sq_norm
    return {"sse": total, "half_sse": 0.5 * total, "mse": total / n}[name]


def autograd_loss(name: str):
    def f(Y, T):
        s = anp.sum((Y - T) ** 2)
        return {"sse": s, "half_sse": 0.5 * s, "mse": s / Y.shape[0]}[name]

    return f


@st.composite
def pairs(draw):
    n = draw(st.integers(1, 5))
    m = draw(st.integers(1, 4))
    elems = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)
    Y = draw(hnp.arrays(np.float64, (n, m), elements=elems))
    T = draw(hnp.arrays(np.float64, (n, m), elements=elems))
    return Y, T


def test_registry_holds_the_squared_errors_and_the_classification_loss():
    # The three squared-error losses of chapters 2-6 and chapter 7's softmax cross-entropy.
    assert sorted(bp.LOSSES) == sorted([*NAMES, "softmax_cross_entropy"])
    rng = np.random.default_rng(0)
    Y = rng.normal(size=(3, 4))
    T = np.eye(4)[[0, 2, 3]]  # one-hot rows suit every loss here
    for name, loss in bp.LOSSES.items():
        assert isinstance(loss, bp.Loss) and loss.name == name
        assert bp.get_loss(name) is loss
        assert loss.formula  # a LaTeX formula for the book
        # Every registered gradient is the derivative of its value.
        numeric = bp.numerical_gradient(lambda y, loss=loss: loss.value(y, T), Y)
        np.testing.assert_allclose(loss.grad(Y, T), numeric, rtol=1e-6, atol=1e-8)


def test_hand_computed_values():
    # Errors 1, 2, 3, 4: squares sum to 1 + 4 + 9 + 16 = 30, over n = 2 samples.
    Y = np.array([[1.0, 2.0], [3.0, 4.0]])
    T = np.zeros((2, 2))
    assert bp.get_loss("sse")(Y, T) == 30.0
    assert bp.get_loss("half_sse")(Y, T) == 15.0
    assert bp.get_loss("mse")(Y, T) == 15.0


@pytest.mark.parametrize(
    ("name", "value", "gradient"),
    [
        ("sse", Ls.sse, Ls.sse_grad),
        ("half_sse", Ls.half_sse, Ls.half_sse_grad),
        ("mse", Ls.mse, Ls.mse_grad),
    ],
)
def test_module_functions_are_the_registered_ones(name, value, gradient):
    loss = bp.LOSSES[name]
    assert loss.value is value and loss.grad is gradient
    # One sample, errors (3, -4): ||e||^2 = 25.
    Y, T = np.array([[3.0, -4.0]]), np.zeros((1, 2))
    expected = {"sse": 25.0, "half_sse": 12.5, "mse": 25.0}[name]
    assert value(Y, T) == expected
    np.testing.assert_array_equal(
        gradient(Y, T), {"sse": 2.0, "half_sse": 1.0, "mse": 2.0}[name] * (Y - T)
    )


def test_mse_averages_over_samples_not_over_entries():
    # 2 samples of 3 outputs: (1/n) sum_i ||y_i - t_i||^2 divides by n = 2, not by 6.
    Y = np.ones((2, 3))
    T = np.zeros((2, 3))
    assert Ls.mse(Y, T) == 3.0
    np.testing.assert_array_equal(Ls.mse_grad(Y, T), np.full((2, 3), 1.0))  # 2/n * 1


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(YT=pairs())
def test_value_matches_loop_formula(name, YT):
    Y, T = YT
    loss = bp.get_loss(name)
    value = loss(Y, T)
    assert isinstance(value, float)
    assert value == pytest.approx(loop_loss(name, Y, T), rel=1e-12, abs=1e-12)
    assert value >= 0.0
    assert loss(T, T) == 0.0


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(YT=pairs())
def test_gradient_matches_finite_differences(name, YT):
    Y, T = YT
    loss = bp.get_loss(name)
    numeric = bp.numerical_gradient(lambda y: loss(y, T), Y, eps=1e-5)
    g = loss.grad(Y, T)
    assert g.shape == Y.shape
    # Central differences are exact for a quadratic up to rounding of the loss.
    np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-10 * (1.0 + loss(Y, T)))


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(YT=pairs())
def test_gradient_matches_autograd(name, YT):
    Y, T = YT
    expected = grad(autograd_loss(name))(Y, T)
    np.testing.assert_allclose(bp.get_loss(name).grad(Y, T), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("name", "factor"), [("sse", 2.0), ("half_sse", 1.0), ("mse", 2.0 / 3.0)])
def test_gradient_is_the_stated_multiple_of_the_error(name, factor):
    rng = np.random.default_rng(5)
    Y, T = rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    np.testing.assert_allclose(bp.get_loss(name).grad(Y, T), factor * (Y - T), rtol=1e-15)


def test_get_loss_passes_a_loss_through():
    custom = bp.Loss("abs", lambda Y, T: float(np.abs(Y - T).sum()), np.sign, "|y - t|")
    assert bp.get_loss(custom) is custom
    for name in NAMES:
        assert bp.get_loss(name) is bp.LOSSES[name]


@pytest.mark.parametrize("bad", ["cross_entropy", "MSE", "", None, 1.5])
def test_unknown_loss_raises_listing_known_names(bad):
    with pytest.raises(ValueError) as info:
        bp.get_loss(bad)
    msg = str(info.value)
    assert "unknown loss" in msg and str(bad) in msg
    for name in NAMES:
        assert name in msg


def test_loss_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        bp.LOSSES["mse"].name = "x"  # type: ignore[misc]
