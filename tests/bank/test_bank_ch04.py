"""The exercises of chapter 4, checked against independent derivations.

(tests/exercises/test_registry.py checks every registered exercise's mechanics; this file
checks the numbers, computed here without the library.)
"""

from __future__ import annotations

import autograd.numpy as anp
import backprop.exercises as E
import numpy as np
from autograd import grad

SEEDS = range(21)


def answers(key):
    for seed in SEEDS:
        ex = E.make(key, seed)
        yield seed, ex, np.array(ex.answer)


def test_mask_is_the_heaviside_step_with_zero_at_zero():
    saw_zero = False
    for seed, ex, a in answers("ch04.mask"):
        z = np.array(ex.params["z"])
        np.testing.assert_array_equal(a, np.heaviside(z, 0.0))
        assert 0 < a.sum() < a.size, seed  # some units on, some off
        saw_zero |= bool(np.any(z == 0))
    assert saw_zero  # the z = 0 convention is tested by some variant


def test_masked_delta_keeps_the_upstream_gradient_only_where_z_is_positive():
    for seed, ex, a in answers("ch04.masked-delta"):
        z, g = np.array(ex.params["z"]), np.array(ex.params["g"])
        expected = [gi if zi > 0 else 0.0 for zi, gi in zip(z, g, strict=True)]
        np.testing.assert_allclose(a, expected, rtol=0, atol=1e-12, err_msg=str(seed))


def test_batch_bias_gradient_sums_masked_rows():
    for seed, ex, a in answers("ch04.batch-bias"):
        Z, G = np.array(ex.params["Z"]), np.array(ex.params["G"])
        expected = [sum(G[i, j] for i in range(3) if Z[i, j] > 0) for j in range(2)]
        np.testing.assert_allclose(a, expected, rtol=0, atol=1e-12, err_msg=str(seed))


def test_one_unit_gradient_matches_autograd():
    for seed, ex, a in answers("ch04.one-unit"):
        p = ex.params
        x = np.array(p["x"])

        def loss(w, x=x, p=p):
            return 0.5 * (anp.maximum(anp.dot(w, x) + p["b"], 0.0) - p["t"]) ** 2

        np.testing.assert_allclose(a, grad(loss)(np.array(p["w"])), rtol=1e-12, err_msg=str(seed))
