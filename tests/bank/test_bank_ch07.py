"""The exercises of the autodiff chapter (backprop.bank.autodiff), checked against
independent derivations: autograd for the derivatives, a parameter count by hand for the
cost. (tests/exercises/test_registry.py checks every registered exercise's mechanics.)"""

from __future__ import annotations

import autograd.numpy as anp
import backprop.exercises as E
import numpy as np
from autograd import grad

SEEDS = range(60)


def answers(key):
    for seed in SEEDS:
        ex = E.make(key, seed)
        yield seed, ex, ex.answer[0]


def test_gates_sums_the_paths_through_add_and_max():
    for seed, ex, a in answers("ch07.gates"):
        p = ex.params
        dy = grad(lambda y, p=p: (p["x"] + y) * anp.maximum(y, p["z"]))(p["y"])
        assert a == np.float64(dy).round(12), seed
        # Forgetting one path of the fork gives another answer.
        assert not np.isclose(a, p["y"], rtol=ex.rtol) and not np.isclose(a, p["x"] + p["y"]), seed


def test_fork_is_the_derivative_of_the_whole_expression():
    for seed, ex, a in answers("ch07.fork"):
        p = ex.params
        da = grad(lambda a_, b=p["b"]: a_ * b * anp.sin(a_) + b)(p["a"])
        np.testing.assert_allclose(a, da, rtol=1e-13, err_msg=str(seed))
        assert not np.isclose(a, p["b"] * np.sin(p["a"]), rtol=ex.rtol), seed


def test_jvp_is_the_gradient_along_the_direction():
    for seed, ex, a in answers("ch07.jvp"):
        p = ex.params
        v = np.array(p["v"])

        def along(t, p=p, v=v):  # f on the line through (x, y) along v: its slope at 0
            x, y = p["x"] + t * v[0], p["y"] + t * v[1]
            return x * y + anp.sin(x)

        np.testing.assert_allclose(a, grad(along)(0.0), rtol=1e-11, err_msg=str(seed))


def test_cost_counts_two_passes_per_parameter():
    for seed, ex, a in answers("ch07.cost"):
        n0, n1, n2 = ex.params["sizes"]
        assert a == 2 * ((n0 + 1) * n1 + (n1 + 1) * n2), seed
        assert ex.check(str(int(a))).correct and not ex.check(str(int(a) + 1)).correct
    assert E.make("ch07.cost").answer == (134.0,)


def test_the_books_variants_and_variety():
    assert E.make("ch07.gates").answer == (5.0,)  # m + s = 2 + 3
    assert E.make("ch07.fork").params == {"a": 1.2, "b": 0.5}
    for key in ("ch07.gates", "ch07.fork", "ch07.jvp", "ch07.cost"):
        assert len({E.make(key, s).answer for s in SEEDS}) >= 20, key


# ---- the engine's slips (ch07.engine-bug) --------------------------------------------------

import textwrap  # noqa: E402

import backprop.autodiff as engine  # noqa: E402
import pytest  # noqa: E402
from backprop.bank import ch07  # noqa: E402

KIND_SEEDS = range(41)

_ENGINE = """
import math


class Value:
    def __init__(self, data, parents=()):
        self.data, self.grad, self._parents = float(data), 0.0, tuple(parents)
        self._backward = lambda: None

{methods}


def topological_order(root):
    order, seen = [], set()

    def visit(v):
        if id(v) not in seen:
            seen.add(id(v))
            for p in v._parents:
                visit(p)
            order.append(v)

    visit(root)
    return order
"""


def run_engine(listing):
    """x.grad and y.grad of a graph with forks, from an engine whose methods are the right
    ones of every listing, overridden by ``listing``'s."""
    pieces = [*ch07.ENGINE_LISTINGS.values(), listing]
    methods = "\n".join(textwrap.indent("\n".join(p), "    ") for p in pieces)
    ns = {}
    exec(_ENGINE.format(methods=methods), ns)
    x, y = ns["Value"](0.7), ns["Value"](-1.3)
    f = (x * y + x).tanh() * x.sin() + y * y + (x + y) * x
    f.backward()
    return x.grad, y.grad


def library_engine():
    x, y = engine.values([0.7, -1.3])
    f = (x * y + x).tanh() * x.sin() + y * y + (x + y) * x
    f.backward()
    return x.grad, y.grad


def test_the_right_engine_listings_run_and_agree_with_the_library():
    want = library_engine()
    for name, listing in ch07.ENGINE_LISTINGS.items():
        np.testing.assert_allclose(run_engine(listing), want, rtol=1e-13, err_msg=name)


@pytest.mark.parametrize("slip", range(len(ch07.ENGINE_SLIPS)))
def test_every_planted_slip_changes_the_gradients(slip):
    name, line, wrong, _ = ch07.ENGINE_SLIPS[slip]
    listing = list(ch07.ENGINE_LISTINGS[name])
    assert listing[line - 1] != wrong
    listing[line - 1] = wrong
    got = run_engine(listing)
    assert not np.allclose(got, library_engine(), rtol=1e-6), (name, line, wrong)


def test_engine_bug_variants_have_one_wrong_line():
    seen = set()
    for seed in range(120):
        ex = E.make("ch07.engine-bug", seed)
        right = ch07.ENGINE_LISTINGS[ex.params["listing"]]
        differs = [i + 1 for i, (a, b) in enumerate(zip(ex.listing, right, strict=True)) if a != b]
        assert differs == [ex.bug], seed
        assert 6 <= len(ex.listing) <= 14
        assert ex.check(str(ex.bug)).correct and ex.check(f"line {ex.bug}").correct
        other = 1 if ex.bug != 1 else 2
        fb = ex.check(other)
        assert fb.verdict == "wrong" and f"line {other}" in fb.message.lower(), seed
        assert (
            ex.bug not in ex.notes and ex.explanation and right[ex.bug - 1].strip() in ex.solution
        )
        seen.add(ex.params["slip"])
    assert seen == set(range(len(ch07.ENGINE_SLIPS)))  # every slip is handed out
    book = E.make("ch07.engine-bug")
    assert book.listing[book.bug - 1].strip() == "other.grad = out.grad"  # `=` for `+=`


# ---- the multiply gate's backward step (ch07.mul-backward) ---------------------------------


def define(source, name):
    ns = {"np": np}
    exec(source, ns)
    return ns[name]


def mul_factor_2(a, b, v_bar):
    a_bar, b_bar = 2 * b * v_bar, 2 * a * v_bar
    return a_bar, (np.sum(b_bar) if np.ndim(b) == 0 else b_bar)


def mul_transposed(a, b, v_bar):
    a_bar, b_bar = (b * v_bar).T, a * v_bar
    return a_bar, (np.sum(b_bar) if np.ndim(b) == 0 else b_bar.T)


def mul_in_place(a, b, v_bar):
    b_bar = a * v_bar
    v_bar *= b  # reuses the upstream array
    return v_bar, (np.sum(b_bar) if np.ndim(b) == 0 else b_bar)


def mul_no_sum(a, b, v_bar):  # forgets that a single b is used by every entry
    return b * v_bar, a * v_bar


def test_mul_backward_reference_passes_and_slips_fail_with_their_message():
    for seed in range(6):
        ex = E.make("ch07.mul-backward", seed)
        assert ex.report(ex.reference_function()).passed, seed
        report = ex.report(define(ex.template, "mul_backward"))
        assert not any(r.passed for r in report.results)
        assert all("NotImplementedError" in r.message for r in report.results)
        for r in ex.report(mul_factor_2).results:  # twice zero is zero: that one passes
            assert r.passed == ("zeros" in r.name), (seed, r.name)
            assert r.passed or "a_bar is off by a constant factor: it is 2 times" in r.message
        bad = {r.name: r.message for r in ex.report(mul_transposed).results if not r.passed}
        assert "(transposed?)" in bad["two matrices of shape (2, 3)"], seed
        bad = ex.report(mul_in_place).results[0]
        assert bad.message == "it changed its input `v_bar` in place: compute a new array instead"
        bad = {r.name: r.message for r in ex.report(mul_no_sum).results if not r.passed}
        assert set(bad) == {
            "a single number b times a vector (b is used by every entry)",
            "a single number b times a (2, 3) matrix",
        }
        assert all("b_bar has shape" in m and "expected ()" in m for m in bad.values())


def test_mul_backward_expected_values_are_the_engines_and_central_differences():
    for seed in KIND_SEEDS:
        ex = E.make("ch07.mul-backward", seed)
        for t in ex.tests:
            a, b, v_bar = t.args
            b_bar = a * v_bar if np.ndim(b) else np.sum(a * v_bar)
            assert t.check((b * v_bar, b_bar)) is None, (seed, t.name)
            assert t.check((b * v_bar * 1.001 + 0.01, b_bar)) is not None, (seed, t.name)
        assert len({json_args(t) for t in ex.tests}) == len(ex.tests)
    assert len({json_args(E.make("ch07.mul-backward", s).tests[0]) for s in KIND_SEEDS}) >= 30


def json_args(test):
    return repr([np.asarray(a).tolist() for a in test.args])


# ---- the fork as a formula (ch07.fork-formula) ---------------------------------------------

#: The graphs of ch07.FORK_GRAPHS as functions, written out again for autograd.
FORK_FUNCTIONS = (
    lambda x, y: (x + y) * anp.sin(x),
    lambda x, y: x * y + anp.sin(x * y),
    lambda x, y: x * anp.exp(x * y),
    lambda x, y: x * anp.tanh(x + y),
    lambda x, y: x * x + y * anp.sin(x),
    lambda x, y: x / (1 + anp.exp(-x * y)),
    lambda x, y: (x + y) * (x - y),
    lambda x, y: anp.sin(x) * anp.cos(x) + y,
)


def test_fork_formulas_are_the_derivatives_of_their_graphs():
    from backprop.exercises.formula import evaluate, parse_formula

    variables = E.make("ch07.fork-formula").variables
    for k, (f, (_, _, answer, _)) in enumerate(zip(FORK_FUNCTIONS, ch07.FORK_GRAPHS, strict=True)):
        tree = parse_formula(answer, variables).tree
        for x, y in [(0.3, -1.2), (-1.7, 0.4), (1.1, 1.9)]:
            want = grad(f, 0)(x, y)
            got = evaluate(tree, {"x": x, "y": y})
            np.testing.assert_allclose(got, want, rtol=1e-12, err_msg=str(k))
    # And the engine agrees on the book's graph.
    vx, vy = engine.values([0.3, -1.2])
    out = (vx + vy) * vx.sin()
    out.backward()
    tree = parse_formula(ch07.FORK_GRAPHS[0][2], variables).tree
    np.testing.assert_allclose(evaluate(tree, {"x": 0.3, "y": -1.2}), vx.grad, rtol=1e-13)


def test_fork_formula_checks_its_answer_and_names_the_slips():
    seen = set()
    for seed in KIND_SEEDS:
        ex = E.make("ch07.fork-formula", seed)
        assert ex.check(ex.formula).correct, seed
        assert ex.check(f"2*({ex.formula})").message.startswith(
            "Right up to a constant factor: yours is 2 times the answer"
        )
        assert ex.check(f"-({ex.formula})").message == "Right up to the sign: check the sign."
        assert ex.check(f"{ex.formula} + y").message.startswith("Not quite"), seed
        assert "no `z`" in ex.check("z").message
        seen.add(ex.params["graph"])
    assert seen == set(range(len(ch07.FORK_GRAPHS)))
    book = E.make("ch07.fork-formula")
    assert book.check("sin(x) + (x+y)cos(x)").correct
    assert not book.check("(x + y)*cos(x)").correct  # one path of the fork only
