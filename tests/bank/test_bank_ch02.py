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

from tests.bank.bank_helpers import FACTOR_2, SIGN

SEEDS = range(60)
KEYS = ("ch02.toy-forward", "ch02.layer", "ch02.loss-sum")


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


def test_the_trivial_transpose_exercise_is_gone():
    # Reworked into the code exercise ch02.dense-forward (the same layer, batch-first).
    assert "ch02.transpose" not in E.keys() and "ch02.dense-forward" in E.keys()


# ---- ch02.toy-formula: a forward-pass value as one formula ----------------------------------

FORMULA_SEEDS = range(41)
DIFFERS = "Not quite: your formula differs from the answer. Try again."


def stages(x, beta, omega):
    """Every f_k and h_k of the toy model by name, one step at a time."""
    f0 = beta[0] + omega[0] * x
    h1 = math.sin(f0)
    f1 = beta[1] + omega[1] * h1
    h2 = math.exp(f1)
    f2 = beta[2] + omega[2] * h2
    h3 = math.cos(f2)
    f3 = beta[3] + omega[3] * h3
    return {"x": x, "f0": f0, "h1": h1, "f1": f1, "h2": h2, "f2": f2, "h3": h3, "f3": f3}


def test_the_toy_formula_gives_the_forward_pass_from_its_start():
    from backprop.exercises.formula import evaluate, parse_formula

    rng = np.random.default_rng(2)
    seen = set()
    for seed in FORMULA_SEEDS:
        ex = E.make("ch02.toy-formula", seed)
        start, target = ex.params["start"], ex.params["target"]
        tree = parse_formula(ex.formula, ex.variables).tree
        for _ in range(5):
            beta, omega = rng.uniform(-1, 1, 4), rng.uniform(-1.5, 1.5, 4)
            s = stages(rng.uniform(-1.5, 1.5), beta, omega)
            values = {start: s[start]}
            values |= {f"b{k}": beta[k] for k in range(4)} | {f"w{k}": omega[k] for k in range(4)}
            names = {v.name for v in ex.variables}
            assert names <= set(values), seed
            got = evaluate(tree, {n: values[n] for n in names})
            assert got == pytest.approx(s[target], rel=1e-12, abs=1e-12), seed
        # Only the parameters between the start and the target are variables.
        first = 0 if start == "x" else int(start[1])
        last = int(target[1]) + (target[0] == "f")
        params = {f"{c}{k}" for k in range(first, last) for c in "bw"}
        assert {v.name for v in ex.variables} == {start} | params, seed
        seen.add((start, target))
    assert len(seen) >= 6
    assert E.make("ch02.toy-formula").params == {"start": "x", "target": "h2"}


def test_the_toy_formula_checks_its_answer_and_names_the_slips():
    for seed in FORMULA_SEEDS:
        ex = E.make("ch02.toy-formula", seed)
        f = ex.formula
        assert ex.check(f).correct, seed
        assert ex.check(f"2*({f})").message == FACTOR_2, seed
        assert ex.check(f"-({f})").message == SIGN, seed
        # A wrong activation: cos for sin, or sin for cos.
        wrong = f.replace("sin(", "cos(") if "sin(" in f else f.replace("cos(", "sin(")
        assert ex.check(wrong).message == DIFFERS, (seed, wrong)
    ex = E.make("ch02.toy-formula")
    assert ex.check("exp(β₁ + ω₁ sin(beta0 + omega0 x))").correct
    assert ex.check("exp(b1 + w1 sin(b0 + w0 x) + b2)").verdict == "invalid"


# ---- ch02.dense-forward: a layer, batch-first, in code --------------------------------------


def layer_by_hand(X, W, b):
    """sigma(X W + b), one weighted sum at a time."""
    return [
        [
            1 / (1 + math.exp(-(sum(x[i] * W[i][j] for i in range(len(x))) + b[j])))
            for j in range(len(b))
        ]
        for x in X
    ]


def defined(source, name):
    namespace = {"np": np}
    exec(source, namespace)
    return namespace[name]


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_the_dense_forward_tests_expect_the_sums_by_hand_and_the_reference_passes():
    for seed in range(6):
        ex = E.make("ch02.dense-forward", seed)
        shapes = set()
        for test in ex.tests:
            X, W, b = (np.asarray(a).tolist() for a in test.args)
            assert test.check(layer_by_hand(X, W, b)) is None, (seed, test.name)
            shapes.add((np.shape(X), np.shape(W)))
        assert ((1, 2), (2, 3)) in shapes and ((4, 3), (3, 2)) in shapes  # a batch of 1; m > n_out
        assert E.check_code("ch02.dense-forward", ex.reference_function(), seed).passed


def test_the_dense_forward_names_what_is_wrong_with_a_slip():
    ex = E.make("ch02.dense-forward")
    r = E.check_code("ch02.dense-forward", defined(ex.template, "dense_forward"))
    assert {res.message for res in r.results} == {
        "it still raises NotImplementedError: replace that line with your code"
    }
    r = E.check_code("ch02.dense-forward", lambda X, W, b: 2 * sigmoid(X @ W + b))
    assert "the output is off by a constant factor: it is 2 times" in r.results[0].message
    r = E.check_code("ch02.dense-forward", lambda X, W, b: sigmoid(X @ W + b).T)
    assert r.results[0].message == "the output has shape (3, 1); expected (1, 3) (transposed?)"
    r = E.check_code("ch02.dense-forward", lambda X, W, b: sigmoid(X @ W.T + b))
    assert r.results[0].message.startswith("it raised ValueError: matmul")

    def in_place(X, W, b):
        W *= -1  # overwrites the caller's W
        return sigmoid(-(X @ W) + b)

    r = E.check_code("ch02.dense-forward", in_place)
    assert r.results[0].message == "it changed its input `W` in place: compute a new array instead"
    r = E.check_code("ch02.dense-forward", lambda X, W, b: sigmoid(X @ W))  # b left out
    assert r.results[3].name == "inputs all 0: every row is sigma(b)"
    assert r.results[3].message.startswith("the output is wrong at index [0, ")


def test_no_other_seed_hands_out_the_books_formula():
    book = E.make("ch02.toy-formula").formula
    assert all(E.make("ch02.toy-formula", s).formula != book for s in range(1, 120))
