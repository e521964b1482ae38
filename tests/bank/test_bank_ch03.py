"""The exercises of chapter 3, checked against independent derivations with autograd.

(tests/exercises/test_registry.py checks every registered exercise's mechanics; this file checks
the numbers, computed here from the exercises' parameters without the library.)
"""

from __future__ import annotations

import autograd.numpy as anp
import backprop.exercises as E
import numpy as np
import pytest
from autograd import grad

SEEDS = range(60)
KEYS = ["ch03.dl-df3", "ch03.dl-dh3", "ch03.dl-dbeta", "ch03.dl-domega"]


def forward(beta, omega, x):
    """f_0..f_3 and h_0..h_3 of the toy model, written out."""
    f0 = beta[0] + omega[0] * x
    h1 = anp.sin(f0)
    f1 = beta[1] + omega[1] * h1
    h2 = anp.exp(f1)
    f2 = beta[2] + omega[2] * h2
    h3 = anp.cos(f2)
    f3 = beta[3] + omega[3] * h3
    return [f0, f1, f2, f3], [x, h1, h2, h3]


def loss(beta, omega, xs, ys):
    """L = sum_i (f[x_i] - y_i)^2."""
    total = 0.0
    for x, y in zip(xs, ys, strict=True):
        total = total + (forward(beta, omega, x)[0][3] - y) ** 2
    return total


def variants(key):
    for seed in SEEDS:
        ex = E.make(key, seed)
        p = ex.params
        beta, omega = np.array(p["beta"]), np.array(p["omega"])
        yield seed, ex, np.array(ex.answer), beta, omega, p


def test_dl_df3_is_the_derivative_of_the_loss_at_the_output():
    for seed, ex, a, beta, omega, p in variants("ch03.dl-df3"):
        (x,), (y,) = p["x"], p["y"]
        f, h = forward(beta, omega, x)
        by_f3 = grad(lambda f3, y=y: (f3 - y) ** 2)(f[3])
        # ∂f_3/∂β_3 = 1, so ∂ℓ/∂f_3 is also ∂ℓ/∂β_3.
        by_beta3 = grad(loss)(beta, omega, [x], [y])[3]
        np.testing.assert_allclose(a, [by_f3], rtol=1e-12, err_msg=str(seed))
        np.testing.assert_allclose(a, [by_beta3], rtol=1e-10, err_msg=str(seed))
        # The question shows h_3 rounded, and the answer worked from it is marked correct.
        shown = p["shown"]["h3"]
        assert abs(shown - h[3]) <= 5e-5 and f"{shown:.4f}" in ex.question, seed
        assert ex.check(2 * (beta[3] + omega[3] * shown - y)).correct, seed


def test_dl_dh3_and_dl_df2_are_derivatives_of_the_tail_of_the_model():
    for seed, ex, a, beta, omega, p in variants("ch03.dl-dh3"):
        (x,), (y,) = p["x"], p["y"]
        f, h = forward(beta, omega, x)

        def from_h3(h3, beta=beta, omega=omega, y=y):
            return (beta[3] + omega[3] * h3 - y) ** 2

        def from_f2(f2, beta=beta, omega=omega, y=y):
            return from_h3(anp.cos(f2), beta, omega, y)

        expected = [grad(from_h3)(h[3]), grad(from_f2)(f[2])]
        np.testing.assert_allclose(a, expected, rtol=1e-12, err_msg=str(seed))
        s = p["shown"]
        assert abs(s["f2"] - f[2]) <= 5e-5 and abs(s["f3"] - f[3]) <= 5e-5, seed
        dh3 = omega[3] * 2 * (s["f3"] - y)
        assert ex.check([dh3, -np.sin(s["f2"]) * dh3]).correct, seed


def test_dl_dbeta_is_the_gradient_of_the_summed_loss():
    for seed, ex, a, beta, omega, p in variants("ch03.dl-dbeta"):
        xs, ys = p["x"], p["y"]
        assert len(xs) == 2 and xs[0] != xs[1], seed
        np.testing.assert_allclose(
            a, grad(loss)(beta, omega, xs, ys), rtol=1e-10, err_msg=str(seed)
        )
        # The table shown: ∂ℓ_i/∂f_k = ∂ℓ_i/∂β_k for each point on its own.
        table = np.array(p["shown"]["dl_df"])  # [k][i]
        for i in range(2):
            per_point = grad(loss)(beta, omega, [xs[i]], [ys[i]])
            np.testing.assert_allclose(table[:, i], per_point, atol=5e-5, rtol=0)
            assert np.all(np.abs(per_point) >= 0.02), seed  # both points matter
        assert ex.check(table.sum(axis=1)).correct, seed


def test_dl_domega_is_the_gradient_with_respect_to_the_slopes():
    for seed, ex, a, beta, omega, p in variants("ch03.dl-domega"):
        (x,), (y,) = p["x"], p["y"]
        np.testing.assert_allclose(
            a, grad(loss, 1)(beta, omega, [x], [y]), rtol=1e-10, err_msg=str(seed)
        )
        f, h = forward(beta, omega, x)
        s = p["shown"]
        np.testing.assert_allclose(s["h"], h, atol=5e-5, rtol=0)
        np.testing.assert_allclose(s["dl_df"], grad(loss)(beta, omega, [x], [y]), atol=5e-5, rtol=0)
        assert ex.check(np.array(s["h"]) * np.array(s["dl_df"])).correct, seed


@pytest.mark.parametrize("key", KEYS)
def test_variants_are_fair_and_varied(key):
    answers = set()
    for seed, ex, a, beta, omega, _p in variants(key):
        assert np.all(np.abs(a) >= 0.1), (seed, a)  # no answer hides near zero
        assert np.all(np.abs(omega) >= 0.5) and np.all(np.abs(beta) <= 1.0), seed
        # A slip that forgets the sign is told so.
        assert ex.check(-a).message == "Not quite: check the sign.", seed
        answers.add(tuple(np.round(a, 6)))
    assert len(answers) >= 55


@pytest.mark.parametrize("key", KEYS)
def test_the_books_variant_uses_the_chapters_model(key):
    p = E.make(key, 0).params
    assert p["beta"] == [0.3, -0.2, 0.1, 0.4]
    assert p["omega"] == [1.2, 0.8, -0.5, 1.5]


def test_the_books_numbers_are_stable():
    # Worked out independently from the chapter's model at x = -0.4, y = 0.5.
    beta, omega = np.array([0.3, -0.2, 0.1, 0.4]), np.array([1.2, 0.8, -0.5, 1.5])
    f, _ = forward(beta, omega, -0.4)
    assert E.make("ch03.dl-df3").answer[0] == pytest.approx(2 * (f[3] - 0.5), rel=1e-12)
    assert E.make("ch03.dl-df3").answer[0] == pytest.approx(2.7032, abs=1e-4)
