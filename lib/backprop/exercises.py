r"""Exercises that check answers: in Python with :func:`check_answer`, in the
browser with the widget's JavaScript (``exercise_widget.js``), by one rule set.

An :class:`Exercise` is data: the question, the correct answer computed by
the library, a tolerance, hints and a solution. A typed answer $x$ is correct
when every entry satisfies $|x_j - a_j| \le \text{atol} + \text{rtol}\,|a_j|$.

Answers are parsed forgivingly: ``0.5``, ``1/2``, ``-3e-2``, ``1, -2, 3`` and
``[1, -2, 3]`` all work, and nonsense gets a short message saying what was
expected (never an exception). The same rules live in ``exercise_widget.js``;
``tests/exercise_cases.json`` holds inputs and verdicts that both must give.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets as t
from numpy.typing import ArrayLike

#: Longer input than this is rejected with a message, not parsed.
MAX_CHARS = 1000
_NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")
# JavaScript's whitespace (what String.prototype.trim removes), spelled out so
# both sides strip exactly the same characters.
_WS = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_TRIM = re.compile(f"^[{_WS}]+|[{_WS}]+$")
#: Tokens longer than this are shortened in messages.
_SHOW = 20
_HERE = Path(__file__).parent
#: With this environment variable set to "1" (the student edition of the site),
#: exercise widgets carry no answer and say that answers are checked in class.
STUDENT_EDITION_ENV = "BACKPROP_STUDENT_EDITION"
CHECKED_IN_CLASS = "Answers are checked in class."


def student_edition() -> bool:
    """True when building the student edition (``BACKPROP_STUDENT_EDITION=1``)."""
    return os.environ.get(STUDENT_EDITION_ENV, "") == "1"


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``verdict`` is "correct", "wrong" or "invalid"
    (or "" from a student-edition widget, which checks nothing)."""

    correct: bool
    message: str
    verdict: str


@dataclass(frozen=True)
class Parsed:
    """A parsed answer: ``values`` (a tuple of floats) or an ``error`` message."""

    values: tuple[float, ...] | None = None
    error: str | None = None


def _expected(size: int) -> str:
    return "one number" if size == 1 else f"{size} numbers separated by commas"


def _trim(s: str) -> str:
    return _TRIM.sub("", s)


def _show(token: str) -> str:
    return token if len(token) <= _SHOW else token[:_SHOW] + "…"


def _parse_number(token: str) -> float | str:
    parts = token.split("/")
    if len(parts) > 2:
        return f'I could not read "{_show(token)}" as a number.'
    values = []
    for raw in parts:
        p = _trim(raw)
        if not _NUMBER.match(p):
            return f'I could not read "{_show(token)}" as a number.'
        values.append(float(p))
    v = values[0]
    if len(values) == 2:
        if values[1] == 0:
            return f'"{_show(token)}" divides by zero.'
        try:
            v = values[0] / values[1]
        except OverflowError:
            v = float("inf")
    if not np.isfinite(v):
        return f'"{_show(token)}" is too large to be a sensible answer.'
    return v


def parse_answer(text: Any, size: int = 1) -> Parsed:
    """Read a typed answer of ``size`` numbers; never raises on any input."""
    s = _trim(str(text).replace("\u2212", "-"))
    if len(s) > MAX_CHARS:
        return Parsed(error=f"That is too long: type {_expected(size)}.")
    if (s.startswith("[") and s.endswith("]")) or (s.startswith("(") and s.endswith(")")):
        s = _trim(s[1:-1])
    if s == "":
        return Parsed(error=f"Type {_expected(size)} first.")
    tokens = [_trim(t) for t in s.split(",")]
    if len(tokens) != size:
        got = "one number" if len(tokens) == 1 else f"{len(tokens)} numbers"
        return Parsed(error=f"Expected {_expected(size)}; got {got}.")
    values = []
    for token in tokens:
        if token == "":
            return Parsed(error=f"There is an empty entry; type {_expected(size)}.")
        r = _parse_number(token)
        if isinstance(r, str):
            return Parsed(error=r)
        values.append(r)
    return Parsed(values=tuple(values))


def _close(x: float, a: float, rtol: float, atol: float) -> bool:
    return abs(x - a) <= atol + rtol * abs(a)


def check_answer(text: Any, answer: Sequence[float], rtol: float, atol: float) -> Feedback:
    r"""The verdict on ``text`` against ``answer``: correct when every entry has
    $|x_j - a_j| \le \text{atol} + \text{rtol}\,|a_j|$."""
    parsed = parse_answer(text, len(answer))
    if parsed.values is None:
        return Feedback(False, str(parsed.error), "invalid")
    xs = parsed.values
    if all(_close(x, a, rtol, atol) for x, a in zip(xs, answer, strict=True)):
        return Feedback(True, "Correct!", "correct")
    if any(a != 0 for a in answer) and all(
        _close(-x, a, rtol, atol) for x, a in zip(xs, answer, strict=True)
    ):
        return Feedback(False, "Not quite: check the sign.", "wrong")
    if len(answer) > 1:
        bad = [
            str(i)
            for i, (x, a) in enumerate(zip(xs, answer, strict=True), start=1)
            if not _close(x, a, rtol, atol)
        ]
        which = f"entry {bad[0]} is" if len(bad) == 1 else f"entries {', '.join(bad)} are"
        return Feedback(False, f"Not quite: {which} off. Try again.", "wrong")
    return Feedback(False, "Not quite. Try again.", "wrong")


def _format(x: float) -> str:
    # Shortest repr that round-trips, with integers shown without ".0".
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


@dataclass
class Exercise:
    """One exercise: data plus :meth:`check`.

    ``key`` names it (stable across variants), ``question`` is Markdown
    (may contain LaTeX), ``prompt`` is the widget's short plain-text label,
    ``answer`` the correct value(s), computed by the library, ``params`` the
    numbers the question uses, ``seed`` the variant.
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
        return ", ".join(_format(a) for a in self.answer)

    def check(self, answer: Any) -> Feedback:
        """The verdict on a typed string, a number, or a list or array of numbers."""
        if not isinstance(answer, str):
            try:
                arr = np.atleast_1d(np.asarray(answer, dtype=np.float64)).ravel()
                answer = ", ".join(repr(float(v)) for v in arr)
            except (TypeError, ValueError):
                answer = str(answer)
        return check_answer(answer, self.answer, self.rtol, self.atol)

    def widget(self, student: bool | None = None) -> ExerciseWidget:
        """An answer box with Check and Hint buttons that works with or without a kernel.

        With ``student=True`` (default: :func:`student_edition`) the widget's state
        carries no answer, and Check says that answers are checked in class.
        """
        return ExerciseWidget(self, student=student_edition() if student is None else student)

    def _repr_markdown_(self) -> str:
        return self.question


class ExerciseWidget(anywidget.AnyWidget):
    """The answer box: an input, Check and Hint buttons, and feedback.

    Its JavaScript front end (``exercise_widget.js``) checks answers in the
    browser from the widget's saved state, so it works on the static site.
    In a kernel, each Check (``checks`` goes up) is re-checked by the Python
    :func:`check_answer`, which gives the same verdict; :meth:`submit` does
    from Python what the Check button does.
    """

    _esm = _HERE / "exercise_widget.js"
    _css = _HERE / "exercise_widget.css"
    key = t.Unicode("").tag(sync=True)
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
            prompt=exercise.prompt,
            size=exercise.size,
            # The student edition sends no answer: the front end then checks nothing.
            answer=[] if student else list(exercise.answer),
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
        # The plain-text fallback for viewers that run no JavaScript (no memory address).
        return (
            f"Exercise: {self.prompt} (type {_expected(self.size)}; this viewer cannot run "
            "the answer box: open the page on the website, Binder or Colab)"
        )


# ---- the bank of exercise generators (one module per chapter in backprop.bank) ----

Generator = Callable[[int], Exercise]
_REGISTRY: dict[str, Generator] = {}


def register(key: str) -> Callable[[Generator], Generator]:
    """Decorator: register ``make(seed) -> Exercise`` under ``key``.

    Seed 0 is the variant the book shows; other seeds give other numbers of
    the same difficulty.
    """

    def deco(make: Generator) -> Generator:
        if key in _REGISTRY and _REGISTRY[key] is not make:
            raise ValueError(f"exercise key {key!r} is registered twice")
        _REGISTRY[key] = make
        return make

    return deco


def _load_bank() -> None:
    import importlib
    import pkgutil

    from . import bank

    for mod in pkgutil.iter_modules(bank.__path__):
        importlib.import_module(f"{bank.__name__}.{mod.name}")


def keys() -> list[str]:
    """Every registered exercise key, sorted."""
    _load_bank()
    return sorted(_REGISTRY)


def make(key: str, seed: int = 0) -> Exercise:
    """The exercise ``key`` in variant ``seed`` (0 is the book's)."""
    _load_bank()
    if key not in _REGISTRY:
        raise ValueError(f"unknown exercise {key!r}; known: {', '.join(sorted(_REGISTRY))}")
    ex = _REGISTRY[key](int(seed))
    if ex.key != key:
        raise ValueError(f"generator for {key!r} returned an exercise keyed {ex.key!r}")
    ex.seed = int(seed)
    return ex


def vector(x: ArrayLike) -> str:
    """Numbers as a LaTeX row vector, for questions: ``[1, -2, 3]`` -> ``(1, -2, 3)``."""
    arr = np.atleast_1d(np.asarray(x, dtype=np.float64)).ravel()
    return "(" + ", ".join(_format(v) for v in arr) + ")"
