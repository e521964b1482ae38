"""Tests of backprop.exercises.answers: parsing and checking typed answers, on the shared
table (tests/exercise_cases.json, which the widget's JavaScript must also pass) and on
arbitrary input."""

from __future__ import annotations

import json
import math
from pathlib import Path

import backprop as bp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

CASES = json.loads(
    (Path(__file__).resolve().parents[1] / "exercise_cases.json").read_text(encoding="utf-8")
)
VERDICTS = {"correct", "wrong", "invalid"}


def case_id(case):
    return case["note"]


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
