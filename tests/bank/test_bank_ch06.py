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
from backprop import Network
from backprop.bank.ch06 import DELTAS_BACKWARD, DELTAS_SLIPS

from tests.bank.bank_helpers import agrees

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


# ---- find the bug ----------------------------------------------------------------------------


#: What the chapter's listing calls besides numpy: the sigmoid and its slope.
SIGMOID = {"sigmoid": sig, "sigmoid_slope": lambda z: sig(z) * (1 - sig(z))}


def deltas_case():
    """A batch of 4 for the chapter's 2-3-2 sigmoid network, and the library's gradients."""
    rng = np.random.default_rng(6)
    X, T = rng.normal(size=(4, 2)), rng.integers(0, 2, size=(4, 2)).astype(float)
    W1, b1 = rng.normal(size=(2, 3)), rng.normal(size=3)
    W2, b2 = rng.normal(size=(3, 2)), rng.normal(size=2)
    g = Network([W1, W2], [b1, b2], "sigmoid").gradients(X, T, "mse")
    return (X, T, W1, b1, W2, b2), (g.dW[0], g.db[0], g.dW[1], g.db[1])


def test_the_correct_delta_listing_agrees_with_the_library_and_every_slip_does_not():
    args, want = deltas_case()
    assert agrees(DELTAS_BACKWARD, "backward", args, want, SIGMOID)
    for name, line, wrong, _ in DELTAS_SLIPS:
        lines = list(DELTAS_BACKWARD)
        lines[line - 1] = wrong
        assert not agrees(lines, "backward", args, want, SIGMOID), (name, line)


def test_delta_bug_variants_differ_from_the_correct_listing_in_the_bug_line_only():
    for seed in range(41):
        ex = E.make("ch06.deltas-bug", seed)
        differ = [
            i + 1
            for i, (a, b) in enumerate(zip(ex.listing, DELTAS_BACKWARD, strict=True))
            if a != b
        ]
        assert differ == [ex.bug], seed
        assert ex.check(str(ex.bug)).verdict == "correct"
        assert ex.bug not in ex.notes and len(ex.notes) == len(ex.listing) - 1
        other = 11 if ex.bug != 11 else 2
        assert ex.check(other).message.startswith(f"Not line {other}: "), seed
        assert f"`{DELTAS_BACKWARD[ex.bug - 1].strip()}`" in ex.solution
    assert E.make("ch06.deltas-bug").params["slip"] == "a path overwritten instead of summed"
    planted = {
        (E.make("ch06.deltas-bug", s).params["slip"], E.make("ch06.deltas-bug", s).bug)
        for s in range(120)
    }
    assert planted == {(name, line) for name, line, *_ in DELTAS_SLIPS}  # every slip is handed out


# ---- code: dense_backward --------------------------------------------------------------------


def dense_by_autograd(X, W, b, dZ):
    def loss(X, W, b):
        return anp.sum(dZ * (anp.dot(X, W) + b))

    return tuple(grad(loss, i)(X, W, b) for i in range(3))


def test_dense_backward_reference_and_autograd_pass_every_test():
    for seed in range(6):
        ex = E.make("ch06.dense-backward", seed)
        assert ex.report(ex.reference_function()).passed, seed
        assert ex.report(dense_by_autograd).passed, seed


def test_dense_backward_slips_fail_with_the_message_a_student_should_see():
    ex = E.make("ch06.dense-backward")

    def unfinished(X, W, b, dZ):
        raise NotImplementedError

    def doubled(X, W, b, dZ):
        dX, dW, db = dense_by_autograd(X, W, b, dZ)
        return dX, 2 * dW, db

    def transposed(X, W, b, dZ):
        dX, dW, db = dense_by_autograd(X, W, b, dZ)
        return dX, dW.T, db

    def not_transposed(X, W, b, dZ):
        return dZ @ W, X.T @ dZ, dZ.sum(axis=0)

    def in_place(X, W, b, dZ):
        dX, dW, db = dense_by_autograd(X, W, b, dZ)
        dZ *= 1.5
        return dX, dW, db

    report = ex.report(unfinished)
    assert not report.passed and all("NotImplementedError" in r.message for r in report.results)
    assert "dW is off by a constant factor: it is 2 times" in ex.report(doubled).summary
    assert "dW has shape (3, 2); expected (2, 3) (transposed?)" in ex.report(transposed).summary
    failed = {r.name: r.message for r in ex.report(not_transposed).results if not r.passed}
    square = "a square W (3 inputs, 3 units), where a missing transpose keeps the shapes"
    assert len(failed) == 5 and failed[square].startswith("dX is wrong at index")
    assert "changed its input `dZ` in place" in ex.report(in_place).summary


# ---- formula: a hidden unit's delta ----------------------------------------------------------


def test_delta_formula_checks_its_own_answer_and_the_slips():
    kinds = set()
    for seed in range(41):
        ex = E.make("ch06.delta-formula", seed)
        f, j, df = ex.formula, ex.params["unit"], ex.params["activation"]
        kinds.add((j, df))
        assert ex.check(f).verdict == "correct", seed
        assert ex.check(f"2*{f}").message.startswith("Right up to a constant factor: yours is 2 ")
        assert ex.check(f"-{f}").message == "Right up to the sign: check the sign."
        one_path = f"{df}(z{j})*u{j}1*d1"
        assert ex.check(one_path).message.startswith("Not quite"), seed
        at_output = f.replace(f"{df}(z{j})", f"{df}({df[:-1]}(z{j}))")  # f'(a) for f'(z)
        if df == "relu'":  # relu'(relu(z)) = relu'(z): the chapter's note on the ReLU
            assert ex.check(at_output).correct
        else:
            assert ex.check(at_output).message.startswith("Not quite"), seed
    assert len(kinds) >= 8
    assert E.make("ch06.delta-formula").formula == "sigma'(z2)*(u21*d1 + u22*d2)"


def test_delta_formula_is_the_library_hidden_delta():
    from backprop.exercises.formula import evaluate, parse_formula

    rng = np.random.default_rng(6)
    names = {"sigma'": "sigmoid", "tanh'": "tanh", "relu'": "relu"}
    for seed in range(20):
        ex = E.make("ch06.delta-formula", seed)
        j, df = ex.params["unit"], ex.params["activation"]
        tree = parse_formula(ex.formula, ex.variables).tree
        # A 2-3-2 network whose output deltas are D: a linear output layer with the loss
        # sum(D * y), i.e. half_sse against targets y - D.
        W1, b1 = rng.normal(size=(2, 3)), rng.normal(size=3)
        W2, b2 = rng.normal(size=(3, 2)), rng.normal(size=2)
        x, D = rng.normal(size=(1, 2)), rng.uniform(-0.5, 0.5, size=(1, 2))
        net = Network([W1, W2], [b1, b2], [names[df], "identity"])
        trace = net.forward(x)
        grads = net.backward(trace, trace.output - D, "half_sse")
        values = {
            f"z{j}": trace.z[0][0, j - 1],
            f"u{j}1": W2[j - 1, 0],
            f"u{j}2": W2[j - 1, 1],
            "d1": D[0, 0],
            "d2": D[0, 1],
        }
        want = grads.dz[0][0, j - 1]
        assert evaluate(tree, values) == pytest.approx(want, rel=1e-9, abs=1e-12), seed
