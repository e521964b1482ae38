"""One exercise as data: the question, the library's answer, a tolerance, hints, a solution.

The answer box that shows it (:class:`backprop.widgets.exercise.ExerciseWidget`) is built
only by :meth:`Exercise.widget`, which imports anywidget then: the exercises themselves,
their bank and the checker need numpy alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from .answers import Feedback, check_answer, expected
from .edition import student_edition
from .latex import number

if TYPE_CHECKING:
    import backprop.widgets.exercise


@dataclass
class Exercise:
    """One exercise: data plus :meth:`check`.

    ``key`` names it (stable across variants), ``question`` is Markdown
    (may contain LaTeX), ``prompt`` is the widget's short plain-text label,
    ``answer`` the correct value(s), computed by the library, ``params`` the
    numbers the question uses, ``seed`` the variant, ``title`` its name (the
    widget's heading, and the chapter's exercise title).
    """

    key: str
    question: str
    answer: tuple[float, ...]
    prompt: str = "Your answer:"
    rtol: float = 1e-3
    atol: float = 1e-6
    hints: tuple[str, ...] = ()
    solution: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    seed: int = 0
    title: str = ""
    #: What the student gives, "number" here (the subclasses' are "formula", "bug" and "code").
    kind: ClassVar[str] = "number"

    def __post_init__(self) -> None:
        arr = np.atleast_1d(np.asarray(self.answer, dtype=np.float64)).ravel()
        if arr.size == 0 or not np.isfinite(arr).all():
            raise ValueError(f"exercise {self.key!r}: the answer must be finite numbers")
        self.answer = tuple(float(v) for v in arr)
        self.hints = tuple(self.hints)

    @property
    def size(self) -> int:
        """How many numbers the answer has."""
        return len(self.answer)

    @property
    def answer_text(self) -> str:
        """The answer as a student would type it."""
        return ", ".join(number(a) for a in self.answer)

    @property
    def expects(self) -> str:
        """What an answer looks like (in messages and handouts), such as "one number"."""
        return expected(self.size)

    @property
    def full_question(self) -> str:
        """The question as Markdown with everything the student is shown with it (a
        listing, starter code), for pages that show it without the answer box."""
        return self.question

    @property
    def identity(self) -> str:
        """What tells this variant from the others (its question, and what else the kind
        varies per seed, a listing or the tests' inputs)."""
        return self.question

    def spec(self, student: bool = False) -> dict[str, Any]:
        """What the answer box needs beyond the common fields, as JSON (per kind; the
        student edition's carries nothing that gives the answer away)."""
        return {}

    def check(self, answer: Any) -> Feedback:
        """The verdict on a typed string, a number, or a list or array of numbers."""
        if not isinstance(answer, str):
            try:
                arr = np.atleast_1d(np.asarray(answer, dtype=np.float64)).ravel()
                answer = ", ".join(repr(float(v)) for v in arr)
            except (TypeError, ValueError):
                answer = str(answer)
        return check_answer(answer, self.answer, self.rtol, self.atol)

    def widget(self, student: bool | None = None) -> backprop.widgets.exercise.ExerciseWidget:
        """An answer box with Check and Hint buttons that works with or without a kernel.

        With ``student=True`` (default: :func:`student_edition`) the widget's state
        carries no answer, and Check says that answers are checked in class.
        Needs anywidget (imported here, not when the exercise is made).
        """
        from ..widgets.exercise import ExerciseWidget

        return ExerciseWidget(self, student=student_edition() if student is None else student)

    def _repr_markdown_(self) -> str:
        return self.question
