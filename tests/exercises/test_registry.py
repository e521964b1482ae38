"""Tests of backprop.exercises.registry: every registered exercise for seeds 0 to 20
(mechanics: it checks its own answer, rejects a wrong one, is deterministic), and the
errors of make and register."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from backprop import exercises as E
from backprop.exercises import registry

KEYS = E.keys()
SEEDS = range(21)
#: The exercises whose answer is typed numbers, and the others (formula, bug, code).
NUMBER_KEYS = [k for k in KEYS if E.make(k).kind == "number"]
OTHER_KEYS = [k for k in KEYS if k not in NUMBER_KEYS]


def simple_exercise(**kwargs):
    base = dict(key="test.simple", question="What is $1/2$?", answer=(0.5,), prompt="1/2 =")
    base.update(kwargs)
    return E.Exercise(**base)


def test_there_are_registered_exercises():
    assert KEYS and KEYS == sorted(KEYS)
    assert all(isinstance(k, str) and "." in k for k in KEYS)


def perturbed(ex):
    """Each entry moved 3 tolerances away from 0: wrong, and not a sign slip."""
    return [a + 3 * (ex.atol + ex.rtol * abs(a)) * (1.0 if a >= 0 else -1.0) for a in ex.answer]


@pytest.mark.parametrize("key", NUMBER_KEYS)
def test_every_exercise_for_seeds_0_to_20(key):
    answers = set()
    for seed in SEEDS:
        ex = E.make(key, seed)
        assert ex.key == key and ex.seed == seed
        assert ex.size == len(ex.answer) >= 1
        assert all(math.isfinite(a) for a in ex.answer)
        assert isinstance(ex.question, str) and ex.question.strip()
        assert isinstance(ex.prompt, str) and ex.prompt.strip()
        assert all(isinstance(h, str) and h for h in ex.hints)
        assert ex.rtol >= 0 and ex.atol >= 0
        fb = ex.check(ex.answer_text)
        assert (fb.verdict, fb.message) == ("correct", "Correct!"), (seed, ex.answer_text)
        assert ex.check(list(ex.answer)).verdict == "correct"
        assert ex.check(np.array(ex.answer)).verdict == "correct"
        wrong = perturbed(ex)
        fb = ex.check(", ".join(repr(w) for w in wrong))
        assert fb.verdict == "wrong" and not fb.correct, (seed, wrong)
        assert ex.check(wrong).verdict == "wrong"
        assert ex.check("not a number").verdict == "invalid"
        # Deterministic: the same seed gives the same exercise.
        again = E.make(key, seed)
        assert again.answer == ex.answer and again.question == ex.question
        answers.add(ex.answer)
    # Other seeds give other numbers.
    assert len(answers) >= 5


@pytest.mark.parametrize("key", OTHER_KEYS)
def test_every_other_kind_for_seeds_0_to_20(key):
    """Formulas, listings and code: the exercise's own answer is right, a wrong one and
    nonsense are not, the same seed gives the same variant and seeds give others."""

    def unfinished(*args):
        raise NotImplementedError

    variants = set()
    for seed in SEEDS:
        ex = E.make(key, seed)
        assert ex.key == key and ex.seed == seed and ex.kind in ("formula", "bug", "code")
        assert isinstance(ex.question, str) and ex.question.strip() and ex.title
        assert all(isinstance(h, str) and h for h in ex.hints) and ex.solution
        if isinstance(ex, E.FormulaExercise):
            assert ex.check(ex.formula).verdict == "correct", (seed, ex.formula)
            assert ex.check(f"({ex.formula}) + 1").verdict == "wrong"
            assert ex.check("(").verdict == "invalid"
        elif isinstance(ex, E.BugExercise):
            assert ex.check(ex.bug).correct and ex.check(str(ex.bug)).correct
            assert ex.check(ex.bug % len(ex.listing) + 1).verdict == "wrong"
            assert ex.check("banana").verdict == "invalid"
            assert 6 <= len(ex.listing) <= 16 and ex.explanation
        else:
            assert ex.check(ex.reference_function()).correct, (
                seed,
                ex.report(ex.reference_function()),
            )
            assert ex.check(unfinished).verdict == "wrong"
            assert ex.check("def f(): pass").verdict == "invalid"
            assert ex.function in ex.template and "NotImplementedError" in ex.template
        again = E.make(key, seed)
        assert again.identity == ex.identity and again.answer_text == ex.answer_text
        variants.add(ex.identity)
    assert len(variants) >= 3, key


@pytest.mark.parametrize("key", NUMBER_KEYS)
def test_sign_slip_gets_the_sign_hint(key):
    for seed in SEEDS:
        ex = E.make(key, seed)
        tol = [ex.atol + ex.rtol * abs(a) for a in ex.answer]
        if all(abs(a) > t for a, t in zip(ex.answer, tol, strict=True)):
            flipped = ", ".join(repr(-a) for a in ex.answer)
            assert ex.check(flipped).message == "Not quite: check the sign.", seed


def test_make_and_register_errors(monkeypatch):
    # Leave the real registry alone.
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    with pytest.raises(ValueError) as info:
        E.make("ch99.nothing")
    assert "ch99.nothing" in str(info.value)
    assert all(k in str(info.value) for k in KEYS)

    @E.register("test.registered-once")
    def gen(seed):
        return simple_exercise(key="test.registered-once")

    assert E.register("test.registered-once")(gen) is gen  # the same function again is fine
    with pytest.raises(ValueError, match="registered twice"):
        E.register("test.registered-once")(lambda seed: simple_exercise())

    @E.register("test.mislabelled")
    def mislabelled(seed):
        return simple_exercise(key="test.other")

    with pytest.raises(ValueError, match="test.other"):
        E.make("test.mislabelled")
    assert E.make("test.registered-once", seed=4).seed == 4


@pytest.mark.parametrize("seed", [-1, 0.5, "1"])
def test_make_rejects_a_seed_that_is_not_a_whole_number(seed):
    with pytest.raises(ValueError, match="whole number >= 0"):
        E.make("ch01.composite", seed)


@pytest.mark.parametrize("key", [k for k in OTHER_KEYS if E.make(k).kind == "code"])
def test_starter_and_reference_code_fit_a_phone_and_the_notebook_holds_the_starter(key):
    """The starter code shows in the answer box and in a chapter's cell: lines of at most 88
    characters, and the chapter's cell is the exercise's own starter code."""
    import nbformat

    ex = E.make(key)
    assert all(len(line) <= 88 for line in (ex.template + "\n" + ex.reference).splitlines())
    [path] = (Path(__file__).resolve().parents[2] / "chapters").glob(f"{key[2:4]}_*.ipynb")
    cells = [
        c.source
        for c in nbformat.read(path, as_version=4).cells
        if c.cell_type == "code" and c.source.lstrip().startswith(f"def {ex.function}(")
    ]
    assert cells == [ex.template.rstrip()], key
