"""The exercises of chapter 4, checked against independent derivations.

(tests/exercises/test_registry.py checks every registered exercise's mechanics; this file
checks the numbers, computed here without the library.)
"""

from __future__ import annotations

import autograd.numpy as anp
import backprop.exercises as E
import numpy as np
import pytest
from autograd import grad
from backprop import Network
from backprop.bank.ch04 import RELU_BACKWARD, RELU_SLIPS

from tests.bank.bank_helpers import agrees

SEEDS = range(21)


def answers(key):
    for seed in SEEDS:
        ex = E.make(key, seed)
        yield seed, ex, np.array(ex.answer)


def test_mask_weight_gradient_is_the_input_times_the_masked_upstream_gradient():
    saw_zero = False
    for seed, ex, a in answers("ch04.mask"):
        x, z, g = (np.array(ex.params[k]) for k in ("x", "z", "g"))
        expected = [
            xi * gj * (1.0 if zj > 0 else 0.0) for xi in x for gj, zj in zip(g, z, strict=True)
        ]
        np.testing.assert_allclose(a, expected, rtol=0, atol=1e-12, err_msg=str(seed))
        assert a.size == 6 and 0 < (z > 0).sum() < 3, seed  # some units on, some off
        saw_zero |= bool(np.any(z == 0))
        # z >= 0 (ReLU'(0) = 1) would give another answer wherever some z is exactly 0.
        if np.any(z == 0):
            slip = np.outer(x, g * (z >= 0)).ravel()
            assert not np.allclose(a, slip, rtol=ex.rtol, atol=ex.atol), seed
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


# ---- find the bug ----------------------------------------------------------------------------


def relu_network_case():
    """A batch with an all-zero sample, zero hidden biases, and outputs of both signs."""
    rng = np.random.default_rng(4)
    X = np.vstack([np.zeros((1, 2)), rng.normal(size=(5, 2))])
    W1, W2 = rng.normal(size=(2, 3)), rng.normal(size=(3, 1))
    b1, b2 = np.zeros(3), np.array([0.1])
    T = rng.normal(size=(6, 1))
    net = Network([W1, W2], [b1, b2], ["relu", "identity"])
    g = net.gradients(X, T, "half_sse")
    assert (net.predict(X) > 0).any() and (net.predict(X) <= 0).any()
    return (X, T, W1, b1, W2, b2), (g.dW[0], g.db[0], g.dW[1], g.db[1])


def test_the_correct_relu_listing_agrees_with_the_library_and_every_slip_does_not():
    args, want = relu_network_case()
    assert agrees(RELU_BACKWARD, "backward", args, want)
    for name, line, wrong, _ in RELU_SLIPS:
        lines = list(RELU_BACKWARD)
        lines[line - 1] = wrong
        assert not agrees(lines, "backward", args, want), name


def test_relu_bug_variants_differ_from_the_correct_listing_in_the_bug_line_only():
    for seed in range(41):
        ex = E.make("ch04.relu-layer-bug", seed)
        differ = [
            i + 1 for i, (a, b) in enumerate(zip(ex.listing, RELU_BACKWARD, strict=True)) if a != b
        ]
        assert len(ex.listing) == len(RELU_BACKWARD) and differ == [ex.bug], seed
        assert ex.check(str(ex.bug)).verdict == "correct"
        assert ex.bug not in ex.notes and len(ex.notes) == len(ex.listing) - 1
        other = 3 if ex.bug != 3 else 2
        assert ex.check(other).message.startswith(f"Not line {other}: "), seed
        assert f"`{RELU_BACKWARD[ex.bug - 1].strip()}`" in ex.solution
    assert E.make("ch04.relu-layer-bug").params["slip"] == "the mask from the wrong layer"
    handed_out = {
        E.make(key, seed).params["slip"] for seed in range(120) for key in ["ch04.relu-layer-bug"]
    }
    assert handed_out == {name for name, *_ in RELU_SLIPS}  # every slip is handed out


# ---- code: relu_backward -------------------------------------------------------------------


def relu_reference(z, upstream):
    return np.where(z > 0, upstream, 0.0)


def test_relu_backward_reference_and_an_independent_solution_pass_every_test():
    for seed in range(6):
        ex = E.make("ch04.relu-backward", seed)
        assert ex.report(ex.reference_function()).passed, seed
        assert ex.report(relu_reference).passed, seed


def test_relu_backward_slips_fail_with_the_message_a_student_should_see():
    ex = E.make("ch04.relu-backward")

    def unfinished(z, upstream):
        raise NotImplementedError

    def in_place(z, upstream):
        upstream[z <= 0] = 0.0
        return upstream

    report = ex.report(unfinished)
    assert not report.passed and all("NotImplementedError" in r.message for r in report.results)
    assert "2 times the right one" in ex.report(lambda z, u: 2 * relu_reference(z, u)).summary
    transposed = ex.report(lambda z, u: relu_reference(z, u).T)
    assert "(transposed?)" in transposed.summary
    assert "changed its input `upstream` in place" in ex.report(in_place).summary
    # z >= 0 fails exactly the test of the book's convention relu'(0) = 0.
    at_zero = ex.report(lambda z, u: np.where(z >= 0, u, 0.0))
    assert [r.name for r in at_zero.results if not r.passed] == [
        "z exactly 0 passes no gradient (ReLU'(0) = 0)"
    ]


@pytest.mark.parametrize("seed", [0, 7])
def test_relu_backward_gradient_check_matches_autograd(seed):
    ex = E.make("ch04.relu-backward", seed)
    test = ex.tests[-1]
    z, g = test.args
    want = grad(lambda v: anp.sum(g * anp.maximum(v, 0.0)))(z)
    assert test.check(want) is None


# ---- formula: one ReLU unit's gradient -------------------------------------------------------


def test_relu_formula_checks_its_own_answer_and_the_slips():
    for seed in range(41):
        ex = E.make("ch04.relu-formula", seed)
        f = ex.formula
        assert ex.check(f).verdict == "correct", seed
        assert ex.check(f"2*({f})").message.startswith("Right up to a constant factor: yours is 2 ")
        assert ex.check(f"-({f})").message == "Right up to the sign: check the sign."
        # Without the indicator the unit never switches off: wrong where z < 0.
        no_mask = f.replace("relu'(w*x + b)", "1")
        assert ex.check(no_mask).message.startswith("Not quite"), seed
        # For the ReLU, f'(a) and f'(z) agree (the chapter's note): both are right.
        assert ex.check(f.replace("relu'(w*x + b)", "relu'(relu(w*x + b))")).correct
    assert E.make("ch04.relu-formula").formula == "(relu(w*x + b) - t)*relu'(w*x + b)*x"


def test_relu_formula_agrees_with_autograd_at_random_points():
    from backprop.exercises.formula import evaluate, parse_formula

    rng = np.random.default_rng(4)
    for seed in range(12):
        ex = E.make("ch04.relu-formula", seed)
        tree = parse_formula(ex.formula, ex.variables).tree
        half = 1.0 if ex.params["loss"] == "square" else 0.5

        def loss(v, half=half):
            w, x, b, t = v
            return half * (anp.maximum(w * x + b, 0.0) - t) ** 2

        for _ in range(10):
            v = rng.uniform(-2, 2, size=4)
            want = grad(loss)(v)["wxbt".index(ex.params["param"])]
            got = evaluate(tree, dict(zip("wxbt", v, strict=True)))
            assert got == pytest.approx(want, rel=1e-9, abs=1e-12), seed
