"""The exercises of the depth chapter (backprop.bank.depth), checked against independent
computations: a wide random ReLU network's measured mean squares, autograd through the sigmoid
chain and the residual layers, and the clipping formula written out with numpy.
(tests/exercises/test_registry.py checks every registered exercise's mechanics.)"""

from __future__ import annotations

import autograd.numpy as anp
import backprop.exercises as E
import numpy as np
from autograd import grad

SEEDS = range(60)


def answers(key):
    for seed in SEEDS:
        ex = E.make(key, seed)
        yield seed, ex, ex.answer[0]


def test_relu_forward_is_q_times_c_over_2_to_the_k():
    for seed, ex, a in answers("ch08.relu-forward"):
        p = ex.params
        assert a == p["q"] * (p["c"] / 2) ** p["k"], seed
        assert p["c"] != 2  # He's variance would make the answer q: nothing to compute


def test_relu_forward_matches_random_networks():
    # Measured, not derived: the mean square after 3 ReLU layers of width 128 with weight
    # variance 1/n, averaged over 30 draws of the weights (the derivation's expectation).
    rng = np.random.default_rng(0)
    n, k, ms = 128, 3, []
    for _ in range(30):
        z = rng.normal(size=(500, n))
        for _ in range(k):
            z = np.maximum(z, 0) @ rng.normal(0, np.sqrt(1 / n), size=(n, n))
        ms.append(np.mean(z**2))
    assert abs(np.mean(ms) / 0.5**k - 1) < 0.06


def test_sigmoid_chain_against_autograd():
    def sig(z):
        return 1 / (1 + anp.exp(-z))

    for seed, ex, a in answers("ch08.sigmoid-chain"):
        p = ex.params
        w, L, d = p["w"], p["L"], p["delta_L"]

        def z_L(z1, w=w, L=L):  # z^(L) as a function of z^(1), biases -w/2 (all z at 0)
            z = z1
            for _ in range(L - 1):
                z = w * sig(z) - w / 2
            return z

        # delta^(1) = dL/dz^(1) = dz^(L)/dz^(1) * delta^(L)
        np.testing.assert_allclose(a, grad(z_L)(0.0) * d, rtol=1e-12, err_msg=str(seed))
        assert ex.atol == 0.0 and abs(a) > 1e-5, seed
        assert not ex.check("0").correct


def test_clip_is_the_entry_times_max_norm_over_the_norm():
    for seed, ex, a in answers("ch08.clip"):
        p = ex.params
        norm = np.sqrt(sum(v * v for v in p["norms"]))
        assert norm > p["max_norm"], seed
        np.testing.assert_allclose(a, p["entry"] * p["max_norm"] / norm, rtol=1e-14)
        # Clipping each part to max_norm separately is another answer.
        alone = p["entry"] * min(1.0, p["max_norm"] / p["norms"][0])
        assert not np.isclose(a, alone, rtol=ex.rtol) or alone == p["entry"] * 0, seed


def test_residual_against_autograd_and_unlike_the_plain_chain():
    for seed, ex, a in answers("ch08.residual"):
        p = ex.params
        w = p["w"]

        def two(x, w=w):
            for _ in range(2):
                x = x + w * anp.tanh(x)
            return x

        def plain(x, w=w):  # the same branches with no skip connection
            for _ in range(2):
                x = w * anp.tanh(x)
            return x

        np.testing.assert_allclose(a, grad(two)(p["x"]), rtol=1e-13, err_msg=str(seed))
        assert not np.isclose(a, grad(plain)(p["x"]), rtol=ex.rtol), seed


def test_the_books_variants_and_variety():
    assert E.make("ch08.relu-forward").answer == (2.0**-10,)
    assert E.make("ch08.sigmoid-chain").answer[0] == 4.0**-7
    np.testing.assert_allclose(E.make("ch08.clip").answer, (2 * 5 / 13,), rtol=1e-15)
    assert E.make("ch08.residual").params == {"x": 1.0, "w": 0.5}
    for key in ("ch08.relu-forward", "ch08.sigmoid-chain", "ch08.clip", "ch08.residual"):
        assert len({E.make(key, s).answer for s in SEEDS}) >= 15, key
