"""Tests of backprop.plots.graph_data: the toy model's and a neuron's graphs (chapter 3),
their numbers against autograd and against the models' own backward passes."""

from __future__ import annotations

import autograd.numpy as anp
import backprop as bp
import numpy as np
import pytest
from autograd import grad
from backprop import plots


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


# ---- the toy model's graph ------------------------------------------------------------


def toy_loss(beta, omega, x, y):
    """ℓ = (f[x, φ] − y)², written out independently of the library."""
    f0 = beta[0] + omega[0] * x
    f1 = beta[1] + omega[1] * anp.sin(f0)
    f2 = beta[2] + omega[2] * anp.exp(f1)
    f3 = beta[3] + omega[3] * anp.cos(f2)
    return (f3 - y) ** 2


@pytest.mark.parametrize("sample", [0, 2])
def test_toy_graph_data_holds_the_forward_values_and_both_passes(sample, toy_model):
    x = np.array([0.7, -0.3, 1.1])
    y = np.array([1.0, 0.2, -0.5])
    trace = toy_model.forward(x)
    nodes, edges = plots.toy_graph_data(toy_model, trace, toy_model.backward(trace, y), y, sample)
    by = {n.name: n for n in nodes}
    assert len(by) == len(nodes) == 18  # x, y, ℓ, 4 f, 3 h, 4 beta, 4 omega
    xi, yi = x[sample], y[sample]
    assert by["x"].value == xi and by["y"].value == yi and by["y"].grad is None
    assert by["loss"].value == pytest.approx(
        toy_loss(toy_model.beta, toy_model.omega, xi, yi), rel=1e-12
    )
    assert by["loss"].grad == 1.0
    # Pass #2 for this point, against autograd.
    d_beta = grad(toy_loss, 0)(toy_model.beta, toy_model.omega, xi, yi)
    d_omega = grad(toy_loss, 1)(toy_model.beta, toy_model.omega, xi, yi)
    d_x = grad(toy_loss, 2)(toy_model.beta, toy_model.omega, xi, yi)
    for k in range(4):
        assert by[f"beta{k}"].value == toy_model.beta[k]
        assert by[f"omega{k}"].value == toy_model.omega[k]
        assert by[f"beta{k}"].grad == pytest.approx(d_beta[k], rel=1e-10)
        assert by[f"omega{k}"].grad == pytest.approx(d_omega[k], rel=1e-10)
        # ∂ℓ/∂β_k = ∂ℓ/∂f_k, because ∂f_k/∂β_k = 1.
        assert by[f"f{k}"].grad == pytest.approx(d_beta[k], rel=1e-10)
    assert by["x"].grad == pytest.approx(d_x, rel=1e-10)
    # ∂ℓ/∂h_k = ω_k ∂ℓ/∂f_k, and the forward values.
    f0 = toy_model.beta[0] + toy_model.omega[0] * xi
    assert by["f0"].value == pytest.approx(f0)
    assert by["h1"].value == pytest.approx(np.sin(f0))
    for k in (1, 2, 3):
        assert by[f"h{k}"].grad == pytest.approx(toy_model.omega[k] * d_beta[k], rel=1e-10)
    assert len(edges) == 4 * 3 + 3 + 2
    assert all(len(e) == 3 and e[2] for e in edges)  # every arrow has its local derivative


def test_toy_graph_figure_shows_the_numbers(toy_model):
    trace = toy_model.forward(0.7)
    grads = toy_model.backward(trace, 1.0)
    fig = plots.graph(*plots.toy_graph_data(toy_model, trace, grads, 1.0))
    shown = set(texts(fig))
    for v in [trace.f[3], trace.h[2], grads.dl_dbeta[2], grads.dl_domega[0], grads.loss]:
        assert format(float(v), ".3g") in shown
    assert {r"$\cos f_0$", r"$\exp f_1$", r"$-\sin f_2$", r"$\beta_3$", r"$\ell$"} <= shown


def test_toy_graph_data_rejects_mismatched_input(toy_model):
    trace = toy_model.forward([0.7, 0.1])
    grads = toy_model.backward(trace, [1.0, 0.0])
    with pytest.raises(ValueError, match="not one of the 2 data points"):
        plots.toy_graph_data(toy_model, trace, grads, [1.0, 0.0], sample=2)
    with pytest.raises(ValueError, match="y has 1 values"):
        plots.toy_graph_data(toy_model, trace, grads, 1.0)
    with pytest.raises(ValueError, match="do not belong"):
        plots.toy_graph_data(toy_model, trace, grads, [2.0, 0.0])
    with pytest.raises(ValueError, match="must be a ToyModel"):
        plots.toy_graph_data(toy_model.to_network(), trace, grads, [1.0, 0.0])


# ---- the single neuron's graph --------------------------------------------------------


def test_neuron_graph_data_for_the_neuron_of_note_002():
    x, w, b = [1.0, -2.0, 3.0], [-3.0, -1.0, 2.0], 1.0
    nodes, edges = plots.neuron_graph_data(x, w, b)
    by = {n.name: n for n in nodes}
    assert by["z"].value == 6.0 and by["y"].value == 6.0 and by["y"].grad == 1.0
    # dy/dw = x, dy/dx = w, dy/db = 1 while the unit is on.
    assert [by[f"w{j}"].grad for j in (1, 2, 3)] == x
    assert [by[f"x{j}"].grad for j in (1, 2, 3)] == w
    assert by["b"].grad == 1.0
    assert [by[f"p{j}"].value for j in (1, 2, 3)] == [-3.0, 2.0, 6.0]
    assert len(edges) == 3 * 3 + 2
    fig = plots.graph(nodes, edges)
    assert {"6", "-3", "$w_1x_1$", "$f'(z)$"} <= set(texts(fig))


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_neuron_graph_gradients_match_autograd(activation):
    f = {"relu": lambda z: anp.maximum(z, 0.0), "sigmoid": lambda z: 1 / (1 + anp.exp(-z))}
    f["tanh"] = anp.tanh
    rng = np.random.default_rng(3)
    for _ in range(10):
        x, w = rng.normal(size=4), rng.normal(size=4)
        b, t = float(rng.normal()), float(rng.normal())

        def loss(w_, b_, x_, t=t, x=x, w=w):
            return 0.5 * (f[activation](anp.dot(w_, x_) + b_) - t) ** 2

        by = {n.name: n for n in plots.neuron_graph_data(x, w, b, activation, t=t)[0]}
        np.testing.assert_allclose(
            [by[f"w{j}"].grad for j in range(1, 5)], grad(loss, 0)(w, b, x), rtol=1e-10, atol=1e-14
        )
        np.testing.assert_allclose(
            [by[f"x{j}"].grad for j in range(1, 5)], grad(loss, 2)(w, b, x), rtol=1e-10, atol=1e-14
        )
        assert by["b"].grad == pytest.approx(grad(loss, 1)(w, b, x), rel=1e-10, abs=1e-14)
        assert by["L"].value == pytest.approx(loss(w, b, x))
        assert by["t"].grad is None


def test_an_off_relu_neuron_passes_no_gradient():
    by = {n.name: n for n in plots.neuron_graph_data([1.0, -2.0, 3.0], [-3.0, -1.0, 2.0], -7.0)[0]}
    assert by["z"].value == -2.0 and by["y"].value == 0.0
    assert all(by[n].grad == 0.0 for n in ["z", "b", "w1", "w2", "w3", "x1", "p3"])


def test_neuron_graph_data_rejects_bad_input():
    with pytest.raises(ValueError, match="same number of values"):
        plots.neuron_graph_data([1.0, 2.0], [1.0], 0.0)
    with pytest.raises(ValueError, match="unknown activation"):
        plots.neuron_graph_data([1.0], [1.0], 0.0, activation="softplus")
    with pytest.raises(ValueError, match="must be finite"):
        plots.neuron_graph_data([1.0], [1.0], float("nan"))


def test_toy_graph_data_without_grads_holds_the_forward_pass_only(toy_model):
    trace = toy_model.forward(0.7)
    nodes, _ = plots.toy_graph_data(toy_model, trace, None, 1.0)
    assert all(n.grad is None for n in nodes)
    by = {n.name: n for n in nodes}
    assert by["f3"].value == pytest.approx(float(trace.f[3]))
    assert by["loss"].value == pytest.approx(toy_model.loss(0.7, 1.0))
    fig = plots.graph(nodes, [])
    assert format(float(trace.h[2]), ".3g") in texts(fig)


# ---- the graphs' gradients are the models' own backward passes -------------------------


def grads_by_name(nodes):
    return {n.name: n.grad for n in nodes}


def test_toy_graph_gradients_are_toy_model_backward(toy_model):
    # One point: every gradient in the graph is a number ToyModel.backward returned.
    trace = toy_model.forward(0.7)
    g = toy_model.backward(trace, 1.0)
    by = grads_by_name(plots.toy_graph_data(toy_model, trace, g, 1.0)[0])
    for k in range(4):
        assert by[f"f{k}"] == float(g.dl_df[k])
        assert by[f"beta{k}"] == float(g.dl_dbeta[k])
        assert by[f"omega{k}"] == float(g.dl_domega[k])
    for k in (1, 2, 3):
        assert by[f"h{k}"] == float(g.dl_dh[k])
    assert by["x"] == float(g.dl_dh[0])


@pytest.mark.parametrize("sample", [0, 1, 2])
def test_toy_graph_of_a_batch_shows_that_points_backward_pass(sample, toy_model):
    x, y = np.array([0.7, -0.3, 1.1]), np.array([1.0, 0.2, -0.5])
    trace = toy_model.forward(x)
    batch = toy_model.backward(trace, y)
    by = grads_by_name(plots.toy_graph_data(toy_model, trace, batch, y, sample)[0])
    alone = toy_model.gradients(x[sample], y[sample])  # pass #2 of this point only
    for k in range(4):
        assert by[f"f{k}"] == pytest.approx(batch.dl_df[k][sample], rel=1e-14)
        assert by[f"beta{k}"] == pytest.approx(float(alone.dl_dbeta[k]), rel=1e-14)
        assert by[f"omega{k}"] == pytest.approx(float(alone.dl_domega[k]), rel=1e-14)
    assert by["x"] == pytest.approx(batch.dl_dh[0][sample], rel=1e-14)


def scaled(backward, factor, fields=None):
    """A backward pass that returns its gradients (those in ``fields``, default all) times
    ``factor``."""

    def wrapper(self, *args, **kwargs):
        g = backward(self, *args, **kwargs)
        for field, value in vars(g).items():
            if field != "loss" and (fields is None or field in fields):
                if isinstance(value, list):
                    value = [None if v is None else factor * v for v in value]
                else:
                    value = factor * value
                setattr(g, field, value)
        return g

    return wrapper


def test_toy_graph_takes_its_gradients_from_toy_model_backward(toy_model, monkeypatch):
    trace = toy_model.forward(0.7)
    before = grads_by_name(
        plots.toy_graph_data(toy_model, trace, toy_model.backward(trace, 1.0), 1.0)[0]
    )
    # Pass #2 alone scaled: the graph shows it, so it computes none of it itself.
    pass2 = ("dl_dbeta", "dl_domega")
    monkeypatch.setattr(bp.ToyModel, "backward", scaled(bp.ToyModel.backward, 3.0, pass2))
    after = grads_by_name(
        plots.toy_graph_data(toy_model, trace, toy_model.backward(trace, 1.0), 1.0)[0]
    )
    for name, g in before.items():
        factor = 3.0 if name.startswith(("beta", "omega")) else 1.0
        assert after[name] == (None if g is None else pytest.approx(factor * g, rel=1e-15)), name


@pytest.mark.parametrize("t", [None, 0.3])
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", "identity"])
def test_neuron_graph_gradients_are_network_backward(activation, t):
    x, w, b = np.array([0.4, -1.3, 2.0]), np.array([0.7, 0.2, -0.5]), 0.25
    by = {n.name: n for n in plots.neuron_graph_data(x, w, b, activation, t=t)[0]}
    # The same neuron as a one-layer Network, written out here.
    net = bp.Network([w.reshape(3, 1)], [[b]], activation)
    trace = net.forward(x.reshape(1, 3))
    if t is None:  # the gradients of y itself: a "loss" L = y, whose gradient is 1
        L = bp.Loss("y", lambda Y, T: float(Y.sum()), lambda Y, T: np.ones_like(Y), "y")
        g = net.backward(trace, trace.output, L, input_grad=True)
    else:
        g = net.backward(trace, [[t]], "half_sse", input_grad=True)
        assert by["L"].value == g.loss
    assert [by[f"w{j}"].grad for j in (1, 2, 3)] == g.dW[0][:, 0].tolist()
    assert [by[f"x{j}"].grad for j in (1, 2, 3)] == g.da[0][0].tolist()
    assert [by[f"p{j}"].grad for j in (1, 2, 3)] == [g.dz[0][0, 0]] * 3
    assert by["z"].grad == g.dz[0][0, 0] and by["b"].grad == g.db[0][0]
    assert by["y"].grad == g.da[1][0, 0]
    assert by["z"].value == trace.z[0][0, 0] and by["y"].value == trace.output[0, 0]


def test_neuron_graph_takes_its_gradients_from_network_backward(monkeypatch):
    before = grads_by_name(plots.neuron_graph_data([1.0, 2.0], [0.5, -0.3], 0.2, "tanh", 1.0)[0])
    monkeypatch.setattr(bp.Network, "backward", scaled(bp.Network.backward, -2.0))
    after = grads_by_name(plots.neuron_graph_data([1.0, 2.0], [0.5, -0.3], 0.2, "tanh", 1.0)[0])
    for name, g in before.items():
        if name not in ("t", "L"):
            assert after[name] == pytest.approx(-2.0 * g, rel=1e-15), name
