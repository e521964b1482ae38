"""The exercises of the depth chapter (backprop.bank.depth), checked against independent
computations: a wide random ReLU network's measured mean squares, autograd through the sigmoid
chain and the residual layers, and the clipping formula written out with numpy.
(tests/exercises/test_registry.py checks every registered exercise's mechanics.)"""

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


def test_relu_forward_is_q_times_c_over_2_to_the_k():
    for seed, ex, a in answers("ch08.relu-forward"):
        p = ex.params
        assert a == p["q"] * (p["c"] / 2) ** p["k"], seed
        assert p["c"] != 2  # He's variance would make the answer q: nothing to compute


def test_relu_forward_matches_random_networks():
    # Measured, not derived: the mean square after 3 ReLU layers of width 128 with weight
    # variance 1/n, averaged over 30 draws of the weights (the derivation's expectation).
    rng = np.random.default_rng(0)
    n, k, ms = 128, 3, []
    for _ in range(30):
        z = rng.normal(size=(500, n))
        for _ in range(k):
            z = np.maximum(z, 0) @ rng.normal(0, np.sqrt(1 / n), size=(n, n))
        ms.append(np.mean(z**2))
    assert abs(np.mean(ms) / 0.5**k - 1) < 0.06


def test_sigmoid_chain_against_autograd():
    def sig(z):
        return 1 / (1 + anp.exp(-z))

    for seed, ex, a in answers("ch08.sigmoid-chain"):
        p = ex.params
        w, L, d = p["w"], p["L"], p["delta_L"]

        def z_L(z1, w=w, L=L):  # z^(L) as a function of z^(1), biases -w/2 (all z at 0)
            z = z1
            for _ in range(L - 1):
                z = w * sig(z) - w / 2
            return z

        # delta^(1) = dL/dz^(1) = dz^(L)/dz^(1) * delta^(L)
        np.testing.assert_allclose(a, grad(z_L)(0.0) * d, rtol=1e-12, err_msg=str(seed))
        assert ex.atol == 0.0 and abs(a) > 1e-5, seed
        assert not ex.check("0").correct


def test_clip_is_the_entry_times_max_norm_over_the_norm():
    for seed, ex, a in answers("ch08.clip"):
        p = ex.params
        norm = np.sqrt(sum(v * v for v in p["norms"]))
        assert norm > p["max_norm"], seed
        np.testing.assert_allclose(a, p["entry"] * p["max_norm"] / norm, rtol=1e-14)
        # Clipping each part to max_norm separately is another answer.
        alone = p["entry"] * min(1.0, p["max_norm"] / p["norms"][0])
        assert not np.isclose(a, alone, rtol=ex.rtol) or alone == p["entry"] * 0, seed


def test_residual_against_autograd_and_unlike_the_plain_chain():
    for seed, ex, a in answers("ch08.residual"):
        p = ex.params
        w = p["w"]

        def two(x, w=w):
            for _ in range(2):
                x = x + w * anp.tanh(x)
            return x

        def plain(x, w=w):  # the same branches with no skip connection
            for _ in range(2):
                x = w * anp.tanh(x)
            return x

        np.testing.assert_allclose(a, grad(two)(p["x"]), rtol=1e-13, err_msg=str(seed))
        assert not np.isclose(a, grad(plain)(p["x"]), rtol=ex.rtol), seed


def test_the_books_variants_and_variety():
    assert E.make("ch08.relu-forward").answer == (2.0**-10,)
    assert E.make("ch08.sigmoid-chain").answer[0] == 4.0**-7
    np.testing.assert_allclose(E.make("ch08.clip").answer, (2 * 5 / 13,), rtol=1e-15)
    assert E.make("ch08.residual").params == {"x": 1.0, "w": 0.5}
    for key in ("ch08.relu-forward", "ch08.sigmoid-chain", "ch08.clip", "ch08.residual"):
        assert len({E.make(key, s).answer for s in SEEDS}) >= 15, key


# ---- the initialisers' slips (ch08.init-bug) -----------------------------------------------

import backprop as bp  # noqa: E402
import pytest  # noqa: E402
from backprop.bank import ch08  # noqa: E402

SIZES = [6, 5, 4, 3]


def run_init(listing):
    """The weights and biases ``listing`` gives for each activation it serves, by name."""
    ns = {"np": np}
    exec("\n".join(listing), ns)
    out = {}
    if "init_weights" in ns:
        for act in ("relu", "tanh"):
            out[act] = ns["init_weights"](SIZES, act, np.random.default_rng(3))
    else:
        out["xavier"] = ns["xavier_init"](SIZES, np.random.default_rng(3))
    return out


def library_init(which):
    init = {"relu": "he", "tanh": "lecun", "xavier": "xavier"}[which]
    net = bp.Network.random(SIZES, "relu" if which == "relu" else "tanh", seed=3, init=init)
    return net.W, net.b


def agrees(got, want):
    (W, b), (W0, b0) = got, want
    return all(
        np.shape(x) == np.shape(y) and np.allclose(x, y, rtol=1e-14, atol=0)
        for xs, ys in ((W, W0), (b, b0))
        for x, y in zip(xs, ys, strict=True)
    )


def test_the_right_init_listings_give_the_librarys_weights():
    for name, listing in ch08.INIT_LISTINGS.items():
        for which, got in run_init(listing).items():
            assert agrees(got, library_init(which)), (name, which)


@pytest.mark.parametrize("slip", range(len(ch08.INIT_SLIPS)))
def test_every_planted_init_slip_gives_other_weights(slip):
    name, line, wrong, _ = ch08.INIT_SLIPS[slip]
    listing = list(ch08.INIT_LISTINGS[name])
    assert listing[line - 1] != wrong
    listing[line - 1] = wrong
    try:
        got = run_init(listing)
    except ValueError:  # a transposed W does not fit: also a failure to agree
        return
    assert not all(agrees(g, library_init(w)) for w, g in got.items()), (name, line)
    # and the weights' variance is off too (measured on a wide layer), unless only the
    # shape is wrong
    ns = {"np": np}
    exec("\n".join(listing), ns)
    rng = np.random.default_rng(0)
    if "init_weights" in ns:
        variances = {
            a: ns["init_weights"]([400, 300], a, rng)[0][0].var() for a in ("relu", "tanh")
        }
        want = {"relu": 2 / 400, "tanh": 1 / 400}
    else:
        variances = {"xavier": ns["xavier_init"]([400, 300], rng)[0][0].var()}
        want = {"xavier": 2 / 700}
    off = [a for a in variances if abs(variances[a] / want[a] - 1) > 0.05]
    assert off or "size=(n_out, n_in)" in wrong, (name, line, variances)


def test_init_bug_variants_have_one_wrong_line():
    seen = set()
    for seed in range(120):
        ex = E.make("ch08.init-bug", seed)
        right = ch08.INIT_LISTINGS[ex.params["listing"]]
        differs = [i + 1 for i, (a, b) in enumerate(zip(ex.listing, right, strict=True)) if a != b]
        assert differs == [ex.bug], seed
        assert 6 <= len(ex.listing) <= 14
        assert ex.check(str(ex.bug)).correct
        other = 2 if ex.bug != 2 else 3
        assert ex.check(other).verdict == "wrong"
        assert ex.bug not in ex.notes and right[ex.bug - 1].split("#")[0].strip() in ex.solution
        seen.add(ex.params["slip"])
    assert seen == set(range(len(ch08.INIT_SLIPS)))
    book = E.make("ch08.init-bug")
    assert "n_out" in book.listing[book.bug - 1]  # the wrong fan


# ---- clipping by the global norm (ch08.clip-by-norm) ---------------------------------------


def define(source, name):
    ns = {"np": np}
    exec(source, ns)
    return ns[name]


def clip_by_hand(grads, max_norm):
    norm = np.sqrt(sum(float(np.sum(np.asarray(g) ** 2)) for g in grads))
    return [np.asarray(g) * min(1.0, max_norm / norm) if norm else np.asarray(g) for g in grads]


def clip_twice(grads, max_norm):
    return [2 * g for g in clip_by_hand(grads, max_norm)]


def clip_transposed(grads, max_norm):
    return [g.T for g in clip_by_hand(grads, max_norm)]


def clip_each(grads, max_norm):  # clips every array by its own norm: not the global one
    return [g * min(1.0, max_norm / n) if (n := np.linalg.norm(g)) else g for g in grads]


def clip_always(grads, max_norm):  # rescales even below the limit (and divides by 0)
    norm = np.sqrt(sum(np.sum(g**2) for g in grads))
    with np.errstate(invalid="ignore", divide="ignore"):
        return [g * (max_norm / norm) for g in grads]


def test_clip_by_norm_reference_passes_and_slips_fail_with_their_message():
    for seed in range(6):
        ex = E.make("ch08.clip-by-norm", seed)
        assert ex.report(ex.reference_function()).passed, seed
        assert ex.report(clip_by_hand).passed, seed  # the library agrees with the formula
        results = ex.report(define(ex.template, "clip_by_norm")).results
        assert all("NotImplementedError" in r.message for r in results)
        first = ex.report(clip_twice).results[0]
        assert "grads[0] clipped is off by a constant factor: it is 2 times" in first.message
        first = ex.report(clip_transposed).results[0]
        assert first.message == "grads[0] clipped has shape (2, 3); expected (3, 2) (transposed?)"
        assert not ex.report(clip_each).passed, seed
        bad = {r.name: r.message for r in ex.report(clip_always).results if not r.passed}
        assert list(bad) == [
            "the same gradients, norm below max_norm: unchanged",
            "every gradient 0 (norm 0)",
        ], seed
        assert bad["every gradient 0 (norm 0)"] == "grads[0] clipped contains nan or inf"
        # Scaling the caller's arrays in place is caught inside the list, too.
        ref = ex.reference_function()

        def clip_in_place(grads, max_norm, ref=ref):
            out = ref(grads, max_norm)
            for g, o in zip(grads, out, strict=True):
                g[...] = o
            return out

        messages = {r.message for r in ex.report(clip_in_place).results if not r.passed}
        assert "it changed its input `grads` in place: compute a new array instead" in messages


def test_clip_by_norm_tests_cover_above_below_and_at_the_limit():
    for seed in KIND_SEEDS:
        ex = E.make("ch08.clip-by-norm", seed)
        norms = [np.sqrt(sum(np.sum(g**2) for g in t.args[0])) for t in ex.tests]
        limits = [t.args[1] for t in ex.tests]
        assert norms[0] > limits[0] and norms[1] < limits[1] and norms[3] == 0
        assert norms[4] > 1000 * limits[4] and norms[5] == limits[5], seed
    assert len({repr(E.make("ch08.clip-by-norm", s).tests[0].args) for s in KIND_SEEDS}) >= 30


KIND_SEEDS = range(41)


# ---- the chain as a formula (ch08.chain-formula) -------------------------------------------


def test_chain_formula_is_the_derivative_of_the_chain():
    from backprop.exercises.formula import evaluate, parse_formula

    acts = {"sigma": lambda z: 1 / (1 + anp.exp(-z)), "tanh": anp.tanh}
    rng = np.random.default_rng(1)
    for seed in KIND_SEEDS:
        ex = E.make("ch08.chain-formula", seed)
        D, f, wrt = ex.params["D"], acts[ex.params["f"]], ex.params["wrt"]
        tree = parse_formula(ex.formula, ex.variables).tree
        x, w = rng.uniform(0.5, 1.5), list(rng.uniform(0.5, 2.0, size=D))

        def last(x, w1, w2, rest, f=f):
            a, ws = x, [w1, w2, *rest]
            for wl in ws:
                a = f(wl * a)
            return a

        argnum = {"x": 0, "w1": 1, "w2": 2}[wrt]
        want = grad(last, argnum)(x, w[0], w[1], w[2:])
        zs, a = [], x
        for wl in w:
            zs.append(wl * a)
            a = float(f(zs[-1]))
        point = (
            {"x": x}
            | {f"w{l + 1}": w[l] for l in range(D)}
            | {f"z{l + 1}": zs[l] for l in range(D)}
        )
        np.testing.assert_allclose(evaluate(tree, point), want, rtol=1e-12, err_msg=str(seed))


def test_chain_formula_checks_its_answer_and_names_the_slips():
    seen = set()
    for seed in KIND_SEEDS:
        ex = E.make("ch08.chain-formula", seed)
        f = ex.params["f"]
        assert ex.check(ex.formula).correct, seed
        assert ex.check(f"2*{ex.formula}").message.startswith(
            "Right up to a constant factor: yours is 2 times the answer"
        )
        assert ex.check(f"-{ex.formula}").message == "Right up to the sign: check the sign."
        # f'(a) for f'(z): the derivative taken at the activation a = f(z)
        slip = ex.formula.replace(f"{f}'(z2)", f"{f}'({f}(z2))")
        assert slip != ex.formula and ex.check(slip).message.startswith("Not quite"), seed
        # a layer left out (the last factor w_D f'(z_D))
        D = ex.params["D"]
        short = ex.formula.replace(f"*w{D}*{f}'(z{D})", "")
        assert short != ex.formula and not ex.check(short).correct, seed
        assert "no `a1`" in ex.check("a1").message
        seen.add((ex.params["D"], f, ex.params["wrt"]))
    assert len(seen) >= 10
    assert E.make("ch08.chain-formula").check("x σ'(z1) w2 σ'(z2) w3 σ'(z3)").correct
