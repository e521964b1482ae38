r"""Exercises beyond a typed number: a formula checked at random points, and a listing with
one wrong line to find. (Code to complete is in :mod:`backprop.exercises.code`.)

Both check the same way in Python (:meth:`~FormulaExercise.check`, used in a kernel and by
the grader) and in the answer box's JavaScript (``widgets/js/exercise.js`` and
``widgets/js/formula.js``, used on the static site): ``tests/exercises/formula_cases.json`` and
``tests/exercises/bug_cases.json`` hold inputs and verdicts both must give.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from .answers import MAX_CHARS, Feedback, _trim
from .exercise import Exercise
from .formula import Variable

#: A typed line number: "7", "line 7", "L7" (any case), once trimmed as numbers are; ASCII
#: only and no flags, so that JavaScript's regular expressions read it alike.
_LINE = re.compile(r"^(?:[Ll][Ii][Nn][Ee][ \t]*|[Ll][ \t]*)?([0-9]{1,6})$")


def check_bug(text: Any, bug: int, lines: int, notes: Mapping[int, str] | None = None) -> Feedback:
    """The verdict on a chosen (or typed) line number: right when it is ``bug`` (from 1).

    A wrong line gets its note from ``notes`` when there is one ("Not line 3: it ..."),
    else "Line 3 is right. Look again." The same rules as ``checkBug`` in
    ``widgets/js/exercise.js``.
    """
    s = str(text)
    if len(s) > MAX_CHARS or _trim(s) == "":
        return Feedback(False, "Pick the wrong line first.", "invalid")
    m = _LINE.match(_trim(s))
    k = int(m[1]) if m else 0
    if not 1 <= k <= lines:
        return Feedback(False, f"Give the number of the wrong line, 1 to {lines}.", "invalid")
    if k == bug:
        return Feedback(True, f"Correct: line {k} is the bug.", "correct")
    note = (notes or {}).get(k)
    if note:
        return Feedback(False, f"Not line {k}: {note}", "wrong")
    return Feedback(False, f"Line {k} is right. Look again.", "wrong")


@dataclass
class BugExercise(Exercise):
    """A short listing with one wrong line; the student picks the line.

    ``listing`` holds the lines (shown numbered from 1), ``bug`` the wrong one's number;
    ``notes`` says what a wrong pick at line k is told (kept out of the student edition),
    and ``explanation`` why the bug line is wrong (shown after a right pick, and in the
    solution). The key stores the bug line as the answer, a number.
    """

    answer: tuple[float, ...] = ()
    listing: tuple[str, ...] = ()
    bug: int = 0
    notes: dict[int, str] = field(default_factory=dict)
    explanation: str = ""
    prompt: str = "Click the wrong line (or type its number):"
    kind: ClassVar[str] = "bug"

    def __post_init__(self) -> None:
        self.listing = tuple(self.listing)
        if not 1 <= self.bug <= len(self.listing):
            raise ValueError(
                f"exercise {self.key!r}: the bug line {self.bug} is not a line of the listing "
                f"(1 to {len(self.listing)})"
            )
        self.answer = (float(self.bug),)
        self.rtol, self.atol = 0.0, 0.0
        self.hints = tuple(self.hints)
        self.notes = {int(k): str(v) for k, v in self.notes.items()}

    @property
    def expects(self) -> str:
        return f"the number of the wrong line (1 to {len(self.listing)})"

    @property
    def identity(self) -> str:
        return self.question + "\n" + "\n".join(self.listing)

    def check(self, answer: Any) -> Feedback:
        """The verdict on a line number: typed text, a number, or a list or array of one."""
        if not isinstance(answer, str):
            values = np.atleast_1d(np.asarray(answer, dtype=object)).ravel()
            answer = values[0] if values.size == 1 else answer
        if isinstance(answer, (float, np.floating)) and float(answer).is_integer():
            answer = int(answer)
        if isinstance(answer, np.integer):
            answer = int(answer)
        return check_bug(answer, self.bug, len(self.listing), self.notes)

    def spec(self, student: bool = False) -> dict[str, Any]:
        return {
            "listing": list(self.listing),
            "bug": 0 if student else self.bug,
            "notes": {} if student else {str(k): v for k, v in self.notes.items()},
            "explanation": "" if student else self.explanation,
        }

    @property
    def full_question(self) -> str:
        return self.question + "\n\n```python\n" + numbered(self.listing) + "\n```"

    def _repr_markdown_(self) -> str:
        return self.full_question


def numbered(listing: Sequence[str]) -> str:
    """The listing with line numbers, as text: `` 1  def f(x):``."""
    width = len(str(len(listing)))
    return "\n".join(f"{i:>{width}}  {line}" for i, line in enumerate(listing, start=1))


@dataclass
class FormulaExercise(Exercise):
    """The answer is a formula in named variables: right when it agrees with ``formula``
    at ``POINTS`` (20) random points (drawn from each variable's
    range, the same points in Python and JavaScript), within ``rtol`` and ``atol``.

    ``formula`` is written in the answer grammar (``formula.lark``), ``variables`` lists the
    names it may use, with the book's notation and other accepted spellings.
    """

    answer: tuple[float, ...] = ()
    formula: str = ""
    variables: tuple[Variable, ...] = ()
    rtol: float = 1e-6
    atol: float = 1e-9
    prompt: str = "Your formula:"
    kind: ClassVar[str] = "formula"

    def __post_init__(self) -> None:
        self.variables = tuple(self.variables)
        self.hints = tuple(self.hints)
        from .formula import parse_formula  # lark: imported when a formula exercise is made

        parsed = parse_formula(self.formula, self.variables)
        if parsed.error is not None:
            raise ValueError(
                f"exercise {self.key!r}: its own formula does not parse: {parsed.error}"
            )
        self.answer = ()

    @property
    def size(self) -> int:
        return 0

    @property
    def answer_text(self) -> str:
        return self.formula

    @property
    def identity(self) -> str:
        return self.question + "\n" + self.formula

    @property
    def expects(self) -> str:
        names = ", ".join(v.name for v in self.variables)
        return f"a formula in {names}"

    def check(self, answer: Any) -> Feedback:
        from .formula import check_formula

        return check_formula(str(answer), self.formula, self.variables, self.rtol, self.atol)

    def spec(self, student: bool = False) -> dict[str, Any]:
        from .formula import POINTS, SEED

        return {
            "variables": [v.to_json() for v in self.variables],
            "formula": "" if student else self.formula,
            "points": POINTS,
            "seed": SEED,
        }
