r"""Reading and checking a typed answer: the same rules as the widget's JavaScript.

A typed answer $x$ is correct when every entry satisfies
$|x_j - a_j| \le \text{atol} + \text{rtol}\,|a_j|$.

Answers are parsed forgivingly: ``0.5``, ``1/2``, ``-3e-2``, ``1, -2, 3`` and
``[1, -2, 3]`` all work, and nonsense gets a short message saying what was
expected (never an exception). The same rules live in
``backprop/widgets/exercise.js`` (``parseAnswer``, ``checkAnswer``);
``tests/exercise_cases.json`` holds inputs and verdicts that both must give.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Longer input than this is rejected with a message, not parsed.
MAX_CHARS = 1000
_NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")
# JavaScript's whitespace (what String.prototype.trim removes), spelled out so
# both sides strip exactly the same characters.
_WS = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_TRIM = re.compile(f"^[{_WS}]+|[{_WS}]+$")
#: Tokens longer than this are shortened in messages.
_SHOW = 20


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


def expected(size: int) -> str:
    """What an answer of ``size`` numbers looks like, for messages: "one number", ..."""
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
        return Parsed(error=f"That is too long: type {expected(size)}.")
    if (s.startswith("[") and s.endswith("]")) or (s.startswith("(") and s.endswith(")")):
        s = _trim(s[1:-1])
    if s == "":
        return Parsed(error=f"Type {expected(size)} first.")
    tokens = [_trim(t) for t in s.split(",")]
    if len(tokens) != size:
        got = "one number" if len(tokens) == 1 else f"{len(tokens)} numbers"
        return Parsed(error=f"Expected {expected(size)}; got {got}.")
    values = []
    for token in tokens:
        if token == "":
            return Parsed(error=f"There is an empty entry; type {expected(size)}.")
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
