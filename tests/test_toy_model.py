"""Tests of backprop.toy_model: the forward intermediates f_k, h_k and both backward
passes, against a hand-written forward pass, finite differences, autograd and the
equivalent width-1 Network."""

from __future__ import annotations

import math

import autograd.numpy as anp
import backprop as bp
import numpy as np
import pytest
from autograd import grad
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

BETA = (0.1, -0.2, 0.3, 0.4)
OMEGA = (1.5, 0.5, -1.0, 2.0)
X_DATA = np.array([-1.2, -0.4, 0.0, 0.3, 0.7, 1.6])
Y_DATA = np.array([0.5, -0.3, 1.1, 0.0, 2.0, -1.0])
SETTINGS = settings(max_examples=30, deadline=None)


def scalar_forward(x, beta, omega, df=(0.0,) * 4, dh=(0.0,) * 4):
    """The model written out with the math module; df[k] / dh[k] are offsets added to
    f_k / h_k, so the derivative of the loss with respect to them is dl/df_k / dl/dh_k."""
    h0 = x + dh[0]
    f0 = beta[0] + omega[0] * h0 + df[0]
    h1 = math.sin(f0) + dh[1]
    f1 = beta[1] + omega[1] * h1 + df[1]
    h2 = math.exp(f1) + dh[2]
    f2 = beta[2] + omega[2] * h2 + df[2]
    h3 = math.cos(f2) + dh[3]
    f3 = beta[3] + omega[3] * h3 + df[3]
    return [f0, f1, f2, f3], [h0, h1, h2, h3]


def scalar_loss(x, y, beta, omega, df=(0.0,) * 4, dh=(0.0,) * 4):
    f, _ = scalar_forward(x, beta, omega, df, dh)
    return (f[3] - y) ** 2


def fd(fun, h=1e-6):
    return (fun(h) - fun(-h)) / (2 * h)


def unit(k, t):
    v = [0.0] * 4
    v[k] = t
    return v


def ag_loss(phi, x, y):
    beta, omega = phi[:4], phi[4:]
    f3 = beta[3] + omega[3] * anp.cos(
        beta[2] + omega[2] * anp.exp(beta[1] + omega[1] * anp.sin(beta[0] + omega[0] * x))
    )
    return anp.sum((f3 - y) ** 2)


def test_forward_intermediates_for_one_point():
    toy = bp.ToyModel(BETA, OMEGA)
    x = 0.7
    tr = toy.forward(x)
    f, h = scalar_forward(x, BETA, OMEGA)
    assert len(tr.f) == 4 and len(tr.h) == 4
    for k in range(4):
        assert float(tr.f[k]) == pytest.approx(f[k], rel=1e-14, abs=1e-15)
        assert float(tr.h[k]) == pytest.approx(h[k], rel=1e-14, abs=1e-15)
    assert float(tr.h[0]) == x and float(tr.x) == x
    assert float(tr.output) == float(tr.f[3]) == pytest.approx(f[3], rel=1e-14)
    assert float(toy(x)) == float(tr.output)
    # Spot values by hand: f0 = 0.1 + 1.5 * 0.7 = 1.15, h1 = sin(1.15).
    assert float(tr.f[0]) == pytest.approx(1.15, rel=1e-14)
    assert float(tr.h[1]) == pytest.approx(math.sin(1.15), rel=1e-14)


def test_forward_intermediates_over_a_data_set():
    toy = bp.ToyModel(BETA, OMEGA)
    tr = toy.forward(X_DATA)
    for k in range(4):
        assert tr.f[k].shape == X_DATA.shape and tr.h[k].shape == X_DATA.shape
    for i, x in enumerate(X_DATA):
        f, h = scalar_forward(float(x), BETA, OMEGA)
        for k in range(4):
            assert tr.f[k][i] == pytest.approx(f[k], rel=1e-13, abs=1e-15)
            assert tr.h[k][i] == pytest.approx(h[k], rel=1e-13, abs=1e-15)


@pytest.mark.parametrize("x, y", [(0.7, 0.25), (-1.3, 2.0), (0.0, -0.5)])
def test_backward_pass_1_for_one_point_matches_finite_differences(x, y):
    toy = bp.ToyModel(BETA, OMEGA)
    g = toy.gradients(x, y)
    for k in range(4):
        dl_df = fd(lambda t, k=k: scalar_loss(x, y, BETA, OMEGA, df=unit(k, t)))
        dl_dh = fd(lambda t, k=k: scalar_loss(x, y, BETA, OMEGA, dh=unit(k, t)))
        assert float(g.dl_df[k]) == pytest.approx(dl_df, rel=1e-6, abs=1e-8)
        assert float(g.dl_dh[k]) == pytest.approx(dl_dh, rel=1e-6, abs=1e-8)
    # dl/dh_0 is dl/dx.
    dl_dx = fd(lambda t: scalar_loss(x + t, y, BETA, OMEGA))
    assert float(g.dl_dh[0]) == pytest.approx(dl_dx, rel=1e-6, abs=1e-8)
    # The first step of pass #1: dl/df_3 = 2 (f_3 - y).
    f, _ = scalar_forward(x, BETA, OMEGA)
    assert float(g.dl_df[3]) == pytest.approx(2 * (f[3] - y), rel=1e-14)


@pytest.mark.parametrize("x, y", [(0.7, 0.25), (-1.3, 2.0)])
def test_backward_pass_2_for_one_point_matches_finite_differences(x, y):
    toy = bp.ToyModel(BETA, OMEGA)
    g = toy.gradients(x, y)
    for k in range(4):
        d_beta = fd(lambda t, k=k: scalar_loss(x, y, np.add(BETA, unit(k, t)), OMEGA))
        d_omega = fd(lambda t, k=k: scalar_loss(x, y, BETA, np.add(OMEGA, unit(k, t))))
        assert g.dl_dbeta[k] == pytest.approx(d_beta, rel=1e-6, abs=1e-8)
        assert g.dl_domega[k] == pytest.approx(d_omega, rel=1e-6, abs=1e-8)
    # dz/db = 1 (not b): dl/dbeta_k = dl/df_k, and dl/domega_k = h_k dl/df_k.
    tr = toy.forward(x)
    for k in range(4):
        assert g.dl_dbeta[k] == float(g.dl_df[k])
        assert g.dl_domega[k] == pytest.approx(float(tr.h[k] * g.dl_df[k]), rel=1e-15)


def test_backward_over_a_data_set_sums_the_points():
    toy = bp.ToyModel(BETA, OMEGA)
    g = toy.gradients(X_DATA, Y_DATA)
    assert g.dl_dbeta.shape == (4,) and g.dl_domega.shape == (4,)
    per_point = [toy.gradients(float(x), float(y)) for x, y in zip(X_DATA, Y_DATA, strict=True)]
    for k in range(4):
        assert g.dl_df[k].shape == X_DATA.shape and g.dl_dh[k].shape == X_DATA.shape
        np.testing.assert_allclose(g.dl_df[k], [float(p.dl_df[k]) for p in per_point], rtol=1e-14)
        np.testing.assert_allclose(g.dl_dh[k], [float(p.dl_dh[k]) for p in per_point], rtol=1e-14)
    np.testing.assert_allclose(g.dl_dbeta, sum(p.dl_dbeta for p in per_point), rtol=1e-12)
    np.testing.assert_allclose(g.dl_domega, sum(p.dl_domega for p in per_point), rtol=1e-12)
    assert g.loss == pytest.approx(sum(p.loss for p in per_point), rel=1e-14)
    expected_loss = sum(
        scalar_loss(float(x), float(y), BETA, OMEGA) for x, y in zip(X_DATA, Y_DATA, strict=True)
    )
    assert g.loss == pytest.approx(expected_loss, rel=1e-13)
    assert toy.loss(X_DATA, Y_DATA) == pytest.approx(expected_loss, rel=1e-13)


def test_parameter_gradient_over_a_data_set_matches_numerical_gradient():
    toy = bp.ToyModel(BETA, OMEGA)
    g = toy.gradients(X_DATA, Y_DATA)
    numeric = bp.numerical_gradient(
        lambda phi: bp.ToyModel.from_phi(phi).loss(X_DATA, Y_DATA), toy.phi
    )
    np.testing.assert_allclose(np.concatenate([g.dl_dbeta, g.dl_domega]), numeric, rtol=1e-6)


@SETTINGS
@given(
    phi=hnp.arrays(np.float64, 8, elements=st.floats(-1.0, 1.0)),
    xy=st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            hnp.arrays(np.float64, n, elements=st.floats(-2.0, 2.0)),
            hnp.arrays(np.float64, n, elements=st.floats(-2.0, 2.0)),
        )
    ),
)
def test_parameter_gradient_matches_autograd(phi, xy):
    x, y = xy
    toy = bp.ToyModel.from_phi(phi)
    g = toy.gradients(x, y)
    expected = grad(ag_loss)(phi, x, y)
    got = np.concatenate([g.dl_dbeta, g.dl_domega])
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12 * (1 + np.abs(expected).max()))
    assert g.loss == pytest.approx(float(ag_loss(phi, x, y)), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("x", [0.7, X_DATA])
def test_same_numbers_as_the_equivalent_network(x):
    toy = bp.ToyModel(BETA, OMEGA)
    y = np.asarray(x) * 0.5 - 0.2
    net = toy.to_network()
    assert [a.name for a in net.activations] == ["sin", "exp", "cos", "identity"]
    assert net.sizes == [1, 1, 1, 1, 1]
    X = np.atleast_1d(x).reshape(-1, 1)
    Y = np.atleast_1d(y).reshape(-1, 1)
    np.testing.assert_allclose(net.predict(X)[:, 0], np.atleast_1d(toy(x)), rtol=1e-15)
    assert net.loss(X, Y, "sse") == pytest.approx(toy.loss(x, y), rel=1e-14)
    tg = toy.gradients(x, y)
    ng = net.backward(net.forward(X), Y, "sse", input_grad=True)
    assert ng.loss == pytest.approx(tg.loss, rel=1e-14)
    for k in range(4):
        assert ng.db[k].shape == (1,) and ng.dW[k].shape == (1, 1)
        assert ng.db[k][0] == pytest.approx(tg.dl_dbeta[k], rel=1e-12, abs=1e-15)
        assert ng.dW[k][0, 0] == pytest.approx(tg.dl_domega[k], rel=1e-12, abs=1e-15)
        np.testing.assert_allclose(ng.dz[k][:, 0], np.atleast_1d(tg.dl_df[k]), rtol=1e-12)
        np.testing.assert_allclose(ng.da[k][:, 0], np.atleast_1d(tg.dl_dh[k]), rtol=1e-12)


def test_phi_round_trip_and_order():
    toy = bp.ToyModel.from_phi([1, 2, 3, 4, 5, 6, 7, 8])
    np.testing.assert_array_equal(toy.beta, [1, 2, 3, 4])
    np.testing.assert_array_equal(toy.omega, [5, 6, 7, 8])
    np.testing.assert_array_equal(toy.phi, np.arange(1.0, 9.0))
    assert toy.phi.dtype == np.float64


def test_constructor_copies():
    beta = np.array(BETA)
    toy = bp.ToyModel(beta, OMEGA)
    beta[0] = 99.0
    assert toy.beta[0] == BETA[0]


def test_repr_shows_parameters_without_address():
    r = repr(bp.ToyModel(BETA, OMEGA))
    assert "0x" not in r
    assert "beta=[0.1, -0.2, 0.3, 0.4]" in r and "omega=[1.5, 0.5, -1.0, 2.0]" in r


def test_bad_input_raises_value_error():
    with pytest.raises(ValueError, match="beta must hold 4 numbers"):
        bp.ToyModel([1, 2, 3], OMEGA)
    with pytest.raises(ValueError, match="omega must hold 4 numbers"):
        bp.ToyModel(BETA, [1, 2, 3, 4, 5])
    with pytest.raises(ValueError, match="phi must hold 8 numbers"):
        bp.ToyModel.from_phi(np.zeros(7))
    with pytest.raises(ValueError, match="NaN"):
        bp.ToyModel(BETA, OMEGA).forward([0.0, np.nan])
    with pytest.raises(ValueError) as info:
        bp.ToyModel(BETA, OMEGA).gradients(np.zeros(3), np.zeros(4))
    assert "(4,)" in str(info.value) and "(3,)" in str(info.value)


def test_loss_rejects_mismatched_shapes():
    with pytest.raises(ValueError):
        bp.ToyModel(BETA, OMEGA).loss(X_DATA[:3], X_DATA[:3, None])
