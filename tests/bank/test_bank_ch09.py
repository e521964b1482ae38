"""The exercises of chapter 7, against formulas written out independently."""

from __future__ import annotations

import math

import backprop as bp
import numpy as np
import pytest

SEEDS = range(21)
KEYS = ["ch09.params", "ch09.softmax-loss", "ch09.output-delta", "ch09.steps", "ch09.accuracy"]


def test_params_is_the_layer_sum():
    for seed in SEEDS:
        ex = bp.exercises.make("ch09.params", seed)
        a, h, c = ex.params["sizes"]
        assert ex.answer == (a * h + h + h * c + c,)
    # The book's variant is not the chapter's own 64-32-10 network, whose count the text gives.
    assert bp.exercises.make("ch09.params").answer == (64 * 16 + 16 + 16 * 10 + 10,)


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


def test_steps_is_the_ceiling():
    for seed in SEEDS:
        ex = bp.exercises.make("ch09.steps", seed)
        n, bs = ex.params["n"], ex.params["batch_size"]
        assert n % bs != 0
        assert ex.answer == (math.ceil(n / bs),)


def test_accuracy_is_trace_over_total():
    for seed in SEEDS:
        ex = bp.exercises.make("ch09.accuracy", seed)
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
        if key in ("ch09.softmax-loss", "ch09.output-delta"):
            assert max(ex.params["y"]) > min(ex.params["y"])  # not a uniform softmax
        elif key == "ch09.steps":
            assert ex.params["n"] % ex.params["batch_size"] != 0  # a smaller last batch
        elif key == "ch09.accuracy":
            assert 0 < ex.answer[0] < 1  # some right, some wrong
    assert len(variants) >= 50, len(variants)
