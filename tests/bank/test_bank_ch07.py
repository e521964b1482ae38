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
