"""Tests of backprop.network: the forward pass, both backward passes (against a hand
computation, finite differences and autograd), construction, copying and errors."""

from __future__ import annotations

import itertools
import math
import re

import autograd.numpy as anp
import backprop as bp
import numpy as np
import pytest
from autograd import grad
from hypothesis import assume, given, settings
from hypothesis import strategies as st

ACTS = ["identity", "relu", "sigmoid", "tanh", "sin", "cos", "exp"]
LOSSES = ["sse", "half_sse", "mse"]
SETTINGS = settings(max_examples=40, deadline=None)

# ---- an independent reference implementation in autograd.numpy ---------------

AG_ACT = {
    "identity": lambda z: z,
    "relu": lambda z: anp.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + anp.exp(-z)),
    "tanh": anp.tanh,
    "sin": anp.sin,
    "cos": anp.cos,
    "exp": anp.exp,
}


def ag_loss_fn(name, Y, T):
    s = anp.sum((Y - T) ** 2)
    return {"sse": s, "half_sse": 0.5 * s, "mse": s / Y.shape[0]}[name]


def ref_loss(params, ez, ea, X, T, acts, loss):
    """L with additive offsets ez[l] on z^(l+1) and ea[l] on a^(l): their gradients at
    zero are dL/dz and dL/da (ea[0] gives dL/dX)."""
    a = X + ea[0]
    for l, act in enumerate(acts):
        W, b = params[2 * l], params[2 * l + 1]
        z = anp.dot(a, W) + b + ez[l]
        a = AG_ACT[act](z) + ea[l + 1]
    return ag_loss_fn(loss, a, T)


def ref_forward(params, X, acts):
    a, A, Z = X, [X], []
    for l, act in enumerate(acts):
        z = a @ params[2 * l] + params[2 * l + 1]
        a = AG_ACT[act](z)
        Z.append(z)
        A.append(a)
    return A, Z


def make_problem(sizes, acts, loss, n, seed, scale=1.0):
    """A network, data and targets from a seed; None when a pre-activation is huge (exp
    chains) or within 1e-4 of a ReLU kink (where finite differences are meaningless)."""
    rng = np.random.default_rng(seed)
    W = [rng.uniform(-scale, scale, (i, o)) / np.sqrt(i) for i, o in itertools.pairwise(sizes)]
    b = [rng.uniform(-0.5, 0.5, o) for o in sizes[1:]]
    X = rng.uniform(-1.0, 1.0, (n, sizes[0])) * scale
    T = rng.uniform(-1.0, 1.0, (n, sizes[-1]))
    params = [p for pair in zip(W, b, strict=True) for p in pair]
    _, Z = ref_forward(params, X, acts)
    if any(np.abs(z).max() > 20.0 for z in Z):
        return None
    if any(np.abs(z).min() < 1e-4 for z, act in zip(Z, acts, strict=True) if act == "relu"):
        return None
    return bp.Network(W, b, acts), X, T, loss, params, list(acts)


@st.composite
def problems(draw):
    """A random network, data and loss: every activation and loss can appear."""
    L = draw(st.integers(1, 3))
    sizes = draw(st.lists(st.integers(1, 4), min_size=L + 1, max_size=L + 1))
    acts = draw(st.lists(st.sampled_from(ACTS), min_size=L, max_size=L))
    loss = draw(st.sampled_from(LOSSES))
    n = draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    scale = draw(st.floats(0.2, 2.0))
    problem = make_problem(sizes, acts, loss, n, seed, scale)
    assume(problem is not None)
    return problem


def fixed_problem(act, loss):
    """A 3-4-2 network with ``act`` in both layers (every combination is covered)."""
    for seed in range(100):
        problem = make_problem([3, 4, 2], [act, act], loss, 5, seed)
        if problem is not None:
            return problem
    raise AssertionError("no usable seed")


# ---- a hand-computed example ---------------------------------------------------


def hand_network():
    # Layer 1: relu, W1 = [[1, -1], [2, 0]], b1 = [0, 1]; layer 2: identity, W2 = [[1], [2]], b2 = [-1].
    return bp.Network(
        [[[1.0, -1.0], [2.0, 0.0]], [[1.0], [2.0]]], [[0.0, 1.0], [-1.0]], ["relu", "identity"]
    )


def test_forward_and_backward_by_hand():
    net = hand_network()
    X = np.array([[1.0, 1.0]])
    tr = net.forward(X)
    # z1 = [1*1 + 1*2 + 0, 1*(-1) + 1*0 + 1] = [3, 0]; a1 = relu(z1) = [3, 0]
    np.testing.assert_array_equal(tr.z[0], [[3.0, 0.0]])
    np.testing.assert_array_equal(tr.a[1], [[3.0, 0.0]])
    # z2 = 3*1 + 0*2 - 1 = 2 = y
    np.testing.assert_array_equal(tr.z[1], [[2.0]])
    np.testing.assert_array_equal(tr.output, [[2.0]])
    g = net.backward(tr, [[0.0]], "half_sse", input_grad=True)
    assert g.loss == 2.0  # (2 - 0)^2 / 2
    np.testing.assert_array_equal(g.da[2], [[2.0]])  # y - t
    np.testing.assert_array_equal(g.dz[1], [[2.0]])  # identity: delta2 = dL/dy
    np.testing.assert_array_equal(g.dW[1], [[6.0], [0.0]])  # a1^T delta2
    np.testing.assert_array_equal(g.db[1], [2.0])
    np.testing.assert_array_equal(g.da[1], [[2.0, 4.0]])  # delta2 W2^T
    # relu'(3) = 1, relu'(0) = 0 (the indicator 1[z > 0])
    np.testing.assert_array_equal(g.dz[0], [[2.0, 0.0]])
    np.testing.assert_array_equal(g.dW[0], [[2.0, 0.0], [2.0, 0.0]])  # X^T delta1
    np.testing.assert_array_equal(g.db[0], [2.0, 0.0])
    np.testing.assert_array_equal(g.da[0], [[2.0, 4.0]])  # delta1 W1^T = [2*1 + 0, 2*2 + 0]


def test_bias_gradient_sums_delta_over_samples():
    # dz/db = 1, so dL/db is the sum over samples of delta (not b times anything).
    net = bp.Network.random([2, 3, 1], "tanh", seed=3)
    X = np.random.default_rng(0).normal(size=(5, 2))
    g = net.gradients(X, np.zeros((5, 1)), "sse")
    for dz, db in zip(g.dz, g.db, strict=True):
        np.testing.assert_allclose(db, dz.sum(axis=0), rtol=1e-15)


# ---- shapes --------------------------------------------------------------------


@pytest.mark.parametrize("sizes", [[3, 1], [3, 4, 2], [1, 5, 5, 2]])
def test_trace_and_gradient_shapes(sizes):
    net = bp.Network.random(sizes, "sigmoid", seed=1)
    n = 5
    X = np.random.default_rng(0).normal(size=(n, sizes[0]))
    tr = net.forward(X)
    L = len(sizes) - 1
    assert len(tr.a) == L + 1 and len(tr.z) == L
    np.testing.assert_array_equal(tr.a[0], X)
    for l in range(1, L + 1):
        assert tr.a[l].shape == (n, sizes[l])
        assert tr.z[l - 1].shape == (n, sizes[l])
    assert tr.output is tr.a[-1]
    g = net.backward(tr, np.zeros((n, sizes[-1])), "mse")
    assert isinstance(g, bp.Gradients)
    assert len(g.dW) == len(g.db) == len(g.dz) == L and len(g.da) == L + 1
    for l in range(L):
        assert g.dW[l].shape == net.W[l].shape
        assert g.db[l].shape == net.b[l].shape
        assert g.dz[l].shape == tr.z[l].shape
        assert g.da[l + 1].shape == tr.a[l + 1].shape
    assert g.da[0] is None
    g_in = net.backward(tr, np.zeros((n, sizes[-1])), "mse", input_grad=True)
    assert g_in.da[0].shape == X.shape
    for a, b in zip(g.dW, g_in.dW, strict=True):
        np.testing.assert_array_equal(a, b)


# ---- gradients against finite differences and autograd -------------------------


def check_forward(problem):
    net, X, T, loss, params, acts = problem
    tr = net.forward(X)
    A, Z = ref_forward(params, X, acts)
    for got, want in zip(tr.a, A, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    for got, want in zip(tr.z, Z, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(net.predict(X), A[-1], rtol=1e-12, atol=1e-12)


def check_against_autograd(problem):
    net, X, T, loss, params, acts = problem
    g = net.backward(net.forward(X), T, loss, input_grad=True)
    A, Z = ref_forward(params, X, acts)
    ez = [np.zeros_like(z) for z in Z]
    ea = [np.zeros_like(a) for a in A]
    args = (params, ez, ea, X, T, acts, loss)
    assert g.loss == pytest.approx(float(ref_loss(*args)), rel=1e-12, abs=1e-14)
    d_params = grad(ref_loss, 0)(*args)
    d_z = grad(ref_loss, 1)(*args)
    d_a = grad(ref_loss, 2)(*args)
    scale = 1.0 + max(np.abs(p).max() for p in d_params)

    def close(got, want):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12 * scale)

    for l in range(net.n_layers):
        close(g.dW[l], d_params[2 * l])  # backward pass #2
        close(g.db[l], d_params[2 * l + 1])
        close(g.dz[l], d_z[l])  # backward pass #1
    for l in range(net.n_layers + 1):
        close(g.da[l], d_a[l])  # da[0] is the input gradient


def check_against_finite_differences(problem):
    net, X, T, loss, params, acts = problem
    g = net.gradients(X, T, loss)
    analytic = [p for pair in zip(g.dW, g.db, strict=True) for p in pair]
    for p, ga in zip(net.parameters(), analytic, strict=True):
        original = p.copy()

        def f(values, p=p):
            p[...] = values
            return net.loss(X, T, loss)

        numeric = bp.numerical_gradient(f, original)
        p[...] = original
        atol = 1e-6 * (1.0 + abs(g.loss) + np.abs(ga).max())
        np.testing.assert_allclose(ga, numeric, rtol=1e-5, atol=atol)
    # The input gradient too.
    da0 = net.backward(net.forward(X), T, loss, input_grad=True).da[0]
    numeric_x = bp.numerical_gradient(lambda x: net.loss(x, T, loss), X)
    np.testing.assert_allclose(da0, numeric_x, rtol=1e-5, atol=1e-6 * (1 + abs(g.loss)))


CHECKS = [check_forward, check_against_autograd, check_against_finite_differences]


@pytest.mark.parametrize("check", CHECKS)
@SETTINGS
@given(problem=problems())
def test_random_networks(check, problem):
    check(problem)


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("act", ACTS)
def test_every_activation_with_every_loss(act, loss, check):
    check(fixed_problem(act, loss))


@pytest.mark.parametrize("loss", LOSSES)
def test_loss_and_gradients_helpers_agree_with_forward_backward(loss):
    net = bp.Network.random([3, 4, 2], ["tanh", "sigmoid"], seed=7)
    rng = np.random.default_rng(1)
    X, T = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    Y = net.predict(X)
    assert net.loss(X, T, loss) == bp.get_loss(loss)(Y, T)
    g1 = net.gradients(X, T, loss)
    g2 = net.backward(net.forward(X), T, loss)
    assert g1.loss == g2.loss == net.loss(X, T, loss)
    for a, b in zip(g1.dW + g1.db, g2.dW + g2.db, strict=True):
        np.testing.assert_array_equal(a, b)


def test_default_loss_is_mse():
    net = bp.Network.random([2, 2], "tanh", seed=0)
    X, T = np.ones((4, 2)), np.zeros((4, 2))
    assert net.loss(X, T) == net.loss(X, T, "mse")
    assert net.gradients(X, T).loss == net.loss(X, T, "mse")


def test_one_dimensional_targets_for_a_single_output():
    net = bp.Network.random([2, 3, 1], "tanh", seed=2)
    X = np.random.default_rng(0).normal(size=(4, 2))
    t = np.arange(4.0)
    g1 = net.backward(net.forward(X), t, "sse")
    g2 = net.backward(net.forward(X), t[:, None], "sse")
    assert g1.loss == g2.loss
    for a, b in zip(g1.dW, g2.dW, strict=True):
        np.testing.assert_array_equal(a, b)


# ---- construction and facts -----------------------------------------------------


def test_random_is_seeded():
    a = bp.Network.random([4, 5, 3], "relu", seed=11)
    b = bp.Network.random([4, 5, 3], "relu", seed=11)
    c = bp.Network.random([4, 5, 3], "relu", seed=12)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(p, q)
    assert not np.array_equal(a.W[0], c.W[0])
    assert all(np.all(b_ == 0.0) for b_ in a.b)  # biases start at 0


def test_random_weight_scale_is_one_over_sqrt_fan_in():
    net = bp.Network.random([400, 300], "identity", seed=0)
    W = net.W[0]
    assert abs(W.mean()) < 0.01 / np.sqrt(400) * 10
    assert W.std() == pytest.approx(1.0 / np.sqrt(400), rel=0.02)


@pytest.mark.parametrize(
    ("init", "std"),
    [
        ("lecun", np.sqrt(1 / 400)),
        ("xavier", np.sqrt(2 / (400 + 300))),
        ("he", np.sqrt(2 / 400)),
    ],
)
def test_random_init_sets_the_weight_scale(init, std):
    W = bp.Network.random([400, 300], "relu", seed=1, init=init).W[0]
    assert W.std() == pytest.approx(std, rel=0.02)


def test_he_keeps_the_mean_square_through_relu_layers():
    # The reason for 2/n_in: with He's scale a deep ReLU stack keeps E[z^2] steady,
    # with LeCun's it halves at every layer.
    X = np.random.default_rng(0).normal(size=(500, 200))
    sizes = [200] * 11
    ratios = {}
    for init in ("lecun", "he"):
        z = bp.Network.random(sizes, "relu", seed=2, init=init).forward(X).z
        ratios[init] = np.mean(z[-1] ** 2) / np.mean(z[0] ** 2)
    assert 0.5 < ratios["he"] < 2.0
    assert ratios["lecun"] < 0.01  # about 2**-10


def test_random_rejects_an_unknown_init():
    with pytest.raises(ValueError, match="unknown init 'glorot'; choose one of lecun, xavier, he"):
        bp.Network.random([2, 2], "relu", init="glorot")


@pytest.mark.parametrize("sizes", [[3], [], [3, 0], [0, 2], [2, -1]])
def test_random_rejects_bad_sizes(sizes):
    with pytest.raises(ValueError, match="sizes"):
        bp.Network.random(sizes, "relu")


def test_facts():
    net = bp.Network.random([3, 4, 2], ["relu", "identity"], seed=0)
    assert net.sizes == [3, 4, 2]
    assert net.n_layers == 2
    assert net.n_params == 3 * 4 + 4 + 4 * 2 + 2
    params = net.parameters()
    assert [p.shape for p in params] == [(3, 4), (4,), (4, 2), (2,)]
    # They are the network's own arrays (gradient_check perturbs them in place).
    assert params[0] is net.W[0] and params[1] is net.b[0] and params[3] is net.b[1]
    assert [a.name for a in net.activations] == ["relu", "identity"]


def test_single_activation_name_is_used_for_every_layer():
    net = bp.Network.random([2, 3, 3, 1], "tanh")
    assert [a.name for a in net.activations] == ["tanh"] * 3
    act = bp.get_activation("sin")
    net2 = bp.Network([np.eye(2)], [np.zeros(2)], act)
    assert net2.activations == [act]


def test_repr_is_plain_and_has_no_memory_address():
    net = bp.Network.random([3, 4, 2], ["relu", "sigmoid"], seed=0)
    r = repr(net)
    assert "[3, 4, 2]" in r and "relu" in r and "sigmoid" in r
    assert "0x" not in r and " at " not in r
    assert repr(bp.Network.random([3, 4, 2], ["relu", "sigmoid"], seed=99)) == r


def test_copy_is_independent():
    net = bp.Network.random([2, 3, 1], ["tanh", "identity"], seed=4)
    X = np.random.default_rng(0).normal(size=(3, 2))
    y = net.predict(X)
    twin = net.copy()
    np.testing.assert_array_equal(twin.predict(X), y)
    assert [a.name for a in twin.activations] == ["tanh", "identity"]
    for p, q in zip(net.parameters(), twin.parameters(), strict=True):
        assert p is not q and not np.shares_memory(p, q)
    twin.W[0] += 1.0
    twin.b[1][...] = 5.0
    np.testing.assert_array_equal(net.predict(X), y)  # the original is untouched
    net.W[1] *= 0.0
    assert not np.array_equal(twin.predict(X), net.predict(X))


def test_constructor_copies_its_inputs_to_float64():
    W = np.array([[1, 2]], dtype=np.int64)
    b = np.array([0, 0], dtype=np.int64)
    net = bp.Network([W], [b], "identity")
    assert net.W[0].dtype == np.float64 and net.b[0].dtype == np.float64
    W[0, 0] = 100
    assert net.W[0][0, 0] == 1.0


# ---- bad input -----------------------------------------------------------------


def test_x_shape_mismatch_names_both_shapes():
    net = bp.Network.random([3, 4, 2], "relu")
    with pytest.raises(ValueError) as info:
        net.forward(np.zeros((5, 2)))
    msg = str(info.value)
    assert "(5, 2)" in msg and "(3, 4)" in msg


@pytest.mark.parametrize("method", ["backward", "loss"])
def test_target_shape_mismatch_names_both_shapes(method):
    net = bp.Network.random([3, 2], "relu")
    X = np.zeros((4, 3))
    T = np.zeros((4, 3))
    with pytest.raises(ValueError) as info:
        if method == "backward":
            net.backward(net.forward(X), T, "sse")
        else:
            net.loss(X, T, "sse")
    msg = str(info.value)
    assert "(4, 3)" in msg and "(4, 2)" in msg


def test_unknown_activation_lists_known_names():
    with pytest.raises(ValueError) as info:
        bp.Network.random([2, 2], "leaky_relu")
    msg = str(info.value)
    assert "leaky_relu" in msg
    assert all(name in msg for name in ACTS)


def test_unknown_loss_lists_known_names():
    net = bp.Network.random([2, 1], "identity")
    X = np.ones((1, 2))
    for call in (
        lambda: net.backward(net.forward(X), [[0.0]], "l1"),
        lambda: net.loss(X, [[0.0]], "l1"),
        lambda: net.gradients(X, [[0.0]], "l1"),
    ):
        with pytest.raises(ValueError) as info:
            call()
        msg = str(info.value)
        assert "l1" in msg and all(name in msg for name in LOSSES)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_is_rejected(bad):
    net = bp.Network.random([2, 1], "identity")
    X = np.ones((3, 2))
    X[1, 0] = bad
    with pytest.raises(ValueError, match=r"X contains NaN or inf"):
        net.forward(X)
    T = np.ones((3, 1))
    T[2, 0] = bad
    with pytest.raises(ValueError, match=r"T contains NaN or inf"):
        net.backward(net.forward(np.ones((3, 2))), T, "sse")
    with pytest.raises(ValueError, match=r"W\[1\] contains NaN or inf"):
        bp.Network([[[bad], [1.0]]], [[0.0]], "identity")


def test_one_dimensional_x_is_rejected_with_a_hint():
    net = bp.Network.random([3, 1], "identity")
    with pytest.raises(ValueError) as info:
        net.forward(np.array([1.0, 2.0, 3.0]))
    msg = str(info.value)
    assert "2-D" in msg and "1-D" in msg and "(3,)" in msg and "reshape" in msg


def test_three_dimensional_x_and_text_are_rejected():
    net = bp.Network.random([3, 1], "identity")
    with pytest.raises(ValueError, match="2-D"):
        net.forward(np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match="numeric"):
        net.forward([["a", "b", "c"]])


@pytest.mark.parametrize(
    ("weights", "biases", "acts", "pattern"),
    [
        ([], [], "relu", "at least one layer"),
        ([np.ones((2, 2))], [], "relu", "1 weight matrices but 0 bias"),
        ([np.ones((2, 2))], [np.ones(2)], ["relu", "relu"], "1 layers but 2 activations"),
        ([np.ones((2, 3))], [np.ones(2)], "relu", r"\(2, 3\).*\(3,\).*\(2,\)"),
        ([np.ones((2, 3)), np.ones((2, 1))], [np.ones(3), np.ones(1)], "relu", r"layer 2.*3 rows"),
        ([np.ones(3)], [np.ones(3)], "relu", r"W\[1\] must be 2-D"),
        ([np.ones((1, 3))], [np.ones((1, 3))], "relu", r"b\[1\] must be 1-D"),
    ],
)
def test_bad_construction_raises_a_clear_error(weights, biases, acts, pattern):
    with pytest.raises(ValueError, match=re.compile(pattern)):
        bp.Network(weights, biases, acts)


def test_delta_rms_is_the_root_mean_square_of_each_layers_deltas():
    net = bp.Network.random([4, 6, 5, 3], ["tanh", "relu", "identity"], seed=2)
    rng = np.random.default_rng(3)
    g = net.gradients(rng.normal(size=(7, 4)), rng.normal(size=(7, 3)))
    r = g.delta_rms()
    assert r.shape == (3,)
    for l, d in enumerate(g.dz):
        assert r[l] == pytest.approx(math.sqrt(sum(v * v for v in d.ravel()) / d.size), rel=1e-14)
