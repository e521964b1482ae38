"""Tests of backprop.activations: every f and f' against independent formulas,
finite differences and autograd."""

from __future__ import annotations

import dataclasses
import math
import warnings

import autograd.numpy as anp
import backprop as bp
import numpy as np
import pytest
from autograd import elementwise_grad
from backprop import activations as A
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

NAMES = ["identity", "relu", "sigmoid", "tanh", "sin", "cos", "exp"]

# Independent scalar definitions (the maths module, not numpy).
SCALAR = {
    "identity": lambda z: z,
    "relu": lambda z: z if z > 0 else 0.0,
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
    "tanh": math.tanh,
    "sin": math.sin,
    "cos": math.cos,
    "exp": math.exp,
}

# Hand-derived derivatives (textbook rules), also scalar.
SCALAR_DERIVATIVE = {
    "identity": lambda z: 1.0,
    "relu": lambda z: 1.0 if z > 0 else 0.0,
    "sigmoid": lambda z: math.exp(-z) / (1.0 + math.exp(-z)) ** 2,
    "tanh": lambda z: 1.0 / math.cosh(z) ** 2,
    "sin": math.cos,
    "cos": lambda z: -math.sin(z),
    "exp": math.exp,
}

# The same functions written with autograd.numpy, for autodiff.
AUTOGRAD = {
    "identity": lambda z: z,
    "relu": lambda z: anp.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + anp.exp(-z)),
    "tanh": anp.tanh,
    "sin": anp.sin,
    "cos": anp.cos,
    "exp": anp.exp,
}

SETTINGS = settings(max_examples=40, deadline=None)

z_arrays = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
    elements=st.floats(-5.0, 5.0, allow_nan=False, allow_infinity=False),
)


def test_registry_holds_exactly_the_seven_activations():
    assert sorted(bp.ACTIVATIONS) == sorted(NAMES)
    for name, act in bp.ACTIVATIONS.items():
        assert isinstance(act, bp.Activation)
        assert act.name == name


@pytest.mark.parametrize("name", NAMES)
def test_f_matches_scalar_definition(name):
    act = bp.get_activation(name)
    zs = np.linspace(-3.0, 3.0, 61)
    expected = np.array([SCALAR[name](float(z)) for z in zs])
    np.testing.assert_allclose(act.f(zs), expected, rtol=1e-14, atol=1e-15)
    # Calling the activation is the same as calling f.
    np.testing.assert_array_equal(act(zs), act.f(zs))


MODULE_FUNCTIONS = {
    "identity": (A.identity, A.identity_derivative),
    "relu": (A.relu, A.relu_derivative),
    "sigmoid": (A.sigmoid, A.sigmoid_derivative),
    "tanh": (A.tanh, A.tanh_derivative),
    "sin": (np.sin, A.sin_derivative),
    "cos": (np.cos, A.cos_derivative),
    "exp": (np.exp, np.exp),
}


@pytest.mark.parametrize("name", NAMES)
def test_module_functions_are_the_registered_ones_and_correct(name):
    f, df = MODULE_FUNCTIONS[name]
    act = bp.ACTIVATIONS[name]
    assert act.f is f and act.df is df
    zs = np.linspace(-2.5, 2.5, 11)
    np.testing.assert_allclose(f(zs), [SCALAR[name](float(z)) for z in zs], rtol=1e-14)
    np.testing.assert_allclose(
        df(zs), [SCALAR_DERIVATIVE[name](float(z)) for z in zs], rtol=1e-10, atol=1e-15
    )
    assert df(zs).shape == zs.shape and df(zs).dtype == np.float64


@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_hand_derived_rule(name):
    act = bp.get_activation(name)
    zs = np.linspace(-3.0, 3.0, 61)
    expected = np.array([SCALAR_DERIVATIVE[name](float(z)) for z in zs])
    np.testing.assert_allclose(act.df(zs), expected, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(z=z_arrays)
def test_derivative_matches_finite_differences(name, z):
    act = bp.get_activation(name)
    if name == "relu":
        # Stay away from the kink, where the difference quotient is meaningless.
        z = np.where(np.abs(z) < 1e-3, 0.5, z)
    h = 1e-6
    numeric = (act.f(z + h) - act.f(z - h)) / (2 * h)
    assert act.df(z).shape == z.shape
    np.testing.assert_allclose(act.df(z), numeric, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(z=z_arrays)
def test_derivative_matches_autograd(name, z):
    act = bp.get_activation(name)
    if name == "relu":
        z = np.where(z == 0.0, 1.0, z)  # autograd splits a tie 50/50; the library takes 0
    expected = elementwise_grad(AUTOGRAD[name])(z)
    np.testing.assert_allclose(act.df(z), expected, rtol=1e-9, atol=1e-14)


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(z=z_arrays)
def test_derivative_from_stored_output_equals_derivative_from_z(name, z):
    act = bp.get_activation(name)
    a = act.f(z)
    np.testing.assert_allclose(act.derivative(z, a), act.df(z), rtol=1e-9, atol=1e-14)
    np.testing.assert_array_equal(act.derivative(z), act.df(z))


def test_relu_derivative_is_the_indicator_of_z_positive():
    z = np.array([-3.0, -1e-300, -0.0, 0.0, 5e-324, 1e-300, 2.0])
    expected = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0])
    relu = bp.get_activation("relu")
    for d in (A.relu_derivative(z), relu.df(z), relu.derivative(z, relu.f(z))):
        assert d.dtype == np.float64
        np.testing.assert_array_equal(d, expected)


@SETTINGS
@given(z=hnp.arrays(np.float64, hnp.array_shapes(max_side=5), elements=st.floats(-1e6, 1e6)))
def test_relu_derivative_indicator_property(z):
    np.testing.assert_array_equal(A.relu_derivative(z), (z > 0).astype(float))
    np.testing.assert_array_equal(A.relu(z), np.where(z > 0, z, 0.0))


def test_sigmoid_does_not_overflow_or_warn_for_huge_inputs():
    z = np.concatenate(
        [np.linspace(-1e4, 1e4, 2001), [-1e4, -800.0, -746.0, -710.0, 0.0, 710.0, 746.0, 1e4]]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            s = A.sigmoid(z)
            d = A.sigmoid_derivative(z)
            d_from_a = bp.get_activation("sigmoid").derivative(z, s)
            neg = A.sigmoid(-z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(d))
    assert np.all((s >= 0.0) & (s <= 1.0))
    assert A.sigmoid(np.array(1e4)) == 1.0
    assert A.sigmoid(np.array(-1e4)) == 0.0  # e^{-10000} underflows to exactly 0
    assert A.sigmoid(np.array(0.0)) == 0.5
    order = np.argsort(z, kind="stable")
    assert np.all(np.diff(s[order]) >= 0.0)  # monotone
    np.testing.assert_allclose(neg, 1.0 - s, atol=1e-15)  # sigma(-z) = 1 - sigma(z)
    assert np.all((d >= 0.0) & (d <= 0.25)) and np.all((d_from_a >= 0.0) & (d_from_a <= 0.25))
    assert A.sigmoid_derivative(np.array(0.0)) == 0.25


def test_sigmoid_is_accurate_for_large_negative_inputs():
    # sigma(z) ~ e^z for very negative z; the stable form keeps full relative precision.
    for zv in (-30.0, -100.0, -700.0):
        expected = math.exp(zv) / (1.0 + math.exp(zv))
        assert A.sigmoid(np.array(zv)) == pytest.approx(expected, rel=1e-14)


def test_get_activation_by_name_and_pass_through():
    for name in NAMES:
        assert bp.get_activation(name) is bp.ACTIVATIONS[name]
    custom = bp.Activation("square", lambda z: z * z, lambda z: 2 * z)
    assert bp.get_activation(custom) is custom
    np.testing.assert_array_equal(custom.derivative(np.array([3.0])), [6.0])


@pytest.mark.parametrize("bad", ["softmax", "ReLU", "", 3, None, ["relu"]])
def test_unknown_activation_raises_listing_known_names(bad):
    with pytest.raises(ValueError) as info:
        bp.get_activation(bad)
    msg = str(info.value)
    assert "unknown activation" in msg
    assert str(bad) in msg
    for name in NAMES:
        assert name in msg


def test_activation_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        bp.ACTIVATIONS["relu"].name = "other"  # type: ignore[misc]
