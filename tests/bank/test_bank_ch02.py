"""The exercises of chapter 2, checked against independent derivations.

(tests/exercises/test_registry.py checks every registered exercise's mechanics; this file
checks the numbers, recomputed here with the math module and plain loops, without
the library.)
"""

from __future__ import annotations

import math

import backprop.exercises as E
import numpy as np
import pytest

SEEDS = range(60)
KEYS = ("ch02.toy-forward", "ch02.layer", "ch02.transpose", "ch02.loss-sum")


def answers(key):
    for seed in SEEDS:
        ex = E.make(key, seed)
        yield seed, ex, np.array(ex.answer)


def toy(x, beta, omega):
    """(h1, h2, h3, f3) of the toy model, one scalar operation at a time."""
    f0 = beta[0] + omega[0] * x
    h1 = math.sin(f0)
    f1 = beta[1] + omega[1] * h1
    h2 = math.exp(f1)
    f2 = beta[2] + omega[2] * h2
    h3 = math.cos(f2)
    f3 = beta[3] + omega[3] * h3
    return h1, h2, h3, f3


G = {
    "sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)),
    "relu": lambda z: z if z > 0 else 0.0,
    "tanh": math.tanh,
}


def test_the_chapter_2_exercises_are_registered():
    assert set(KEYS) <= set(E.keys())


def test_toy_forward_matches_the_steps_written_out():
    for seed, ex, a in answers("ch02.toy-forward"):
        p = ex.params
        expected = toy(p["x"], p["beta"], p["omega"])
        np.testing.assert_allclose(a, expected, rtol=1e-13, err_msg=str(seed))
        assert np.all(np.abs(a) > 0.05), seed  # no step lands near 0
        assert 0 not in p["omega"], seed  # every layer passes its input on
    ex = E.make("ch02.toy-forward")
    assert ex.params == {"beta": [0.0, 0.5, -1.0, 0.0], "omega": [2.0, -1.0, 1.0, 1.5], "x": 1.0}
    h1 = math.sin(2.0)
    h2 = math.exp(0.5 - h1)
    h3 = math.cos(-1.0 + h2)
    assert ex.answer == pytest.approx((h1, h2, h3, 1.5 * h3), rel=1e-14)


def test_layer_is_the_activation_of_a_u_plus_b_entry_by_entry():
    seen = set()
    for seed, ex, a in answers("ch02.layer"):
        p = ex.params
        A, u, b, g = p["A"], p["u"], p["b"], G[p["activation"]]
        z = [sum(A[j][i] * u[i] for i in range(3)) + b[j] for j in range(2)]
        np.testing.assert_allclose(
            a, [g(zj) for zj in z], rtol=1e-13, atol=1e-15, err_msg=str(seed)
        )
        assert all(zj != 0 for zj in z) and abs(z[0] - z[1]) > 0.1, seed
        if p["activation"] == "relu":
            assert max(z) > 0, seed  # not every unit off
        seen.add(p["activation"])
        assert f"{p['activation']}" in ex.solution
    assert seen == set(G)  # every activation appears among the variants
    ex = E.make("ch02.layer")
    assert ex.params["activation"] == "sigmoid"
    assert ex.answer == pytest.approx((1 / (1 + math.exp(-2.0)), 1 / (1 + math.exp(-1.5))))


def test_transpose_gives_x_w_plus_b_row_by_row_which_is_a_u_plus_b_per_sample():
    for seed, ex, a in answers("ch02.transpose"):
        p = ex.params
        W, X, b = p["W"], p["X"], p["b"]
        rows = [
            [sum(X[n][i] * W[i][j] for i in range(3)) + b[j] for j in range(2)] for n in range(2)
        ]
        np.testing.assert_array_equal(a, np.ravel(rows), err_msg=str(seed))
        # The notes' column form, with A = W^T, gives the same numbers for each sample.
        A = [[W[i][j] for i in range(3)] for j in range(2)]
        for n in range(2):
            col = [sum(A[j][i] * X[n][i] for i in range(3)) + b[j] for j in range(2)]
            assert col == rows[n], seed
        # Reading the answer column by column instead would be wrong.
        assert not np.array_equal(a, np.ravel(np.array(rows).T)), seed
    assert E.make("ch02.transpose").answer == (-1.0, 3.0, -3.0, 0.0)


def test_loss_sum_adds_the_squared_residuals_and_the_mean_divides_by_three():
    for seed, ex, a in answers("ch02.loss-sum"):
        p = ex.params
        res = [toy(x, p["beta"], p["omega"])[3] - y for x, y in zip(p["x"], p["y"], strict=True)]
        L = sum(r * r for r in res)
        np.testing.assert_allclose(a, [L, L / 3], rtol=1e-13, err_msg=str(seed))
        assert len(set(p["x"])) == 3 and min(abs(r) for r in res) > 0.1, seed
    ex = E.make("ch02.loss-sum")
    assert ex.params["beta"] == [0.5, -0.5, 0.0, 0.5] and ex.params["x"] == [-1.0, 0.0, 1.0]


@pytest.mark.parametrize("key", KEYS)
def test_variants_differ_and_seed_zero_is_stable(key):
    answers_seen = {E.make(key, seed).answer for seed in SEEDS}
    assert len(answers_seen) >= 0.8 * len(SEEDS)
    assert E.make(key, 0).question == E.make(key, 0).question
