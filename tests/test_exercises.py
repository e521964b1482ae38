"""Tests of backprop.exercises: parsing and checking answers, every registered exercise,
and the widget driven from Python as a student would."""

from __future__ import annotations

import json
import math
from pathlib import Path

import autograd.numpy as anp
import backprop as bp
import numpy as np
import pytest
from autograd import grad
from backprop import exercises as E
from hypothesis import given, settings
from hypothesis import strategies as st

CASES = json.loads((Path(__file__).parent / "exercise_cases.json").read_text(encoding="utf-8"))
VERDICTS = {"correct", "wrong", "invalid"}
KEYS = E.keys()
SEEDS = range(21)


def case_id(case):
    return case["note"]


def simple_exercise(**kwargs):
    base = dict(
        key="test.simple",
        question="What is $1/2$?",
        answer=(0.5,),
        prompt="1/2 =",
        hints=("Halve one.", "It is 0.5."),
        solution="0.5",
    )
    base.update(kwargs)
    return E.Exercise(**base)


# ---- the shared table -------------------------------------------------------------


def test_case_table_is_well_formed_and_covers_the_rules():
    assert len(CASES) >= 40
    for case in CASES:
        assert isinstance(case["input"], str)
        assert isinstance(case["answer"], list) and case["answer"]
        assert all(isinstance(a, int | float) for a in case["answer"])
        assert isinstance(case["rtol"], int | float) and isinstance(case["atol"], int | float)
        assert case["verdict"] in VERDICTS
        assert isinstance(case["message"], str) and case["message"]
    assert {c["verdict"] for c in CASES} == VERDICTS
    messages = {c["message"] for c in CASES}
    assert "Not quite: check the sign." in messages
    assert any(m.startswith("Not quite: entries ") for m in messages)
    assert any(m.startswith("Not quite: entry ") for m in messages)
    assert any("divides by zero" in m for m in messages)
    assert any("too large" in m for m in messages)
    assert any("too long" in m for m in messages)
    assert any("empty entry" in m for m in messages)
    assert any(m.startswith("Expected ") for m in messages)
    assert any("\u2212" in c["input"] for c in CASES)
    assert len({c["note"] for c in CASES}) == len(CASES)  # notes are unique test ids


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_check_answer_on_the_shared_table(case):
    fb = bp.check_answer(case["input"], case["answer"], case["rtol"], case["atol"])
    assert isinstance(fb, bp.Feedback)
    assert (fb.verdict, fb.message) == (case["verdict"], case["message"])
    assert fb.correct == (case["verdict"] == "correct")


# ---- parse_answer ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "size", "values"),
    [
        ("0.5", 1, (0.5,)),
        ("1/2", 1, (0.5,)),
        ("-3e-2", 1, (-0.03,)),
        ("\u22123e-2", 1, (-0.03,)),
        ("1, -2, 3", 3, (1.0, -2.0, 3.0)),
        ("[1, -2, 3]", 3, (1.0, -2.0, 3.0)),
        ("(1,2)", 2, (1.0, 2.0)),
        ("1/3", 1, (1 / 3,)),
    ],
)
def test_parse_answer_reads_the_usual_forms(text, size, values):
    parsed = bp.parse_answer(text, size)
    assert parsed.error is None
    assert parsed.values == values
    assert all(isinstance(v, float) for v in parsed.values)


def test_parse_answer_default_size_is_one():
    assert bp.parse_answer("2").values == (2.0,)
    assert bp.parse_answer("1, 2").error == "Expected one number; got 2 numbers."


NONSENSE = [
    "",
    "abc",
    "nan",
    "inf",
    "1e999",
    "1/0",
    "1e300/1e-300",
    "7" * 10_000,
    "1, 2, 3, 4",
    "1,,2",
    None,
    float("nan"),
    b"1",
    "\x00",
    "[",
    "]",
    ",",
]


@pytest.mark.parametrize("text", NONSENSE, ids=repr)
def test_nonsense_is_invalid_with_a_friendly_message(text):
    parsed = bp.parse_answer(text, 3)
    assert parsed.values is None and parsed.error
    fb = bp.check_answer(text, [1.0, 2.0, 3.0], 1e-3, 1e-6)
    assert fb.verdict == "invalid" and not fb.correct
    assert 0 < len(fb.message) <= 200  # short: no echo of a huge paste
    assert "Traceback" not in fb.message and "Error" not in fb.message


def test_a_huge_paste_is_rejected_as_too_long():
    fb = bp.check_answer("7" * 10_000, [0.5], 1e-3, 1e-6)
    assert fb.verdict == "invalid" and fb.message == "That is too long: type one number."
    assert len(bp.check_answer("1, " * 5000, [1, 2], 1e-3, 1e-6).message) < 100


@settings(max_examples=50, deadline=None)
@given(text=st.text(max_size=60), size=st.integers(1, 4))
def test_arbitrary_text_never_raises(text, size):
    parsed = bp.parse_answer(text, size)
    assert (parsed.values is None) != (parsed.error is None)
    if parsed.values is not None:
        assert len(parsed.values) == size and all(math.isfinite(v) for v in parsed.values)
    fb = bp.check_answer(text, [0.5] * size, 1e-3, 1e-6)
    assert fb.verdict in VERDICTS and isinstance(fb.message, str) and fb.message


@settings(max_examples=50, deadline=None)
@given(text=st.text(alphabet="0123456789.eE+-\u2212/,[]() \t", max_size=30), size=st.integers(1, 3))
def test_number_like_text_never_raises(text, size):
    fb = bp.check_answer(text, [1.0] * size, 1e-3, 1e-6)
    assert fb.verdict in VERDICTS and fb.message


finite = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=50, deadline=None)
@given(values=st.lists(finite, min_size=1, max_size=4), brackets=st.sampled_from(["", "[]", "()"]))
def test_repr_of_any_finite_numbers_round_trips(values, brackets):
    body = ", ".join(repr(v) for v in values)
    text = brackets[:1] + body + brackets[1:]
    parsed = bp.parse_answer(text, len(values))
    assert parsed.values == tuple(values)
    fb = bp.check_answer(text, values, 0.0, 0.0)
    assert fb.verdict == "correct" and fb.message == "Correct!"


# ---- check_answer rules -----------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(a=st.floats(-1e6, 1e6), k=st.floats(1.5, 100.0))
def test_tolerance_rule(a, k):
    rtol, atol = 1e-3, 1e-6
    tol = atol + rtol * abs(a)
    away = a + k * tol * (1.0 if a >= 0 else -1.0)  # further from 0 than a
    assert bp.check_answer(repr(a + 0.5 * tol), [a], rtol, atol).verdict == "correct"
    fb = bp.check_answer(repr(away), [a], rtol, atol)
    assert fb.verdict == "wrong" and fb.message == "Not quite. Try again."


def test_sign_hint_needs_every_entry_to_match_after_flipping():
    assert bp.check_answer("-2, -3", [2, 3], 1e-3, 0).message == "Not quite: check the sign."
    assert bp.check_answer("-2, 3", [2, 3], 1e-3, 0).message == (
        "Not quite: entry 1 is off. Try again."
    )


# ---- every registered exercise -------------------------------------------------------


def test_there_are_registered_exercises():
    assert KEYS and KEYS == sorted(KEYS)
    assert all(isinstance(k, str) and "." in k for k in KEYS)


def perturbed(ex):
    """Each entry moved 3 tolerances away from 0: wrong, and not a sign slip."""
    return [a + 3 * (ex.atol + ex.rtol * abs(a)) * (1.0 if a >= 0 else -1.0) for a in ex.answer]


@pytest.mark.parametrize("key", KEYS)
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


@pytest.mark.parametrize("key", KEYS)
def test_sign_slip_gets_the_sign_hint(key):
    for seed in SEEDS:
        ex = E.make(key, seed)
        tol = [ex.atol + ex.rtol * abs(a) for a in ex.answer]
        if all(abs(a) > t for a, t in zip(ex.answer, tol, strict=True)):
            flipped = ", ".join(repr(-a) for a in ex.answer)
            assert ex.check(flipped).message == "Not quite: check the sign.", seed


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


def test_make_and_register_errors(monkeypatch):
    monkeypatch.setattr(E, "_REGISTRY", dict(E._REGISTRY))  # leave the real registry alone
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


# ---- Exercise ---------------------------------------------------------------------


def test_exercise_data():
    ex = simple_exercise(answer=[1.0, -2.5, 3e-7])
    assert ex.answer == (1.0, -2.5, 3e-7) and ex.size == 3
    assert ex.answer_text == "1, -2.5, 3e-07"
    assert bp.parse_answer(ex.answer_text, 3).values == ex.answer
    assert ex._repr_markdown_() == ex.question
    assert simple_exercise(answer=2).answer == (2.0,)
    assert simple_exercise(answer=np.array([[1.0, 2.0]])).answer == (1.0, 2.0)


@pytest.mark.parametrize("bad", [(), (float("nan"),), (1.0, float("inf"))])
def test_exercise_rejects_non_finite_answers(bad):
    with pytest.raises(ValueError, match="finite"):
        simple_exercise(answer=bad)


def test_exercise_check_accepts_numbers_lists_and_strings():
    ex = simple_exercise()
    assert ex.check(0.5).verdict == "correct"
    assert ex.check(np.float64(0.5)).verdict == "correct"
    assert ex.check([0.5]).verdict == "correct"
    assert ex.check("1/2").verdict == "correct"
    assert ex.check(-0.5).message == "Not quite: check the sign."
    assert ex.check(float("nan")).verdict == "invalid"
    assert ex.check(object()).verdict == "invalid"
    assert ex.check(None).verdict == "invalid"


def test_vector_formats_numbers_for_questions():
    assert E.vector([1, -2, 3]) == "(1, -2, 3)"
    assert E.vector(np.array([0.5, 2.0])) == "(0.5, 2)"
    assert E.vector(7) == "(7)"


# ---- the widget, driven as a student would -----------------------------------------------


def test_widget_state_mirrors_the_exercise():
    ex = simple_exercise(rtol=1e-4, atol=1e-8)
    w = ex.widget()
    assert isinstance(w, E.ExerciseWidget)
    assert w.key == ex.key and w.prompt == ex.prompt and w.size == 1
    assert w.answer == [0.5] and w.rtol == 1e-4 and w.atol == 1e-8
    assert w.hints == list(ex.hints) and w.hints_shown == 0
    assert w.value == "" and w.verdict == "" and w.message == "" and w.checks == 0


def test_widget_checks_when_checks_goes_up():
    w = simple_exercise().widget()
    w.value = "1/2"
    assert w.verdict == ""  # typing alone checks nothing
    w.checks += 1
    assert (w.verdict, w.message) == ("correct", "Correct!")
    w.value = "\u22120.5"
    w.checks += 1
    assert (w.verdict, w.message) == ("wrong", "Not quite: check the sign.")
    w.value = "abc"
    w.checks += 1
    assert (w.verdict, w.message) == ("invalid", 'I could not read "abc" as a number.')


def test_widget_submit():
    w = simple_exercise().widget()
    fb = w.submit("0.4")
    assert fb.verdict == "wrong" and w.verdict == "wrong" and w.message == "Not quite. Try again."
    assert w.value == "0.4" and w.checks == 1
    fb = w.submit()  # re-check the current value
    assert w.checks == 2 and fb.verdict == "wrong"
    w.value = "0.5"
    assert w.submit().verdict == "correct" and w.verdict == "correct" and w.message == "Correct!"
    fb = w.submit("")
    assert w.verdict == "invalid" and w.message == "Type one number first." == fb.message


@pytest.mark.parametrize("key", KEYS)
def test_widget_of_every_registered_exercise(key):
    ex = E.make(key)
    w = ex.widget()
    w.value = ex.answer_text
    w.checks += 1
    assert (w.verdict, w.message) == ("correct", "Correct!")
    w.submit(", ".join(["1e999"] * ex.size))
    assert w.verdict == "invalid" and "too large" in w.message
    r = repr(w)
    assert "0x" not in r and ex.prompt in r
    assert ("one number" if ex.size == 1 else f"{ex.size} numbers") in r


def test_show_hint_reveals_hints_in_order():
    w = simple_exercise().widget()
    assert w.show_hint() == "Halve one." and w.hints_shown == 1
    assert w.show_hint() == "It is 0.5." and w.hints_shown == 2
    assert w.show_hint() is None and w.hints_shown == 2
    assert simple_exercise(hints=()).widget().show_hint() is None


def test_widget_repr_is_the_plain_text_fallback():
    r = repr(simple_exercise(answer=(1.0, 2.0), prompt="v =").widget())
    assert r.startswith("Exercise: v =")
    assert "2 numbers separated by commas" in r
    assert "0x" not in r and "object at" not in r
