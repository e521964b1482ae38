"""Tests of backprop.gradcheck: central differences, the relative error, and
gradient_check catching a corrupted backward pass."""

from __future__ import annotations

import dataclasses

import backprop as bp
import numpy as np
import pytest
from backprop import activations as A
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

ACTS = ["identity", "relu", "sigmoid", "tanh", "sin", "cos", "exp"]
LOSSES = ["sse", "half_sse", "mse"]


def data(seed=0, n=5, n_in=3, n_out=2):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, n_in)), rng.normal(size=(n, n_out))


# ---- numerical_gradient ----------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    x=hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=4), elements=st.floats(-3, 3))
)
def test_numerical_gradient_of_a_cubic(x):
    # d/dx_j sum_k x_k^3 = 3 x_j^2; central differences err by eps^2 (here 1e-12).
    g = bp.numerical_gradient(lambda v: float(np.sum(v**3)), x)
    assert g.shape == x.shape
    np.testing.assert_allclose(g, 3 * x**2, rtol=1e-6, atol=1e-7)


def test_numerical_gradient_of_a_quadratic_form():
    rng = np.random.default_rng(0)
    M = rng.normal(size=(4, 4))
    x = rng.normal(size=4)
    g = bp.numerical_gradient(lambda v: float(v @ M @ v), x)
    np.testing.assert_allclose(g, (M + M.T) @ x, rtol=1e-7, atol=1e-8)


def test_numerical_gradient_leaves_x_alone_and_passes_its_shape():
    x = np.arange(6.0).reshape(2, 3)
    before = x.copy()
    seen = []

    def f(v):
        seen.append(v.shape)
        return float(np.sum(np.sin(v)))

    g = bp.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, before)
    assert set(seen) == {(2, 3)} and len(seen) == 2 * x.size
    np.testing.assert_allclose(g, np.cos(x), rtol=1e-7, atol=1e-9)


def test_numerical_gradient_error_is_second_order():
    # Error of (sin(1+h) - sin(1-h)) / 2h is about h^2 cos(1) / 6: 10x smaller h -> 100x smaller error.
    x = np.array([1.0])
    err = [
        abs(bp.numerical_gradient(lambda v: float(np.sin(v[0])), x, eps=h)[0] - np.cos(1.0))
        for h in (1e-2, 1e-3)
    ]
    assert err[0] == pytest.approx(1e-4 * np.cos(1.0) / 6, rel=1e-3)
    assert 80 < err[0] / err[1] < 120


@pytest.mark.parametrize("eps", [0.0, -1e-6])
def test_numerical_gradient_rejects_non_positive_eps(eps):
    with pytest.raises(ValueError, match="eps must be positive"):
        bp.numerical_gradient(lambda v: 0.0, np.zeros(2), eps=eps)


def test_numerical_gradient_rejects_nan():
    with pytest.raises(ValueError, match="NaN"):
        bp.numerical_gradient(lambda v: 0.0, [1.0, np.nan])


# ---- relative_error ---------------------------------------------------------------


def test_relative_error_by_hand():
    assert bp.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert bp.relative_error([1.0], [1.1]) == pytest.approx(0.1 / 2.1, rel=1e-12)
    # The maximum over entries: |2 - 3| / (2 + 3) = 0.2 beats 0.
    assert bp.relative_error([1.0, 2.0], [1.0, 3.0]) == pytest.approx(0.2, rel=1e-12)
    # Opposite signs give the largest possible value, 1.
    assert bp.relative_error([1.0], [-1.0]) == 1.0
    # Both zero is no error, and tiny entries are measured against the floor.
    assert bp.relative_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert bp.relative_error([0.0], [1e-10]) == pytest.approx(1e-10 / 1e-8, rel=1e-12)
    assert bp.relative_error([0.0], [1e-10], floor=1e-20) == 1.0
    assert bp.relative_error(np.zeros((0,)), np.zeros((0,))) == 0.0
    assert isinstance(bp.relative_error([1.0], [1.0]), float)


def test_relative_error_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError) as info:
        bp.relative_error(np.zeros((2, 3)), np.zeros(6))
    assert "(2, 3)" in str(info.value) and "(6,)" in str(info.value)


# ---- gradient_check --------------------------------------------------------------


def net_and_data(act, loss, seed=0):
    """A 3-4-2 network; for ReLU a seed whose pre-activations are far from the kink."""
    for s in range(seed, seed + 100):
        net = bp.Network.random([3, 4, 2], [act, "tanh"], seed=s)
        X, T = data(s)
        tr = net.forward(X)
        if np.abs(tr.z[0]).min() > 1e-3:
            return net, X, T
    raise AssertionError("no usable seed")


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("act", ACTS)
def test_gradient_check_is_tiny_for_a_correct_network(act, loss):
    net, X, T = net_and_data(act, loss)
    err = bp.gradient_check(net, X, T, loss)
    assert 0.0 <= err < 1e-6


def test_gradient_check_leaves_the_parameters_unchanged():
    net, X, T = net_and_data("sigmoid", "mse")
    before = [p.copy() for p in net.parameters()]
    ids = [id(p) for p in net.parameters()]
    bp.gradient_check(net, X, T, "mse")
    for p, q in zip(net.parameters(), before, strict=True):
        np.testing.assert_array_equal(p, q)
    assert [id(p) for p in net.parameters()] == ids


def test_gradient_check_restores_parameters_when_the_loss_fails(monkeypatch):
    net, X, T = net_and_data("tanh", "mse")
    before = [p.copy() for p in net.parameters()]
    calls = {"n": 0}
    real_loss = bp.Network.loss

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("boom")
        return real_loss(self, *args, **kwargs)

    monkeypatch.setattr(bp.Network, "loss", flaky)
    with pytest.raises(RuntimeError):
        bp.gradient_check(net, X, T, "mse")
    for p, q in zip(net.parameters(), before, strict=True):
        np.testing.assert_array_equal(p, q)


def _bad(name, df):
    return dataclasses.replace(bp.get_activation(name), df=df, df_za=None)


@pytest.mark.parametrize(
    "bad_act",
    [
        _bad("sigmoid", A.sigmoid),  # sigma instead of sigma (1 - sigma)
        _bad("tanh", lambda z: 1.0 - z * z),  # the formula applied to z instead of tanh z
        _bad("sin", np.sin),  # f instead of f'
        _bad("cos", np.sin),  # sign slip: +sin instead of -sin
        _bad("exp", lambda z: np.exp(z) + 1.0),
    ],
    ids=["sigmoid", "tanh", "sin", "cos", "exp"],
)
def test_gradient_check_catches_a_wrong_activation_derivative(bad_act):
    net = bp.Network.random([3, 4, 2], "tanh", seed=0)
    net.activations[0] = bad_act
    X, T = data(0)
    assert bp.gradient_check(net, X, T, "mse") > 1e-2


def test_gradient_check_catches_a_monkeypatched_registry_derivative(monkeypatch):
    # Corrupt the activation in the registry, so a freshly built network picks it up.
    monkeypatch.setitem(bp.ACTIVATIONS, "sigmoid", _bad("sigmoid", lambda z: np.ones_like(z)))
    net = bp.Network.random([3, 4, 2], "sigmoid", seed=0)
    X, T = data(0)
    assert bp.gradient_check(net, X, T, "half_sse") > 1e-2


def test_gradient_check_catches_a_wrong_loss_gradient(monkeypatch):
    mse = bp.LOSSES["mse"]
    monkeypatch.setitem(
        bp.LOSSES, "mse", dataclasses.replace(mse, grad=lambda Y, T: (Y - T) / Y.shape[0])
    )  # the factor 2 forgotten
    net = bp.Network.random([3, 4, 2], "tanh", seed=0)
    X, T = data(0)
    # Every entry is off by a factor 2: |g - 2g| / (|g| + |2g|) = 1/3.
    assert bp.gradient_check(net, X, T, "mse") == pytest.approx(1 / 3, rel=1e-4)


def test_gradient_check_catches_a_wrong_bias_gradient(monkeypatch):
    real_backward = bp.Network.backward

    def backward(self, *args, **kwargs):
        g = real_backward(self, *args, **kwargs)
        g.db = [dz.mean(axis=0) for dz in g.dz]  # mean over samples instead of the sum
        return g

    monkeypatch.setattr(bp.Network, "backward", backward)
    net = bp.Network.random([3, 4, 2], "tanh", seed=0)
    X, T = data(0)
    assert bp.gradient_check(net, X, T, "sse") > 0.5
