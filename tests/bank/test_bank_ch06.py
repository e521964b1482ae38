"""The exercises of chapter 6 (backprop.bank.ch06), checked against independent derivations.

Each answer is re-derived here from the exercise's parameters with autograd, without the
library. (tests/exercises/test_registry.py checks every registered exercise's mechanics.)
"""

from __future__ import annotations

import autograd.numpy as anp
import backprop.exercises as E
import numpy as np
import pytest
from autograd import grad

SEEDS = range(60)


def sig(z):
    return 1.0 / (1.0 + anp.exp(-z))


def logit(p):
    return np.log(p / (1.0 - p))


def answers(key):
    for seed in SEEDS:
        ex = E.make(key, seed)
        yield seed, ex, np.array(ex.answer)


def test_output_delta_is_the_derivative_of_half_the_squared_error_in_z():
    for seed, ex, a in answers("ch06.output-delta"):
        z, t = np.array(ex.params["z"]), np.array(ex.params["t"])
        expected = grad(lambda z, t=t: 0.5 * anp.sum((sig(z) - t) ** 2))(z)
        np.testing.assert_allclose(a, expected, rtol=1e-12, err_msg=str(seed))
        # The slip of note 003, f'(o) for f'(z), would give another answer.
        slip = (sig(z) - t) * sig(sig(z)) * (1 - sig(sig(z)))
        assert not np.allclose(a, slip, rtol=ex.rtol, atol=ex.atol), seed


def test_hidden_delta_sums_over_the_outputs_the_unit_feeds():
    for seed, ex, a in answers("ch06.hidden-delta"):
        p = ex.params
        u, dk = np.array(p["u"]), np.array(p["delta"])

        # Any loss whose gradient at the outputs' pre-activations is dk will do: take the
        # linear one, L = sum_k dk_k z2_k, with z2_k = u_k sigma(z_j) + const.
        def loss(zj, u=u, dk=dk):
            return anp.sum(dk * u * sig(zj))

        expected = grad(loss)(logit(p["h"]))
        np.testing.assert_allclose(a, [expected], rtol=1e-9, err_msg=str(seed))
        # Keeping only one output's path gives a wrong answer (the sum matters).
        h = p["h"]
        for k in range(2):
            one_path = h * (1 - h) * u[k] * dk[k]
            assert not np.isclose(a[0], one_path, rtol=ex.rtol, atol=ex.atol), seed


def test_weight_gradient_is_note_004s_formula_through_the_whole_network():
    for seed, ex, a in answers("ch06.weight-gradient"):
        p = ex.params
        zj, zk = logit(p["h"]), logit(np.array(p["y"]))
        u, t, x = np.array(p["u"]), np.array(p["t"]), p["x"]

        def loss(dw, zj=zj, zk=zk, u=u, t=t, x=x, h0=p["h"]):
            # Move w_ij by dw: z_j moves by x dw, h_j changes, both outputs follow.
            h = sig(zj + x * dw)
            y = sig(zk + u * (h - h0))
            return 0.5 * anp.sum((y - t) ** 2)

        np.testing.assert_allclose(a, [grad(loss)(0.0)], rtol=1e-9, err_msg=str(seed))


def test_batch_gradient_sums_the_samples_outer_products():
    for seed, ex, a in answers("ch06.batch-gradient"):
        p = ex.params
        A, D = np.array(p["A"]), np.array(p["D"])

        # A loss whose gradient at the layer's pre-activations Z = A W is D: sum(D * Z).
        def loss(W, A=A, D=D):
            return anp.sum(D * anp.dot(A, W))

        dW = grad(loss)(np.eye(2))
        assert a[0] == pytest.approx(dW[p["i"], p["j"]], rel=1e-12, abs=1e-12), seed


def test_the_books_variants_and_clean_answers():
    # Seed 0 is the variant printed in chapter 6; these numbers are worked by hand.
    assert E.make("ch06.hidden-delta").answer == (0.04104,)  # 0.6 * 0.4 * (0.096 + 0.075)
    assert E.make("ch06.weight-gradient").answer == (-0.03048,)
    assert E.make("ch06.batch-gradient").answer == (0.75,)  # 0.5 * -0.1 + 2 * 0.4
    out = E.make("ch06.output-delta").answer
    y = 1 / (1 + np.exp(-np.array([0.8, -0.4])))
    np.testing.assert_allclose(out, (y - [0, 1]) * y * (1 - y), rtol=1e-12)
    # Answers with few decimals carry no float noise: a student can type them exactly.
    for key in ("ch06.hidden-delta", "ch06.weight-gradient", "ch06.batch-gradient"):
        for seed in SEEDS:
            text = E.make(key, seed).answer_text
            assert len(text.lstrip("-")) <= 10, (key, seed, text)


def test_variants_differ_and_the_solution_shows_the_answer():
    for key in ("ch06.output-delta", "ch06.hidden-delta", "ch06.weight-gradient"):
        seen = set()
        for seed in SEEDS:
            ex = E.make(key, seed)
            seen.add(ex.answer)
            assert (
                f"{ex.answer[-1]:.6g}" in ex.solution
                or f"{ex.answer[-1]:.6f}".rstrip("0") in ex.solution
            ), (key, seed)
        assert len(seen) >= 40, key
