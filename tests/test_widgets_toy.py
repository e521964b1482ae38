"""Tests of backprop.widgets.toy: move the eight sliders as a student would, read the state."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import backprop as bp  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from backprop.widgets.toy import DEFAULT_BETA, DEFAULT_OMEGA, toy_explorer  # noqa: E402

X = np.array([-1.5, -0.5, 0.0, 0.5, 1.5])
Y = np.array([1.2, 0.8, 0.4, -0.4, 1.1])


def by_hand(x, beta, omega):
    """The toy model written out with the math module, one point at a time."""
    f0 = beta[0] + omega[0] * x
    f1 = beta[1] + omega[1] * math.sin(f0)
    f2 = beta[2] + omega[2] * math.exp(f1)
    return beta[3] + omega[3] * math.cos(f2)


def loss_by_hand(beta, omega):
    return sum((by_hand(x, beta, omega) - y) ** 2 for x, y in zip(X, Y, strict=True))


def test_starts_from_the_given_parameters():
    w = toy_explorer(X, Y)
    np.testing.assert_array_equal(w.phi, [*DEFAULT_BETA, *DEFAULT_OMEGA])
    assert [s.description for s in w.beta] == ["β₀", "β₁", "β₂", "β₃"]
    assert [s.description for s in w.omega] == ["ω₀", "ω₁", "ω₂", "ω₃"]
    assert set(w.sliders) == {f"{p}_{k}" for p in ("beta", "omega") for k in range(4)}
    assert w.loss == pytest.approx(loss_by_hand(DEFAULT_BETA, DEFAULT_OMEGA), rel=1e-12)
    assert w.loss == pytest.approx(bp.ToyModel(DEFAULT_BETA, DEFAULT_OMEGA).loss(X, Y), rel=1e-14)
    assert f"{w.loss:.4f}" in w.status.value and "5 points" in w.status.value
    assert bytes(w.image.value).startswith(b"\x89PNG")


@pytest.mark.parametrize("name", [f"{p}_{k}" for p in ("beta", "omega") for k in range(4)])
def test_every_slider_changes_the_model_loss_and_curve(name):
    w = toy_explorer(X, Y)
    before_loss, before_curve = w.loss, w.curve_y.copy()
    before_status, before_image = w.status.value, bytes(w.image.value)
    w.sliders[name].value = -1.25
    beta, omega = list(DEFAULT_BETA), list(DEFAULT_OMEGA)
    kind, k = name.split("_")
    (beta if kind == "beta" else omega)[int(k)] = -1.25
    np.testing.assert_array_equal(w.model.beta, beta)
    np.testing.assert_array_equal(w.model.omega, omega)
    # The loss is ToyModel.loss at the sliders' values, and agrees with the sum written out.
    assert w.loss == pytest.approx(bp.ToyModel(beta, omega).loss(X, Y), rel=1e-14)
    assert w.loss == pytest.approx(loss_by_hand(beta, omega), rel=1e-12)
    assert w.loss != pytest.approx(before_loss, rel=1e-6)
    np.testing.assert_allclose(w.predictions, [by_hand(x, beta, omega) for x in X], rtol=1e-12)
    np.testing.assert_allclose(w.residuals, w.predictions - Y, rtol=0, atol=0)
    np.testing.assert_allclose(w.curve_y, [by_hand(x, beta, omega) for x in w.curve_x], rtol=1e-12)
    assert not np.allclose(w.curve_y, before_curve)
    assert w.status.value != before_status and f"{w.loss:.4f}" in w.status.value
    assert bytes(w.image.value) != before_image


def test_the_parameters_that_made_the_data_give_zero_loss():
    beta, omega = (0.0, 0.0, 0.0, 0.5), (1.0, 1.0, 2.0, 1.0)
    y = bp.ToyModel(beta, omega)(X)
    w = toy_explorer(X, y)
    assert w.loss > 0.1
    for k in range(4):
        w.beta[k].value = beta[k]
        w.omega[k].value = omega[k]
    assert w.loss == pytest.approx(0.0, abs=1e-24)
    np.testing.assert_allclose(w.residuals, 0.0, atol=1e-12)


def test_status_names_the_largest_residual():
    w = toy_explorer(X, Y)
    worst = int(np.argmax(np.abs(w.residuals)))
    assert f"{w.residuals[worst]:+.3f}" in w.status.value
    assert f"x = {X[worst]:.3g}" in w.status.value


def test_callbacks_never_print(capsys):
    w = toy_explorer(X, Y)
    w.omega[2].value = 2.0
    w.beta[0].value = -0.3
    assert capsys.readouterr().out == ""


def test_curve_covers_the_data_and_limits_stay_fixed():
    w = toy_explorer(X, Y)
    assert w.curve_x[0] < X.min() and w.curve_x[-1] > X.max()
    ylim = w.ylim
    w.beta[3].value = 2.5  # the curve moves up; the axes do not
    assert w.ylim == ylim and ylim[0] < Y.min() and ylim[1] > Y.max()


def test_repr_is_plain_and_bad_arguments_raise():
    w = toy_explorer(X, Y)
    assert repr(w).startswith("Toy model explorer") and "0x" not in repr(w)
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


def test_toy_fit_draws_the_curve_the_data_and_one_residual_per_point():
    from matplotlib.figure import Figure

    model = bp.ToyModel(DEFAULT_BETA, DEFAULT_OMEGA)
    ax = Figure().subplots()
    fig = bp.plots.toy_fit(model, X, Y, ax=ax)
    assert fig is ax.figure
    curve = ax.lines[0]
    np.testing.assert_allclose(curve.get_ydata(), model(curve.get_xdata()), rtol=1e-14)
    segments = ax.collections[0].get_segments()
    assert len(segments) == X.size
    for seg, x, y in zip(segments, X, Y, strict=True):
        np.testing.assert_allclose(seg[:, 0], [x, x])
        np.testing.assert_allclose(sorted(seg[:, 1]), sorted([y, float(model(x))]), rtol=1e-14)
    assert f"{model.loss(X, Y):.4f}" in ax.get_title()
    with pytest.raises(ValueError, match="same number"):
        bp.plots.toy_fit(model, X, Y[:2], ax=ax)
