"""Tests of backprop.exercises.exercise: an Exercise as data, and its check."""

from __future__ import annotations

import backprop as bp
import numpy as np
import pytest
from backprop import exercises as E


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
