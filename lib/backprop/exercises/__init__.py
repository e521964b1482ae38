r"""Exercises that check answers: in Python with :func:`check_answer`, in the browser with
the widget's JavaScript (``backprop/widgets/exercise.js``), by one rule set.

One module per idea, numpy only:

- ``answers``: :func:`parse_answer`, :func:`check_answer`, :class:`Feedback`,
  :class:`Parsed` (a typed answer $x$ is correct when every entry satisfies
  $|x_j - a_j| \le \text{atol} + \text{rtol}\,|a_j|$);
- ``exercise``: :class:`Exercise`, the data of one exercise (a number to type);
- ``kinds``: :class:`FormulaExercise` (a formula, checked at random points by
  ``formula``) and :class:`BugExercise` (a listing with one wrong line to pick);
- ``code``: :class:`CodeExercise` and :func:`check_code` (a function to complete, run
  against the library's tests);
- ``registry``: :func:`register`, :func:`make`, :func:`keys` over the generators in
  ``backprop.bank``;
- ``edition``: the student edition switch (:func:`student_edition`);
- ``latex``: numbers written for questions (:func:`vector`).

The answer box itself, :class:`backprop.widgets.exercise.ExerciseWidget`, needs anywidget
and is imported only when :meth:`Exercise.widget` builds one (or when
``backprop.exercises.ExerciseWidget`` is asked for).
"""

from __future__ import annotations

from typing import Any

from .answers import MAX_CHARS, Feedback, Parsed, check_answer, expected, parse_answer
from .code import CodeExercise, CodeReport, CodeTest, TestResult, check_code, expect, expect_all
from .edition import CHECKED_IN_CLASS, STUDENT_EDITION_ENV, student_edition
from .exercise import Exercise
from .formula import Variable
from .kinds import BugExercise, FormulaExercise, check_bug
from .latex import number, vector
from .registry import Generator, keys, load_bank, make, register

__all__ = [
    "CHECKED_IN_CLASS",
    "BugExercise",
    "CodeExercise",
    "CodeReport",
    "CodeTest",
    "FormulaExercise",
    "check_bug",
    "check_code",
    "expect",
    "expect_all",
    "MAX_CHARS",
    "STUDENT_EDITION_ENV",
    "Exercise",
    "Feedback",
    "Generator",
    "Parsed",
    "TestResult",
    "Variable",
    "check_answer",
    "expected",
    "keys",
    "load_bank",
    "make",
    "number",
    "parse_answer",
    "register",
    "student_edition",
    "vector",
]


def __getattr__(name: str) -> Any:
    # The widget class needs anywidget: imported only when asked for.
    if name == "ExerciseWidget":
        from ..widgets.exercise import ExerciseWidget

        return ExerciseWidget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
