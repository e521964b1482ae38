"""The exercises of chapter 9, against formulas written out independently, and the listings
of its find-the-bug exercise run against the library."""

from __future__ import annotations

import math

import backprop as bp
import numpy as np
import pytest

SEEDS = range(21)
KEYS = ["ch09.softmax-loss", "ch09.output-delta"]


def test_softmax_loss_by_hand():
    for seed in SEEDS:
        ex = bp.exercises.make("ch09.softmax-loss", seed)
        y, c = ex.params["y"], ex.params["c"]
        p = math.exp(y[c]) / sum(math.exp(v) for v in y)
        np.testing.assert_allclose(ex.answer, (p, -math.log(p)), rtol=1e-12)


def test_output_delta_is_p_minus_t():
    for seed in SEEDS:
        ex = bp.exercises.make("ch09.output-delta", seed)
        y, c = ex.params["y"], ex.params["c"]
        denom = sum(math.exp(v) for v in y)
        expected = [math.exp(v) / denom - (j == c) for j, v in enumerate(y)]
        np.testing.assert_allclose(ex.answer, expected, rtol=1e-12, atol=1e-15)
        assert abs(sum(ex.answer)) < 1e-12


@pytest.mark.parametrize("key", KEYS)
def test_a_hundred_variants_are_valid_distinct_and_checkable(key):
    variants = set()
    for seed in range(100):
        ex = bp.exercises.make(key, seed)
        assert all(math.isfinite(a) for a in ex.answer)
        assert ex.check(ex.answer_text).correct, (seed, ex.answer_text)
        # Off by ten tolerances in every entry (and not a sign slip): wrong.
        off = [a + 10 * (ex.atol + ex.rtol * abs(a)) * (1 if a >= 0 else -1) for a in ex.answer]
        assert not ex.check(off).correct, seed
        variants.add(repr(ex.params))
        # Non-degenerate: the case each exercise is about actually occurs.
        assert max(ex.params["y"]) > min(ex.params["y"])  # not a uniform softmax
    assert len(variants) >= 50, len(variants)


# ---- the gradient of softmax cross-entropy (ch09.softmax-grad) -----------------------------

from backprop.bank import ch09  # noqa: E402

KIND_SEEDS = range(41)


def define(source, name):
    ns = {"np": np}
    exec(source, ns)
    return ns[name]


def by_hand(Z, labels):
    n, k = Z.shape
    P = np.array([[math.exp(v - max(row)) for v in row] for row in Z.tolist()])
    P /= P.sum(axis=1, keepdims=True)
    P[np.arange(n), labels] -= 1.0
    return P / n


def no_mean(Z, labels):  # the sum over the batch, not the mean: n times too large
    return by_hand(Z, labels) * Z.shape[0]


def transposed(Z, labels):
    return by_hand(Z, labels).T


def in_place(Z, labels):
    Z -= Z.max(axis=1, keepdims=True)  # changes the caller's scores
    return by_hand(Z, labels)


def overflowing(Z, labels):  # no max subtracted: exp(1000) is inf
    with np.errstate(over="ignore", invalid="ignore"):
        E = np.exp(Z)
        P = E / E.sum(axis=1, keepdims=True)
    return (P - np.eye(Z.shape[1])[labels]) / Z.shape[0]


def test_softmax_grad_reference_passes_and_slips_fail_with_their_message():
    for seed in KIND_SEEDS:
        ex = bp.exercises.make("ch09.softmax-grad", seed)
        assert ex.report(ex.reference_function()).passed, seed
        assert ex.report(by_hand).passed, seed
        results = ex.report(define(ex.template, "softmax_cross_entropy_grad")).results
        assert all("NotImplementedError" in r.message for r in results)
        for r in ex.report(no_mean).results:  # one sample: the sum is the mean
            n = len(ex.tests[[t.name for t in ex.tests].index(r.name)].args[1])
            assert r.passed == (n == 1), (seed, r.name)
            if n == 2:
                assert "off by a constant factor: it is 2 times the right one" in r.message
        bad = {r.name: r.message for r in ex.report(transposed).results if not r.passed}
        assert bad["2 samples, 5 classes (more classes than samples)"] == (
            "dL/dZ has shape (5, 2); expected (2, 5) (transposed?)"
        )
        assert ex.report(in_place).results[0].message == (
            "it changed its input `Z` in place: compute a new array instead"
        )
        bad = {r.name: r.message for r in ex.report(overflowing).results if not r.passed}
        assert list(bad) == [
            "large scores, around 1000 (exp overflows unless each row's max is subtracted)"
        ]
        assert bad[next(iter(bad))] == "dL/dZ contains nan or inf"


def test_softmax_grad_tests_vary_and_stay_small():
    first = set()
    for seed in KIND_SEEDS:
        ex = bp.exercises.make("ch09.softmax-grad", seed)
        for t in ex.tests:
            Z, labels = t.args
            assert isinstance(labels, list) and all(isinstance(c, int) for c in labels)
            assert Z.shape[0] == len(labels) and Z.size <= 20 and max(labels) < Z.shape[1]
        first.add(repr(ex.tests[0].args))
    assert len(first) >= 30


# ---- the training step's slips (ch09.step-bug) ---------------------------------------------


def problem():
    rng = np.random.default_rng(5)
    W1, W2 = rng.normal(size=(4, 6)), rng.normal(size=(6, 3))
    X, labels = rng.normal(size=(7, 4)), np.array([0, 2, 1, 0, 2, 2, 1])
    return W1, W2, X, labels


def library_gradients(W1, W2, X, labels):
    net = bp.Network([W1, W2], [np.zeros(W1.shape[1]), np.zeros(W2.shape[1])], ["relu", "identity"])
    g = net.gradients(X, bp.data.one_hot(labels, W2.shape[1]), "softmax_cross_entropy")
    return g.dW


def run_listing(name, listing):
    """What the listing computes on one problem: the updated weights, or the gradients."""
    ns = {"np": np, "gradients": library_gradients}
    exec("\n".join(listing), ns)
    W1, W2, X, labels = problem()
    if name == "step":
        ns["train_step"](W1, W2, X, labels, 0.5)
        return [W1, W2]
    return list(ns["full_batch_gradients"](W1, W2, X, labels, 3))


def library_answer(name):
    W1, W2, X, labels = problem()
    dW1, dW2 = library_gradients(W1, W2, X, labels)
    return [W1 - 0.5 * dW1, W2 - 0.5 * dW2] if name == "step" else [dW1, dW2]


def test_the_right_step_listings_agree_with_the_library():
    for name, listing in ch09.STEP_LISTINGS.items():
        for got, want in zip(run_listing(name, listing), library_answer(name), strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=name)


@pytest.mark.parametrize("slip", range(len(ch09.STEP_SLIPS)))
def test_every_planted_step_slip_changes_the_result(slip):
    name, line, wrong, _ = ch09.STEP_SLIPS[slip]
    listing = list(ch09.STEP_LISTINGS[name])
    assert listing[line - 1] != wrong
    listing[line - 1] = wrong
    got = run_listing(name, listing)
    want = library_answer(name)
    assert not all(np.allclose(g, w, rtol=1e-6) for g, w in zip(got, want, strict=True)), slip


def test_step_bug_variants_have_one_wrong_line():
    seen = set()
    for seed in range(120):
        ex = bp.exercises.make("ch09.step-bug", seed)
        right = ch09.STEP_LISTINGS[ex.params["listing"]]
        differs = [i + 1 for i, (a, b) in enumerate(zip(ex.listing, right, strict=True)) if a != b]
        assert differs == [ex.bug], seed
        assert 6 <= len(ex.listing) <= 14
        assert ex.check(str(ex.bug)).correct
        other = 3 if ex.bug != 3 else 4
        fb = ex.check(other)
        assert fb.verdict == "wrong" and fb.message.startswith(f"Not line {other}: "), seed
        assert ex.bug not in ex.notes and right[ex.bug - 1].strip() in ex.solution
        seen.add(ex.params["slip"])
    assert seen == set(range(len(ch09.STEP_SLIPS)))
    book = bp.exercises.make("ch09.step-bug")
    assert book.listing[book.bug - 1].strip() == "D2 = P - T"  # the missing 1/n


# ---- two classes, as a formula (ch09.two-class) --------------------------------------------


def two_class_loss(variant, v):
    """L of one sample by the library's softmax cross-entropy, from the variant's variables."""
    if variant in (2, 3):
        z = np.array([[v["w1"] * v["x"], v["w2"] * v["x"]]])
    elif variant == 4:
        z = np.array([[v["z1"], v["z2"], v["z3"]]])
    else:
        z = np.array([[v["z1"], v["z2"]]])
    y = v["y1"]
    t = np.array([[y, 1 - y]]) if z.shape[1] == 2 else np.array([[y, (1 - y) / 2, (1 - y) / 2]])
    return bp.losses.softmax_cross_entropy(z, t)


def test_two_class_formulas_are_the_derivatives_of_the_loss():
    from backprop.exercises.formula import evaluate, parse_formula

    rng = np.random.default_rng(2)
    for k, (_, wrt, _, formula, _, names) in enumerate(ch09.TWO_CLASS):
        ex = next(
            e
            for e in (bp.exercises.make("ch09.two-class", s) for s in range(60))
            if e.params["variant"] == k
        )
        tree = parse_formula(formula, ex.variables).tree
        name = wrt.replace("_", "")
        for _ in range(5):
            v = {n: float(rng.uniform(-2, 2)) for n in names} | {"y1": float(rng.uniform(0, 1))}

            def along(t, v=v, name=name, k=k):
                return two_class_loss(k, v | {name: float(t[0])})

            numeric = bp.numerical_gradient(along, np.array([v[name]]))[0]
            np.testing.assert_allclose(evaluate(tree, v), numeric, rtol=1e-6, atol=1e-9)


def test_two_class_checks_its_answer_and_names_the_slips():
    seen = set()
    for seed in KIND_SEEDS:
        ex = bp.exercises.make("ch09.two-class", seed)
        assert ex.check(ex.formula).correct, seed
        assert ex.check(f"2*({ex.formula})").message.startswith(
            "Right up to a constant factor: yours is 2 times the answer"
        )
        assert ex.check(f"-({ex.formula})").message == "Right up to the sign: check the sign."
        # sigma' for sigma: the derivative of the probability instead of the probability
        slip = ex.formula.replace("sigma(", "sigma'(", 1)
        if slip != ex.formula:
            assert ex.check(slip).message.startswith("Not quite"), seed
        seen.add(ex.params["variant"])
    assert seen == set(range(len(ch09.TWO_CLASS)))
    book = bp.exercises.make("ch09.two-class")
    assert book.check("exp(z1)/(exp(z1) + exp(z2)) - y1").correct
    assert book.check("1/(1 + exp(z2 - z1)) - y_1").correct
    assert "no `y2`" in book.check("sigma(z1 - z2) - y2").message
