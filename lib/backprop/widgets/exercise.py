"""The exercise answer box: an anywidget whose JavaScript front end (``js/exercise.js``, bundled
into ``static/exercise.js``) checks answers in the browser from the widget's saved state, so it
works on the static site too, for every kind of exercise: numbers, a formula (shown as it was
read while the student types), a listing whose wrong line the student picks, and code (the
task, its starter code and how to run :func:`backprop.exercises.check_code`).

The widget is self-contained in every host: it shows the exercise's title and its whole
question, with the math rendered (HTML with MathML, made in Python by
:mod:`backprop.widgets.markup`), above the answer box, and in the book edition a worked
solution the student can open. In a kernel, each Check (``checks`` goes up) is re-checked
by the Python :func:`backprop.exercises.check_answer`, which gives the same verdict.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

from ..exercises.answers import Feedback
from ..exercises.edition import CHECKED_IN_CLASS
from ..exercises.exercise import Exercise
from ._base import bundle
from .markup import to_html

_HERE = Path(__file__).resolve().parent


class ExerciseWidget(anywidget.AnyWidget):
    """The answer box: an input, Check and Hint buttons, and feedback.

    Its JavaScript front end (``exercise.js``) checks answers in the
    browser from the widget's saved state, so it works on the static site.
    In a kernel, each Check (``checks`` goes up) is re-checked by the Python
    :func:`backprop.exercises.check_answer`, which gives the same verdict; :meth:`submit` does
    from Python what the Check button does.
    """

    _esm = bundle("exercise")
    _css = _HERE / "exercise.css"
    key = t.Unicode("").tag(sync=True)
    #: "number", "formula", "bug" or "code" (the exercise's kind).
    kind = t.Unicode("number").tag(sync=True)
    #: What the kind needs beyond the common fields (:meth:`backprop.exercises.Exercise.spec`).
    spec = t.Dict().tag(sync=True)
    title = t.Unicode("").tag(sync=True)
    #: The question as HTML with MathML (see :mod:`backprop.widgets.markup`).
    question_html = t.Unicode("").tag(sync=True)
    #: The worked solution as HTML with MathML; empty in the student edition.
    solution_html = t.Unicode("").tag(sync=True)
    prompt = t.Unicode("Your answer:").tag(sync=True)
    size = t.Int(1).tag(sync=True)
    answer = t.List(t.Float()).tag(sync=True)
    rtol = t.Float(1e-3).tag(sync=True)
    atol = t.Float(1e-6).tag(sync=True)
    hints = t.List(t.Unicode()).tag(sync=True)
    hints_shown = t.Int(0).tag(sync=True)
    value = t.Unicode("").tag(sync=True)
    verdict = t.Unicode("").tag(sync=True)
    message = t.Unicode("").tag(sync=True)
    checks = t.Int(0).tag(sync=True)

    def __init__(self, exercise: Exercise, student: bool = False) -> None:
        super().__init__(
            key=exercise.key,
            kind=exercise.kind,
            spec=exercise.spec(student),
            title=exercise.title,
            question_html=to_html(exercise.question),
            # The student edition sends no solution and no answer.
            solution_html="" if student or not exercise.solution else to_html(exercise.solution),
            prompt=exercise.prompt,
            size=exercise.size,
            # Without an answer the front end checks nothing.
            answer=[] if student or exercise.kind != "number" else list(exercise.answer),
            rtol=exercise.rtol,
            atol=exercise.atol,
            hints=list(exercise.hints),
        )
        self.exercise = exercise
        self.student = student
        self.observe(self._on_checks, names="checks")

    def _on_checks(self, change: dict[str, Any]) -> None:
        if self.student:
            self.verdict, self.message = "", CHECKED_IN_CLASS
            return
        fb = self.exercise.check(self.value)
        self.verdict, self.message = fb.verdict, fb.message

    def submit(self, value: str | None = None) -> Feedback:
        """Check ``value`` (or the current one) as the Check button does."""
        if value is not None:
            self.value = str(value)
        self.checks += 1  # the observer sets verdict and message
        if self.student:
            return Feedback(False, CHECKED_IN_CLASS, "")
        return self.exercise.check(self.value)

    def show_hint(self) -> str | None:
        """Reveal the next hint, as the Hint button does; None when none are left."""
        if self.hints_shown >= len(self.hints):
            return None
        self.hints_shown += 1
        return self.hints[self.hints_shown - 1]

    def __repr__(self) -> str:
        # The plain-text fallback, shown before the cell runs and where no JavaScript runs:
        # what to do, and the whole question (deterministic: no memory address).
        title = self.title or self.key
        ex = self.exercise
        text = f"Exercise: {title}. Run this cell to show the answer box.\n\n{ex.question}"
        if ex.kind == "bug":
            text += "\n\n" + "\n".join(f"{i:>3}  {line}" for i, line in enumerate(ex.listing, 1))
        elif ex.kind == "code":
            text += f"\n\n{ex.template}\n\nThen run: {ex.call_text}"
        return f"{text}\n\n{self.prompt} ({ex.expects})"
