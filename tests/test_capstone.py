"""The capstone recipe end to end (chapter 7): digits, split, gradient check, mini-batch
training to at least 95% test accuracy; and the chapter-7 exercises against independent
formulas."""

from __future__ import annotations

import math

import backprop as bp
import numpy as np
import pytest

SEEDS = range(21)
KEYS = ["ch07.params", "ch07.softmax-loss", "ch07.output-delta", "ch07.steps", "ch07.accuracy"]


@pytest.fixture(scope="module")
def digits():
    datasets = pytest.importorskip("sklearn.datasets")
    d = datasets.load_digits()
    X_train, X_test, y_train, y_test = bp.data.train_test_split(
        d.data / 16.0, d.target, test_fraction=0.25, seed=0
    )
    return X_train, X_test, y_train, y_test


def test_the_split_the_chapter_uses(digits):
    X_train, X_test, y_train, y_test = digits
    assert (len(X_train), len(X_test)) == (1348, 449)
    assert X_train.shape[1] == 64 and 0.0 <= X_train.min() and X_train.max() <= 1.0
    assert set(np.unique(y_test)) == set(range(10))


def test_gradient_check_on_a_slice(digits):
    X_train, _, y_train, _ = digits
    T = bp.data.one_hot(y_train[:10], 10)
    small = bp.Network.random([64, 8, 10], ["relu", "identity"], seed=1)
    assert bp.gradient_check(small, X_train[:10], T, "softmax_cross_entropy", eps=1e-5) < 1e-6


def test_training_reaches_95_percent_on_the_test_set(digits):
    X_train, X_test, y_train, y_test = digits
    T_train = bp.data.one_hot(y_train, 10)
    net = bp.Network.random([64, 32, 10], ["relu", "identity"], seed=0)
    assert net.loss(X_train, T_train, "softmax_cross_entropy") == pytest.approx(np.log(10), abs=0.3)
    test_acc = []
    history = bp.train(
        net,
        X_train,
        T_train,
        "softmax_cross_entropy",
        lr=0.1,
        epochs=60,
        batch_size=32,
        seed=0,
        on_epoch=lambda e, n, h: test_acc.append(bp.losses.accuracy(n.predict(X_test), y_test)),
    )
    assert len(history.loss) == 43 * 60 and len(test_acc) == 60
    assert test_acc[-1] >= 0.95
    assert history.epoch_loss[-1] < 0.1 * history.epoch_loss[0]
    # Other seeds train as well: the recipe does not hinge on one lucky start.
    for seed in (1, 2):
        other = bp.Network.random([64, 32, 10], ["relu", "identity"], seed=seed)
        bp.train(other, X_train, T_train, "softmax_cross_entropy", 0.1, 60, 32, seed=seed)
        assert bp.losses.accuracy(other.predict(X_test), y_test) >= 0.95


# ---- the chapter-7 exercises, against formulas written out independently ----


def test_params_is_the_layer_sum():
    for seed in SEEDS:
        ex = bp.exercises.make("ch07.params", seed)
        a, h, c = ex.params["sizes"]
        assert ex.answer == (a * h + h + h * c + c,)
    # The book's variant is not the chapter's own 64-32-10 network, whose count the text gives.
    assert bp.exercises.make("ch07.params").answer == (64 * 16 + 16 + 16 * 10 + 10,)


def test_softmax_loss_by_hand():
    for seed in SEEDS:
        ex = bp.exercises.make("ch07.softmax-loss", seed)
        y, c = ex.params["y"], ex.params["c"]
        p = math.exp(y[c]) / sum(math.exp(v) for v in y)
        np.testing.assert_allclose(ex.answer, (p, -math.log(p)), rtol=1e-12)


def test_output_delta_is_p_minus_t():
    for seed in SEEDS:
        ex = bp.exercises.make("ch07.output-delta", seed)
        y, c = ex.params["y"], ex.params["c"]
        denom = sum(math.exp(v) for v in y)
        expected = [math.exp(v) / denom - (j == c) for j, v in enumerate(y)]
        np.testing.assert_allclose(ex.answer, expected, rtol=1e-12, atol=1e-15)
        assert abs(sum(ex.answer)) < 1e-12


def test_steps_is_the_ceiling():
    for seed in SEEDS:
        ex = bp.exercises.make("ch07.steps", seed)
        n, bs = ex.params["n"], ex.params["batch_size"]
        assert n % bs != 0
        assert ex.answer == (math.ceil(n / bs),)


def test_accuracy_is_trace_over_total():
    for seed in SEEDS:
        ex = bp.exercises.make("ch07.accuracy", seed)
        C = np.array(ex.params["C"])
        assert np.trace(C) < C.sum()
        assert ex.answer == pytest.approx((np.trace(C) / C.sum(),), rel=1e-12)


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
        if key in ("ch07.softmax-loss", "ch07.output-delta"):
            assert max(ex.params["y"]) > min(ex.params["y"])  # not a uniform softmax
        elif key == "ch07.steps":
            assert ex.params["n"] % ex.params["batch_size"] != 0  # a smaller last batch
        elif key == "ch07.accuracy":
            assert 0 < ex.answer[0] < 1  # some right, some wrong
    assert len(variants) >= 50, len(variants)
