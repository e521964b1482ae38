"""Tests of backprop.widgets.toy (Python side): the parameters are synced traits; the
quantities the explorer shows, computed with the library, agree with the model written out.
The browser side (js/toy.js on the built site) is tested in tests/browser/test_explorers.py."""

from __future__ import annotations

import math

import backprop as bp
import numpy as np
import pytest
import traitlets
from backprop.widgets.toy import DEFAULT_BETA, DEFAULT_OMEGA, ToyExplorer, toy_explorer

X = np.array([-1.5, -0.5, 0.0, 0.5, 1.5])
Y = np.array([1.2, 0.8, 0.4, -0.4, 1.1])
NAMES = [f"{p}_{k}" for p in ("beta", "omega") for k in range(4)]


def by_hand(x, beta, omega):
    """The toy model written out with the math module, one point at a time."""
    f0 = beta[0] + omega[0] * x
    f1 = beta[1] + omega[1] * math.sin(f0)
    f2 = beta[2] + omega[2] * math.exp(f1)
    return beta[3] + omega[3] * math.cos(f2)


def loss_by_hand(beta, omega):
    return sum((by_hand(x, beta, omega) - y) ** 2 for x, y in zip(X, Y, strict=True))


def test_starts_from_the_given_parameters_and_syncs_them():
    w = toy_explorer(X, Y)
    assert isinstance(w, ToyExplorer)
    np.testing.assert_array_equal(w.phi, [*DEFAULT_BETA, *DEFAULT_OMEGA])
    state = w.get_state()
    assert state["beta"] == list(DEFAULT_BETA) and state["omega"] == list(DEFAULT_OMEGA)
    assert state["x"] == X.tolist() and state["y"] == Y.tolist()
    assert w.loss == pytest.approx(loss_by_hand(DEFAULT_BETA, DEFAULT_OMEGA), rel=1e-12)
    assert w.loss == pytest.approx(bp.ToyModel(DEFAULT_BETA, DEFAULT_OMEGA).loss(X, Y), rel=1e-14)
    # The front end is the shipped bundle, with the shared stylesheet.
    assert "toyForward" not in w._esm and len(w._esm) > 1000 and "bp-explorer" in w._css


@pytest.mark.parametrize("name", NAMES)
def test_every_parameter_changes_the_model_loss_and_curve(name):
    w = toy_explorer(X, Y)
    before_loss, before_curve = w.loss, w.curve_y.copy()
    kind, k = name.split("_")
    values = list(getattr(w, kind))
    values[int(k)] = -1.25
    setattr(w, kind, values)
    beta, omega = list(DEFAULT_BETA), list(DEFAULT_OMEGA)
    (beta if kind == "beta" else omega)[int(k)] = -1.25
    np.testing.assert_array_equal(w.model.beta, beta)
    np.testing.assert_array_equal(w.model.omega, omega)
    assert w.get_state()[kind] == values
    assert w.loss == pytest.approx(bp.ToyModel(beta, omega).loss(X, Y), rel=1e-14)
    assert w.loss == pytest.approx(loss_by_hand(beta, omega), rel=1e-12)
    assert w.loss != pytest.approx(before_loss, rel=1e-6)
    np.testing.assert_allclose(w.predictions, [by_hand(x, beta, omega) for x in X], rtol=1e-12)
    np.testing.assert_allclose(w.residuals, w.predictions - Y, rtol=0, atol=0)
    np.testing.assert_allclose(w.curve_y, [by_hand(x, beta, omega) for x in w.curve_x], rtol=1e-12)
    assert not np.allclose(w.curve_y, before_curve)


def test_the_parameters_that_made_the_data_give_zero_loss():
    beta, omega = (0.0, 0.0, 0.0, 0.5), (1.0, 1.0, 2.0, 1.0)
    y = bp.ToyModel(beta, omega)(X)
    w = toy_explorer(X, y)
    assert w.loss > 0.1
    w.beta, w.omega = list(beta), list(omega)
    assert w.loss == pytest.approx(0.0, abs=1e-24)
    np.testing.assert_allclose(w.residuals, 0.0, atol=1e-12)


def test_worst_is_the_largest_residual():
    w = toy_explorer(X, Y)
    assert abs(w.residuals[w.worst]) == pytest.approx(np.max(np.abs(w.residuals)))
    w.beta = [0.5, -0.5, 0.0, 2.5]
    assert abs(w.residuals[w.worst]) == np.max(np.abs(w.residuals))


def test_setting_parameters_never_prints(capsys):
    w = toy_explorer(X, Y)
    w.omega = [1.0, 1.0, 2.0, 1.0]
    w.beta = [-0.3, -0.5, 0.0, 0.5]
    assert capsys.readouterr().out == ""


def test_curve_covers_the_data_and_limits_stay_fixed():
    w = toy_explorer(X, Y)
    assert w.curve_x[0] < X.min() and w.curve_x[-1] > X.max()
    assert w.curve_x.size == w.n
    ylim = list(w.ylim)
    w.beta = [0.5, -0.5, 0.0, 2.5]  # the curve moves up; the axes do not
    assert w.ylim == ylim and ylim[0] < Y.min() and ylim[1] > Y.max()


def test_repr_is_plain_and_bad_arguments_raise():
    w = toy_explorer(X, Y)
    assert repr(w) == "Toy model explorer: run this cell to move the sliders"
    with pytest.raises(ValueError, match="same number"):
        toy_explorer(X, Y[:-1])
    with pytest.raises(ValueError, match="4 numbers"):
        toy_explorer(X, Y, beta=(0.0, 1.0))
    with pytest.raises(ValueError, match="range"):
        toy_explorer(X, Y, omega=(1.0, 1.0, 5.0, 1.0))
    with pytest.raises(ValueError, match="limit"):
        toy_explorer(X, Y, limit=-1.0)
    with pytest.raises(ValueError, match="NaN"):
        toy_explorer([0.0, float("nan")], [1.0, 2.0])
    with pytest.raises(ValueError, match="ylim"):
        toy_explorer(X, Y, ylim=(1.0, 0.0))
    with pytest.raises(traitlets.TraitError, match="range"):
        w.beta = [0.0, 0.0, 0.0, 9.0]
    with pytest.raises(traitlets.TraitError, match="length 4"):
        w.omega = [1.0, 2.0]
    np.testing.assert_array_equal(w.beta, DEFAULT_BETA)  # a refused value changes nothing
