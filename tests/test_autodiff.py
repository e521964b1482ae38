"""backprop.autodiff: each operation against central differences, the engine against the
book's hand-written backward passes (ToyModel.backward, Network.backward), deep graphs,
calling backward twice, and bad input."""

from __future__ import annotations

import math

import backprop as bp
import numpy as np
import pytest
from backprop.autodiff import Value, values
from hypothesis import given, settings
from hypothesis import strategies as st

H = 1e-6
finite = st.floats(-3.0, 3.0, allow_nan=False)
positive = st.floats(0.1, 5.0)

# name -> (function of Values, strategy for each argument)
UNARY = {
    "neg": (lambda a: -a, finite),
    "exp": (Value.exp, finite),
    "log": (Value.log, positive),
    "sin": (Value.sin, finite),
    "cos": (Value.cos, finite),
    "tanh": (Value.tanh, finite),
    "sigmoid": (Value.sigmoid, st.floats(-30.0, 30.0)),
    "relu": (Value.relu, finite.filter(lambda a: abs(a) > 1e-3)),
    "square": (lambda a: a**2, finite),
    "cube": (lambda a: a**3, finite),
    "sqrt": (lambda a: a**0.5, positive),
    "inverse": (lambda a: a**-1.5, positive),
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "max": lambda a, b: a.max(b),
}


def central(f, xs, i):
    up, down = list(xs), list(xs)
    up[i] += H
    down[i] -= H
    return (f(*values(up)).data - f(*values(down)).data) / (2 * H)


def grads(f, xs):
    vs = values(xs)
    f(*vs).backward()
    return [v.grad for v in vs]


@pytest.mark.parametrize("name", sorted(UNARY))
def test_each_unary_operation_matches_central_differences(name):
    f, args = UNARY[name]

    @settings(max_examples=60, deadline=None)
    @given(args)
    def check(a):
        [g] = grads(f, [a])
        assert g == pytest.approx(central(f, [a], 0), rel=1e-6, abs=1e-7)

    check()


@pytest.mark.parametrize("name", sorted(BINARY))
def test_each_binary_operation_matches_central_differences(name):
    f = BINARY[name]

    @settings(max_examples=60, deadline=None)
    @given(finite, finite.filter(lambda b: abs(b) > 0.1))
    def check(a, b):
        if name == "max" and abs(a - b) < 1e-3:
            return  # max has no derivative on its kink
        g = grads(f, [a, b])
        for i in range(2):
            assert g[i] == pytest.approx(central(f, [a, b], i), rel=1e-6, abs=1e-7)

    check()


def test_the_gate_patterns():
    x, y, z = values([2.0, -1.0, 4.0])
    f = x + y  # add distributes the upstream gradient unchanged
    (f * 3.0).backward()
    assert (x.grad, y.grad) == (3.0, 3.0)
    (x * y).backward()  # multiply swaps its inputs
    assert (x.grad, y.grad) == (-1.0, 2.0)
    x.max(z).backward()  # max routes the whole gradient to the larger input
    assert (x.grad, z.grad) == (0.0, 1.0)
    (x * x + x).backward()  # a fork sums: d/dx (x^2 + x) = 2x + 1, three uses add up
    assert x.grad == 5.0
    v = Value(1.0)
    assert v.max(1.0).op == "max" and (v.max(1.0).backward() or v.grad) == 1.0  # a tie: first


def test_numbers_mix_with_values_on_either_side():
    x = Value(2.0)
    f = 1.0 - 3 * x + 4 / x + x / 2 + (5 + x)
    f.backward()
    assert f.data == pytest.approx(1 - 6 + 2 + 1 + 7)
    assert x.grad == pytest.approx(-3 - 4 / 4 + 0.5 + 1)


def test_sigmoid_is_stable_far_out():
    assert Value(-800.0).sigmoid().data == 0.0 and Value(800.0).sigmoid().data == 1.0
    s = Value(-40.0)
    s.sigmoid().backward()
    assert s.grad == pytest.approx(math.exp(-40.0), rel=1e-12)


def test_a_chain_of_100000_nodes_needs_no_recursion():
    x = Value(0.5)
    v = x
    for _ in range(100_000):
        v = v + v.sin() * 1e-5  # a fork in every link: dv'/dv = 1 + 1e-5 cos v
    v.backward()
    assert len(v.graph()) == 400_001  # x, then sin, the constant, x and + for each link
    # The same derivative multiplied link by link by hand.
    want, a = 1.0, 0.5
    for _ in range(100_000):
        want *= 1.0 + 1e-5 * math.cos(a)
        a = a + math.sin(a) * 1e-5
    assert x.grad == pytest.approx(want, rel=1e-9) and want != 0.0


def test_graph_order_puts_every_node_after_its_inputs():
    a, b = values([1.0, 2.0])
    c = a * b
    d = c + a
    e = d * c + b.sin()
    order = e.graph()
    where = {id(n): i for i, n in enumerate(order)}
    assert len(order) == len(where)
    for n in order:
        for p in n._parents:
            assert where[id(p)] < where[id(n)]


def test_backward_twice_gives_the_same_gradients_not_twice_them():
    x, y = values([1.5, -0.5])
    f = x * y + x.exp()
    f.backward()
    first = (x.grad, y.grad)
    f.backward()
    assert (x.grad, y.grad) == first
    # A second output sharing x: its own gradient, not added to the first's; y is not in
    # g's graph, so g.backward() leaves it alone.
    g = x * 2.0
    g.backward()
    assert (x.grad, y.grad) == (2.0, first[1])
    # The gradient of a sum of outputs: add them first.
    (f + g).backward()
    assert x.grad == pytest.approx(first[0] + 2.0) and y.grad == pytest.approx(first[1])


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: Value("1.0"), TypeError, "real number"),
        (lambda: Value(True), TypeError, "real number"),
        (lambda: Value(float("nan")), ValueError, "finite"),
        (lambda: Value(1.0) + "a", TypeError, "operand must be a real number"),
        (lambda: Value(0.0).log(), ValueError, "positive"),
        (lambda: Value(1.0) / 0.0, ZeroDivisionError, "division by zero"),
        (lambda: Value(2.0) ** Value(2.0), TypeError, "constant"),
        (lambda: Value(-2.0) ** 0.5, ValueError, "whole exponent"),
        (lambda: Value(0.0) ** 0.5, ValueError, "no derivative"),
        (lambda: Value(1000.0).exp(), ValueError, "overflowed"),
        (lambda: Value(1e200) * 1e200, ValueError, "overflowed"),
        (lambda: Value(1e200) ** 3, ValueError, "overflowed"),
    ],
)
def test_bad_input_gets_a_clear_message(make, error, match):
    with pytest.raises(error, match=match):
        make()


# ---- the engine reproduces the book's backward passes ----------------------------------


def toy_loss(beta, omega, xs, ys):
    """L = sum_i (f[x_i, phi] - y_i)^2 for the toy model, in scalars."""
    total = Value(0.0)
    for x, y in zip(xs, ys, strict=True):
        h = Value(x)
        for k, g in enumerate((Value.sin, Value.exp, Value.cos, None)):
            f = beta[k] + omega[k] * h
            h = g(f) if g else f
        total = total + (h - y) ** 2
    return total


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_the_engine_reproduces_toymodel_backward(seed, n):
    rng = np.random.default_rng(seed)
    beta0, omega0 = rng.normal(0, 0.8, 4), rng.normal(0, 0.8, 4)
    xs, ys = rng.uniform(-1, 1, n), rng.normal(size=n)
    beta, omega = values(beta0), values(omega0)
    L = toy_loss(beta, omega, xs, ys)
    L.backward()
    want = bp.ToyModel(beta0, omega0).gradients(xs, ys)
    assert L.data == pytest.approx(want.loss, rel=1e-12)
    np.testing.assert_allclose([b.grad for b in beta], want.dl_dbeta, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose([w.grad for w in omega], want.dl_domega, rtol=1e-12, atol=1e-14)


ACT = {
    "identity": lambda v: v,
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "sin": Value.sin,
    "cos": Value.cos,
}


def network_loss(net, X, T, loss):
    """The network's loss built from scalars; returns (L, W as Values, b as Values)."""
    W = [[values(row) for row in Wl] for Wl in net.W]
    b = [values(bl) for bl in net.b]
    total = Value(0.0)
    for x, t in zip(X, T, strict=True):
        a = list(x)
        for Wl, bl, act in zip(W, b, net.activations, strict=True):
            a = [
                ACT[act.name](sum((a[i] * Wl[i][j] for i in range(len(a))), bl[j]))
                for j in range(len(bl))
            ]
        total = total + sum(((aj - tj) ** 2 for aj, tj in zip(a, t, strict=True)), Value(0.0))
    scale = {"sse": 1.0, "half_sse": 0.5, "mse": 1.0 / len(X)}[loss]
    return total * scale, W, b


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.lists(st.integers(1, 4), min_size=2, max_size=4),
    st.sampled_from(sorted(ACT)),
    st.sampled_from(["sse", "half_sse", "mse"]),
    st.integers(1, 3),
)
def test_the_engine_reproduces_network_backward(seed, sizes, act, loss, n):
    rng = np.random.default_rng(seed)
    net = bp.Network.random(sizes, act, seed=seed)
    net.b = [rng.normal(0, 0.5, b.shape) for b in net.b]
    X, T = rng.normal(size=(n, sizes[0])), rng.normal(size=(n, sizes[-1]))
    L, W, b = network_loss(net, X, T, loss)
    L.backward()
    want = net.gradients(X, T, loss)
    assert L.data == pytest.approx(want.loss, rel=1e-12)
    for l in range(net.n_layers):
        dW = np.array([[w.grad for w in row] for row in W[l]])
        scale = max(np.abs(want.dW[l]).max(), np.abs(want.db[l]).max(), 1e-300)
        np.testing.assert_allclose(dW, want.dW[l], rtol=1e-12, atol=1e-12 * scale)
        np.testing.assert_allclose(
            [v.grad for v in b[l]], want.db[l], rtol=1e-12, atol=1e-12 * scale
        )
