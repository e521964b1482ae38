"""The exercises of chapter 3, checked against independent derivations with autograd.

(tests/exercises/test_registry.py checks every registered exercise's mechanics; this file checks
the numbers, computed here from the exercises' parameters without the library.)
"""

from __future__ import annotations

import autograd.numpy as anp
import backprop.exercises as E
import numpy as np
import pytest
from autograd import elementwise_grad, grad

from tests.bank.bank_helpers import FACTOR_2, HALF, SIGN

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


# ---- ch03.gradient-formula: a parameter's gradient as a formula ------------------------------

FORMULA_SEEDS = range(41)
DIFFERS = "Not quite: your formula differs from the answer. Try again."


def test_the_gradient_formula_at_a_forward_pass_is_the_gradient_autograd_takes():
    from backprop.exercises.formula import evaluate, parse_formula

    rng = np.random.default_rng(3)
    asked = set()
    for seed in FORMULA_SEEDS:
        ex = E.make("ch03.gradient-formula", seed)
        param = ex.params["param"]
        k, which = int(param[1]), 0 if param[0] == "b" else 1
        tree = parse_formula(ex.formula, ex.variables).tree
        for _ in range(3):
            beta, omega = rng.uniform(-1, 1, 4), rng.uniform(-1.5, 1.5, 4)
            x, y = rng.uniform(-1, 1), rng.uniform(-1.5, 1.5)
            f, h = forward(beta, omega, x)
            values = {f"f{j}": f[j] for j in range(4)} | {f"h{j}": h[j] for j in range(1, 4)}
            values |= {f"w{j}": omega[j] for j in range(4)} | {"x": x, "y": y}
            got = evaluate(tree, {v.name: values[v.name] for v in ex.variables})
            want = grad(loss, which)(beta, omega, [x], [y])[k]
            assert got == pytest.approx(want, rel=1e-10, abs=1e-12), (seed, param)
        asked.add(param)
    assert asked == {"w0", "w1", "w2", "w3", "b0", "b1", "b2"}
    ex = E.make("ch03.gradient-formula")
    assert ex.params["param"] == "w1"  # chapter 2 works out w2's gradient itself
    assert [v.name for v in ex.variables] == ["h1", "f1", "f2", "f3", "y", "w2", "w3"]


def test_the_gradient_formula_checks_its_answer_and_names_the_slips():
    for seed in FORMULA_SEEDS:
        ex = E.make("ch03.gradient-formula", seed)
        f = ex.formula
        assert ex.check(f).correct, seed
        assert ex.check(f"2*{f}").message == FACTOR_2, seed
        assert ex.check(f.replace("2*(f3 - y)", "(f3 - y)")).message == HALF, seed
        assert ex.check(f.replace("(f3 - y)", "(y - f3)")).message == SIGN, seed
        if "sin(f2)" in f:  # cos' = -sin: the sign dropped, or cos' taken as sin' = cos
            assert ex.check(f.replace("(-sin(f2))", "sin(f2)")).message == SIGN, seed
            assert ex.check(f.replace("(-sin(f2))", "cos(f2)")).message == DIFFERS, seed
        else:
            assert ex.check("2*(f3 - y)").message == DIFFERS, seed  # h3 left out
    ex = E.make("ch03.gradient-formula")
    assert ex.check("-2 h₁ exp(f₁) ω2 sin(f₂) ω3 (f3 - y)").correct
    message = ex.check("h3 * 2 * (f3 - y)").message
    assert message.startswith("There is no `h3` in this question; the variables are h₁ (h1)")


# ---- ch03.find-the-bug: both backward passes with one slip -----------------------------------


def run(listing, beta, omega, f, h, y):
    namespace = {"np": np}
    exec("\n".join(listing), namespace)
    return np.array(namespace["backward"](beta, omega, f, h, y), dtype=float)


def test_each_bug_variant_differs_from_the_right_listing_in_its_bug_line_only():
    from backprop.bank.ch03 import TOY_BACKWARD

    slips = set()
    for seed in range(120):
        ex = E.make("ch03.find-the-bug", seed)
        differ = [
            i + 1 for i, (a, b) in enumerate(zip(ex.listing, TOY_BACKWARD, strict=True)) if a != b
        ]
        assert differ == [ex.bug], seed
        assert ex.listing[ex.bug - 1].strip() == ex.params["wrong"]
        assert TOY_BACKWARD[ex.bug - 1].strip() == ex.params["right"]
        assert f"`{ex.params['right']}`" in ex.solution and ex.explanation in ex.solution
        slips.add(ex.listing[ex.bug - 1])
    assert len(slips) == 12  # every slip is handed out
    assert E.make("ch03.find-the-bug").params["wrong"] == "dl_df2 = -np.sin(h[3]) * dl_dh3"


def test_the_right_listing_agrees_with_the_library_and_every_buggy_one_does_not():
    from backprop import ToyModel
    from backprop.bank.ch03 import TOY_BACKWARD

    rng = np.random.default_rng(4)
    for _ in range(5):
        beta, omega = rng.uniform(-1, 1, 4), rng.choice([-1, 1], 4) * rng.uniform(0.5, 1.5, 4)
        x, y = rng.uniform(-1, 1), rng.uniform(-1.5, 1.5)
        model = ToyModel(beta, omega)
        trace = model.forward(x)
        f, h = [float(v) for v in trace.f], [float(v) for v in trace.h]
        g = model.backward(trace, y)
        want = np.array([g.dl_dbeta, g.dl_domega])
        np.testing.assert_allclose(run(TOY_BACKWARD, beta, omega, f, h, y), want, rtol=1e-13)
        for seed in range(40):
            ex = E.make("ch03.find-the-bug", seed)
            got = run(ex.listing, beta, omega, f, h, y)
            assert not np.allclose(got, want, rtol=1e-6), (seed, ex.params["wrong"])


def test_picking_a_line_gets_the_verdict_and_the_note():
    for seed in range(20):
        ex = E.make("ch03.find-the-bug", seed)
        assert ex.check(ex.bug) == E.Feedback(
            True, f"Correct: line {ex.bug} is the bug.", "correct"
        )
        assert ex.check(f"line {ex.bug}").correct
        for line in range(1, len(ex.listing) + 1):
            if line != ex.bug:
                fb = ex.check(line)
                assert fb.verdict == "wrong" and fb.message.startswith(f"Not line {line}: ")
        assert ex.check(13).verdict == "invalid"
        student = ex.spec(student=True)
        assert student["bug"] == 0 and student["notes"] == {} and student["explanation"] == ""


# ---- ch03.tanh-backward: tanh's backward step in code ---------------------------------------

elementwise_tanh_slope = elementwise_grad(anp.tanh)


def defined(source, name):
    namespace = {"np": np}
    exec(source, namespace)
    return namespace[name]


def test_the_tanh_backward_tests_expect_what_autograd_gives_and_the_reference_passes():
    for seed in range(6):
        ex = E.make("ch03.tanh-backward", seed)
        for test in ex.tests:
            z, upstream = test.args
            assert test.check(elementwise_tanh_slope(z) * upstream) is None, (seed, test.name)
        assert E.check_code("ch03.tanh-backward", ex.reference_function(), seed).passed
        assert np.shape(ex.tests[0].args[0]) == (1, 3)  # a batch of one sample
        assert np.all(ex.tests[2].args[0] == 0)  # z = 0


def test_the_tanh_backward_names_what_is_wrong_with_a_slip():
    ex = E.make("ch03.tanh-backward")
    r = E.check_code("ch03.tanh-backward", defined(ex.template, "tanh_backward"))
    assert {res.message for res in r.results} == {
        "it still raises NotImplementedError: replace that line with your code"
    }
    r = E.check_code("ch03.tanh-backward", lambda z, g: 2 * (1 - np.tanh(z) ** 2) * g)
    assert r.results[0].message.startswith("dL/dz is off by a constant factor: it is 2 times")
    r = E.check_code("ch03.tanh-backward", lambda z, g: ((1 - np.tanh(z) ** 2) * g).T)
    assert r.results[1].message == "dL/dz has shape (3, 2); expected (2, 3) (transposed?)"
    # f'(a) for f'(z): tanh' taken at the output a = tanh(z).
    r = E.check_code("ch03.tanh-backward", lambda z, g: (1 - np.tanh(np.tanh(z)) ** 2) * g)
    assert r.results[0].message.startswith("dL/dz is wrong at index [0, ")
    r = E.check_code("ch03.tanh-backward", lambda z, g: 1 - np.tanh(z) ** 2)  # no upstream
    assert not r.passed

    def in_place(z, upstream):
        upstream *= 1 - np.tanh(z) ** 2
        return upstream

    r = E.check_code("ch03.tanh-backward", in_place)
    message = "it changed its input `upstream` in place: compute a new array instead"
    assert r.results[0].message == message


def test_no_other_seed_hands_out_the_books_formula_or_listing():
    book = E.make("ch03.gradient-formula").formula
    assert all(E.make("ch03.gradient-formula", s).formula != book for s in range(1, 120))
    listing = E.make("ch03.find-the-bug").listing
    assert all(E.make("ch03.find-the-bug", s).listing != listing for s in range(1, 120))
