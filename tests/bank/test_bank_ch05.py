"""The exercises of chapter 5, checked against independent derivations.

(tests/exercises/test_registry.py checks every registered exercise's mechanics; this file
checks the numbers, computed here without the library.)
"""

from __future__ import annotations

import autograd.numpy as anp
import backprop.exercises as E
import numpy as np
import pytest
from autograd import grad
from backprop import Network, sgd_step
from backprop.bank.ch05 import TRAIN_SLIPS, TRAIN_STEP

from tests.bank.bank_helpers import agrees

SEEDS = range(21)


def answers(key):
    for seed in SEEDS:
        ex = E.make(key, seed)
        yield seed, ex, np.array(ex.answer)


def test_update_step_is_minus_eta_times_the_autograd_gradient():
    for seed, ex, a in answers("ch05.update-step"):
        p = ex.params

        def loss(wb, p=p):
            return 0.5 * (wb[0] * p["x"] + wb[1] - p["t"]) ** 2

        wb = np.array([p["w"], p["b"]])
        np.testing.assert_allclose(a, wb - p["lr"] * grad(loss)(wb), rtol=1e-10, err_msg=str(seed))


def test_steepest_direction_is_the_unit_vector_minimising_the_directional_derivative():
    for seed, ex, a in answers("ch05.steepest"):
        p = ex.params

        def f(u, p=p):
            return p["a"] * u[0] ** 2 + p["c"] * u[1] ** 2

        g = grad(f)(np.array(p["p"], dtype=float))
        assert np.linalg.norm(a) == pytest.approx(1.0)
        # Among many unit vectors, none has a smaller directional derivative g . u.
        angles = np.linspace(0, 2 * np.pi, 3601)
        units = np.stack([np.cos(angles), np.sin(angles)], axis=1)
        assert g @ a <= (units @ g).min() + 1e-9, seed


def test_overshoot_follows_the_closed_form():
    for seed, ex, a in answers("ch05.overshoot"):
        p = ex.params
        r = 1 - 2 * p["a"] * p["lr"]
        np.testing.assert_allclose(a, [r * p["w0"], r * r * p["w0"]], rtol=1e-10, err_msg=str(seed))
    assert E.make("ch05.overshoot").answer == (-2.0, 4.0)  # the book's: it diverges


# ---- find the bug ----------------------------------------------------------------------------


def training_case():
    """A batch of 5 for a 2-3-2 tanh network, and the library's parameters after one step."""
    rng = np.random.default_rng(5)
    X, T = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    W1, b1 = rng.normal(size=(2, 3)), rng.normal(size=3)
    W2, b2 = rng.normal(size=(3, 2)), rng.normal(size=2)
    net = Network([W1, W2], [b1, b2], ["tanh", "identity"])
    sgd_step(net, net.gradients(X, T, "mse"), 0.1)
    return (X, T, W1, b1, W2, b2, 0.1), (net.W[0], net.b[0], net.W[1], net.b[1])


def test_the_correct_training_step_agrees_with_the_library_and_every_slip_does_not():
    args, want = training_case()
    assert agrees(TRAIN_STEP, "train_step", args, want)
    before = [a.copy() for a in args[:6]]
    for name, line, wrong, _ in TRAIN_SLIPS:
        lines = list(TRAIN_STEP)
        lines[line - 1] = wrong
        assert not agrees(lines, "train_step", args, want), (name, line)
    assert all(np.array_equal(a, b) for a, b in zip(args, before, strict=False))  # no aliasing


def test_training_bug_variants_differ_from_the_correct_listing_in_the_bug_line_only():
    for seed in range(41):
        ex = E.make("ch05.train-step-bug", seed)
        differ = [
            i + 1 for i, (a, b) in enumerate(zip(ex.listing, TRAIN_STEP, strict=True)) if a != b
        ]
        assert differ == [ex.bug], seed
        assert ex.check(f"line {ex.bug}").verdict == "correct"
        assert ex.bug not in ex.notes and len(ex.notes) == len(ex.listing) - 1
        other = 7 if ex.bug != 7 else 2
        assert ex.check(other).message.startswith(f"Not line {other}: "), seed
        assert f"`{TRAIN_STEP[ex.bug - 1].strip()}`" in ex.solution
    assert E.make("ch05.train-step-bug").bug == 10  # the book's: W2 updated before it is used
    planted = {
        (E.make("ch05.train-step-bug", s).params["slip"], E.make("ch05.train-step-bug", s).bug)
        for s in range(120)
    }
    assert planted == {(name, line) for name, line, *_ in TRAIN_SLIPS}  # every slip is handed out


# ---- code: gradient_step ---------------------------------------------------------------------


def step_by_autograd(X, T, W, b, lr):
    def loss(W, b):
        return anp.mean(anp.sum((anp.dot(X, W) + b - T) ** 2, axis=1))

    return W - lr * grad(loss, 0)(W, b), b - lr * grad(loss, 1)(W, b)


def test_gradient_step_reference_and_an_autograd_step_pass_every_test():
    for seed in range(6):
        ex = E.make("ch05.gradient-step", seed)
        assert ex.report(ex.reference_function()).passed, seed
        assert ex.report(step_by_autograd).passed, seed


def test_gradient_step_slips_fail_with_the_message_a_student_should_see():
    ex = E.make("ch05.gradient-step")

    def unfinished(X, T, W, b, lr):
        raise NotImplementedError

    def twice(X, T, W, b, lr):  # the factor 2 counted twice
        W_new, b_new = step_by_autograd(X, T, W, b, lr)
        return W - 2 * (W - W_new), b - 2 * (b - b_new)

    def no_mean(X, T, W, b, lr):  # the sum's gradient: n times the mean's
        return step_by_autograd(X, T, W, b, lr * len(X))

    def transposed(X, T, W, b, lr):
        W_new, b_new = step_by_autograd(X, T, W, b, lr)
        return W_new.T, b_new

    def in_place(X, T, W, b, lr):
        W_new, b_new = step_by_autograd(X, T, W, b, lr)
        W[...] = W_new
        return W, b_new

    report = ex.report(unfinished)
    assert not report.passed and all("NotImplementedError" in r.message for r in report.results)
    assert "W_new is off by a constant factor: it is 2 times" in ex.report(twice).summary
    assert "W_new is off by a constant factor: it is 3 times" in ex.report(no_mean).summary
    assert "(transposed?)" in ex.report(transposed).summary
    assert "changed its input `W` in place" in ex.report(in_place).summary


# ---- formula: the weight after one step --------------------------------------------------------


def test_step_formula_checks_its_own_answer_and_the_slips():
    cases = set()
    for seed in range(41):
        ex = E.make("ch05.step-formula", seed)
        f, p = ex.formula, ex.prompt.split()[1]
        assert ex.check(f).verdict == "correct", seed
        step = f[len(p) + 3 :]  # "w - <step>" -> "<step>"
        assert f.startswith(f"{p} - ")
        # A step with the wrong sign, twice as long, or the gradient alone: all wrong.
        for slip in (f"{p} + {step}", f"{p} - 2*{step}", step, f"-({step})"):
            assert ex.check(slip).message.startswith("Not quite"), (seed, slip)
        cases.add(ex.params["case"])
    assert len(cases) >= 6
    assert E.make("ch05.step-formula").formula == "w - 2*eta*x*(w*x - t)"


def test_step_formula_agrees_with_a_step_of_autograd_at_random_points():
    from backprop.bank.ch05 import _STEP_CASES
    from backprop.exercises.formula import evaluate, parse_formula

    losses = {
        0: lambda v: (v["w"] * v["x"] - v["t"]) ** 2,
        1: lambda v: 0.5 * (v["w"] * v["x"] - v["t"]) ** 2,
        2: lambda v: (v["w"] * v["x"] + v["b"] - v["t"]) ** 2,
        3: lambda v: (v["w"] * v["x"] + v["b"] - v["t"]) ** 2,
        4: lambda v: 0.5 * ((v["w"] * v["x1"] - v["t1"]) ** 2 + (v["w"] * v["x2"] - v["t2"]) ** 2),
        5: lambda v: (v["w"] * v["x1"] - v["t1"]) ** 2 + (v["w"] * v["x2"] - v["t2"]) ** 2,
        6: lambda v: 0.5 * (1 / (1 + anp.exp(-v["w"] * v["x"])) - v["t"]) ** 2,
    }
    assert len(losses) == len(_STEP_CASES)
    rng = np.random.default_rng(5)
    seen = set()
    for seed in range(30):
        ex = E.make("ch05.step-formula", seed)
        case, p = ex.params["case"], ex.prompt.split()[1]
        seen.add(case)
        tree = parse_formula(ex.formula, ex.variables).tree
        for _ in range(5):
            v = {var.name: rng.uniform(var.lo, var.hi) for var in ex.variables}

            def loss(theta, v=v, p=p, case=case):
                return losses[case]({**v, p: theta})

            want = v[p] - v["eta"] * grad(loss)(v[p])
            assert evaluate(tree, v) == pytest.approx(want, rel=1e-9, abs=1e-12), (seed, case)
    assert seen == set(losses)
