"""The exercises of chapter 1, checked against independent derivations with autograd."""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from backprop import exercises as E

from tests.bank.bank_helpers import FACTOR_2, SIGN

KEYS = E.keys()
SEEDS = range(21)


# Independent derivations of the chapter-1 answers from the exercises' parameters.
def _composite(p):
    return float(grad(lambda x: anp.sin(p["a"] * x**2))(float(p["x0"])))


def _three_links(p):
    return float(grad(lambda x: anp.exp(anp.sin(p["w"] * x + p["b"])))(float(p["x0"])))


def _gradient(p):
    A, b = np.array(p["A"]), np.array(p["b"])
    return tuple(grad(lambda u: anp.sum((anp.dot(A, u) + b) ** 2))(np.array(p["u"], dtype=float)))


INDEPENDENT = {
    "ch01.composite": _composite,
    "ch01.three-links": _three_links,
    "ch01.gradient": _gradient,
}


@pytest.mark.parametrize("key", sorted(INDEPENDENT))
def test_chapter_1_answers_match_autograd(key):
    if key not in KEYS:
        pytest.skip(f"{key} is not registered")
    for seed in SEEDS:
        ex = E.make(key, seed)
        expected = np.atleast_1d(INDEPENDENT[key](ex.params))
        np.testing.assert_allclose(ex.answer, expected, rtol=1e-12, atol=1e-12)


# ---- ch01.derivative-formula: a formula, checked at random points --------------------------

FORMULA_SEEDS = range(41)
OUTER = {
    "sigma": lambda u: 1.0 / (1.0 + anp.exp(-u)),
    "tanh": anp.tanh,
    "sin": anp.sin,
    "exp": anp.exp,
}
INNER = {
    "w*x + b": lambda x, w, b: w * x + b,
    "w*x^2 + b": lambda x, w, b: w * x**2 + b,
    "w*sin(x) + b": lambda x, w, b: w * anp.sin(x) + b,
}
DIFFERS = "Not quite: your formula differs from the answer. Try again."


def test_the_derivative_formula_is_the_derivative_autograd_takes():
    from backprop.exercises.formula import evaluate, parse_formula

    rng = np.random.default_rng(1)
    seen = set()
    for seed in FORMULA_SEEDS:
        ex = E.make("ch01.derivative-formula", seed)
        p = ex.params
        g, u = OUTER[p["outer"]], INNER[p["inner"]]
        tree = parse_formula(ex.formula, ex.variables).tree
        for _ in range(5):
            x, w, b = rng.uniform(-2, 2), rng.uniform(-2, 2), rng.uniform(-1, 1)
            if p["by"] == "x":
                want = grad(lambda x_, w=w, b=b, g=g, u=u: g(u(x_, w, b)))(x)
            else:
                want = grad(lambda w_, x=x, b=b, g=g, u=u: g(u(x, w_, b)))(w)
            got = evaluate(tree, {"x": x, "w": w, "b": b})
            assert got == pytest.approx(want, rel=1e-12, abs=1e-12), (seed, x, w, b)
        seen.add((p["outer"], p["inner"], p["by"]))
    assert {s[0] for s in seen} == set(OUTER) and {s[1] for s in seen} == set(INNER)
    assert {s[2] for s in seen} == {"x", "w"} and len(seen) >= 12
    assert E.make("ch01.derivative-formula").params == {
        "outer": "sigma",
        "inner": "w*x + b",
        "by": "x",
    }


def test_the_derivative_formula_checks_its_answer_and_names_the_slips():
    for seed in FORMULA_SEEDS:
        ex = E.make("ch01.derivative-formula", seed)
        f, p = ex.formula, ex.params
        assert ex.check(f).correct, seed
        assert ex.check(f"2*({f})").message == FACTOR_2, seed
        assert ex.check(f"-({f})").message == SIGN, seed
        # f'(a) for f'(z): the outer derivative taken at the output g(u), not at u.
        at_output = f.replace(f"({p['inner']})", f"({p['outer']}({p['inner']}))", 1)
        assert at_output != f
        fb = ex.check(at_output)
        assert not fb.correct and fb.message in (DIFFERS, E.formula.UNDEFINED), seed
        # The inner derivative left out.
        outer_only = f[: f.index(")*") + 1]
        assert ex.check(outer_only).message == DIFFERS, (seed, outer_only)
    ex = E.make("ch01.derivative-formula")
    assert ex.check("sigma(w x + b)(1 - sigma(w x + b)) w").correct
    assert (
        ex.check("w4").message == "There is no `w4` in this question; the variables are x, w and b."
    )


# ---- ch01.chain-code: the chain's backward pass in code --------------------------------------


def chain_by_autograd(x, w, b):
    """(dy/dx, dy/dw, dy/db) of y = exp(sin(w x + b)) for each entry of x, by autograd."""
    x = np.asarray(x, dtype=float)

    def y(v):
        return anp.exp(anp.sin(v[1] * v[0] + v[2]))

    g = np.array([grad(y)(np.array([xi, w, b], dtype=float)) for xi in x.ravel()])
    return tuple(g[:, j].reshape(x.shape) for j in range(3))


def report(key, fn, seed=0):
    return E.check_code(key, fn, seed=seed)


def defined(source, name):
    namespace = {"np": np}
    exec(source, namespace)
    return namespace[name]


def test_the_chain_code_tests_expect_what_autograd_gives_and_the_reference_passes():
    for seed in range(6):
        ex = E.make("ch01.chain-code", seed)
        for test in ex.tests:
            assert test.check(chain_by_autograd(*test.args)) is None, (seed, test.name)
        assert report("ch01.chain-code", ex.reference_function(), seed).passed, seed
        assert any(
            np.ndim(t.args[0]) == 2 and np.shape(t.args[0])[0] != np.shape(t.args[0])[1]
            for t in ex.tests
        )


def test_the_chain_code_names_what_is_wrong_with_a_slip():
    ex = E.make("ch01.chain-code")
    r = report("ch01.chain-code", defined(ex.template, "chain_gradients"))
    assert not r.passed and all(
        res.message == "it still raises NotImplementedError: replace that line with your code"
        for res in r.results
    )

    def twice(x, w, b):
        dy_dz = np.exp(np.sin(w * x + b)) * np.cos(w * x + b)
        return 2 * w * dy_dz, x * dy_dz, dy_dz

    assert "dy_dx is off by a constant factor: it is 2 times the right one" in (
        report("ch01.chain-code", twice).results[0].message
    )

    def dz_db_is_b(x, w, b):
        dy_dz = np.exp(np.sin(w * x + b)) * np.cos(w * x + b)
        return w * dy_dz, x * dy_dz, b * dy_dz

    r = report("ch01.chain-code", dz_db_is_b)
    bias = next(res for res in r.results if res.name.startswith("a bias other than 1"))
    assert not bias.passed and bias.message.startswith("dy_db is off by a constant factor")

    def transposed(x, w, b):
        dy_dz = np.exp(np.sin(w * x + b)) * np.cos(w * x + b)
        return (w * dy_dz).T, (x * dy_dz).T, dy_dz.T

    r = report("ch01.chain-code", transposed)
    assert "dy_dx has shape (3, 2); expected (2, 3) (transposed?)" in r.results[1].message

    def in_place(x, w, b):
        z = x  # not a copy: the next lines overwrite the caller's x
        z *= w
        z += b
        dy_dz = np.exp(np.sin(z)) * np.cos(z)
        return w * dy_dz, dy_dz, dy_dz

    r = report("ch01.chain-code", in_place)
    assert r.results[0].message == "it changed its input `x` in place: compute a new array instead"


def test_no_other_seed_hands_out_the_books_formula():
    book = E.make("ch01.derivative-formula").formula
    assert all(E.make("ch01.derivative-formula", s).formula != book for s in range(1, 120))
