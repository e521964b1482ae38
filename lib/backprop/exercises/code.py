r"""Code exercises: the student completes a function; the library's tests check it.

:func:`check_code` runs an exercise's tests (:class:`CodeTest`) on the student's function
and returns a :class:`CodeReport`: one line per test, passed or not, and for a failed one
what went wrong in a student's words (a shape, a value off by a factor, an exception the
function raised), never a traceback from inside the checker.

A test gives the function fixed inputs (``args``, drawn per variant) and judges what comes
back with ``check``; the expected values come from the library or from central differences
$\frac{F(x + \epsilon e_j) - F(x - \epsilon e_j)}{2\epsilon}$, so a test of a backward pass
is a gradient check. Judging is separate from calling (:func:`judge`), so the grader can run
the student's function in its sandbox and judge the outputs outside it.
"""

from __future__ import annotations

import copy
import html
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .answers import Feedback
from .exercise import Exercise

#: A test's judge: None when the output is right, else what is wrong with it.
Judge = Callable[[Any], "str | None"]
#: The longest message kept from an exception the student's function raised.
MAX_MESSAGE = 200


@dataclass(frozen=True)
class CodeTest:
    """One test: call the function with ``args``; ``check`` judges the output.

    ``name`` says what it checks in a student's words ("a batch of 4 samples");
    ``points`` is its weight in the grade.
    """

    name: str
    args: tuple[Any, ...]
    check: Judge
    points: float = 1.0


@dataclass(frozen=True)
class TestResult:
    """The outcome of one test: ``message`` says what failed ("" when it passed)."""

    name: str
    passed: bool
    message: str
    points: float

    @property
    def earned(self) -> float:
        """The points this test earned (all or nothing)."""
        return self.points if self.passed else 0.0


@dataclass(frozen=True)
class CodeReport:
    """Every test's result for one function; shows itself as a table in a notebook."""

    key: str
    function: str
    results: tuple[TestResult, ...]

    @property
    def passed(self) -> bool:
        """True when every test passed."""
        return bool(self.results) and all(r.passed for r in self.results)

    @property
    def score(self) -> float:
        """The share of the points earned, from 0 to 1."""
        total = sum(r.points for r in self.results)
        return sum(r.earned for r in self.results) / total if total else 0.0

    @property
    def summary(self) -> str:
        """One line, saying that all passed, or how many failed and the first failure."""
        n = len(self.results)
        failed = [r for r in self.results if not r.passed]
        if not failed:
            return "The test passed." if n == 1 else f"All {n} tests passed."
        first = failed[0]
        if n == 1:
            return f"The test failed: {first.name}: {first.message}"
        return f"{len(failed)} of {n} tests failed. First: {first.name}: {first.message}"

    @property
    def feedback(self) -> Feedback:
        """The report as a verdict, like the other kinds of exercise."""
        if self.passed:
            return Feedback(True, self.summary, "correct")
        return Feedback(False, self.summary, "wrong")

    def __repr__(self) -> str:
        lines = [f"check_code({self.key!r}, {self.function}): {self.summary}"]
        for r in self.results:
            lines.append(
                f"  {'✓' if r.passed else '✗'} {r.name}" + ("" if r.passed else f": {r.message}")
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{'✓' if r.passed else '✗'}</td><td>{html.escape(r.name)}</td>"
            f"<td>{html.escape(r.message)}</td></tr>"
            for r in self.results
        )
        verdict = "correct" if self.passed else "wrong"
        return (
            f'<div class="bp-code-report" data-verdict="{verdict}">'
            f"<p><strong>{html.escape(self.function)}</strong>: {html.escape(self.summary)}</p>"
            f"<table><thead><tr><th></th><th>test</th><th>what went wrong</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "…"


def raised(exc: BaseException) -> str:
    """What a test says about an exception the student's function raised."""
    if isinstance(exc, NotImplementedError):
        return "it still raises NotImplementedError: replace that line with your code"
    message = _short(str(exc))
    return f"it raised {type(exc).__name__}" + (f": {message}" if message else "")


def call(fn: Callable[..., Any], args: Sequence[Any], names: Sequence[str] = ()) -> dict[str, Any]:
    """Call ``fn`` on copies of ``args``: ``{"value": output}`` or ``{"error": message}``.

    Copies, so that a function that changes its inputs in place cannot spoil the next test;
    that it did is an error of its own (the caller's arrays would change too).
    """
    given = [copy.deepcopy(a) for a in args]
    try:
        value = fn(*given)
    except Exception as exc:  # the student's code may raise anything
        return {"error": raised(exc)}
    for i, (before, after) in enumerate(zip(args, given, strict=True)):
        if _changed(before, after):
            name = f"`{names[i]}`" if i < len(names) else f"argument {i + 1}"
            return {"error": f"it changed its input {name} in place: compute a new array instead"}
    return {"value": value}


def _changed(before: Any, after: Any) -> bool:
    """Whether an argument's arrays (itself, or inside a list or tuple) were changed."""
    if isinstance(before, np.ndarray):
        return not (
            isinstance(after, np.ndarray)
            and after.shape == before.shape
            and np.array_equal(before, after, equal_nan=True)
        )
    if isinstance(before, (list, tuple)):
        if not isinstance(after, (list, tuple)) or len(after) != len(before):
            return True
        return any(_changed(b, a) for b, a in zip(before, after, strict=True))
    return False


def judge(tests: Sequence[CodeTest], outputs: Sequence[dict[str, Any]]) -> tuple[TestResult, ...]:
    """Each test's result from what the function returned (``outputs``, as :func:`call` gives)."""
    results = []
    for test, out in zip(tests, outputs, strict=True):
        if "error" in out:
            message = str(out["error"])
        else:
            try:
                message = test.check(out.get("value")) or ""
            except Exception as exc:  # a judge must not fail on odd output: say what came back
                message = (
                    f"the result could not be checked ({type(exc).__name__}: {_short(str(exc))})"
                )
        results.append(TestResult(test.name, message == "", message, test.points))
    return tuple(results)


# ---- judges -------------------------------------------------------------------------------


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _factor(got: np.ndarray, want: np.ndarray, rtol: float, atol: float) -> float | None:
    """The constant c with got = c * want everywhere, if there is one (and want is not 0)."""
    big = np.abs(want) > 1e-9
    if not big.any():
        return None
    c = float(got[big][0] / want[big][0])
    if not math.isfinite(c) or c == 0 or abs(c - 1) <= 1e-6:
        return None
    return c if np.allclose(got, c * want, rtol=rtol, atol=atol) else None


def compare(got: Any, want: np.ndarray, name: str, rtol: float, atol: float) -> str | None:
    """What is wrong with ``got`` as ``name`` (an array shaped like ``want``), or None."""
    shape = tuple(want.shape)
    if got is None:
        return f"it returned None: `return` {name}"
    try:
        arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return f"{name} is a {type(got).__name__}, not an array of numbers of shape {shape}"
    if arr.shape != shape:
        if shape == () and arr.size == 1:
            arr = arr.reshape(())
        else:
            hint = " (transposed?)" if arr.shape == shape[::-1] and len(shape) == 2 else ""
            return f"{name} has shape {arr.shape}; expected {shape}{hint}"
    if not np.isfinite(arr).all():
        return f"{name} contains nan or inf"
    ok = np.abs(arr - want) <= atol + rtol * np.abs(want)
    if ok.all():
        return None
    c = _factor(arr, want, rtol, atol)
    if c is not None:
        what = "the sign is flipped" if abs(c + 1) <= 1e-6 else f"it is {c:.4g} times the right one"
        return f"{name} is off by a constant factor: {what} (a missing 2, 1/2 or 1/n, or a sign?)"
    idx = tuple(int(i) for i in np.argwhere(~ok)[0])
    where = f" at index {list(idx)}" if idx else ""
    return f"{name} is wrong{where}: got {_fmt(float(arr[idx]))}, expected {_fmt(float(want[idx]))}"


def expect(want: Any, name: str = "the result", rtol: float = 1e-6, atol: float = 1e-9) -> Judge:
    """A judge: the output must be an array (or number) equal to ``want`` within tolerance."""
    w = np.asarray(want, dtype=np.float64)
    return lambda got: compare(got, w, name, rtol, atol)


def expect_all(
    wants: Sequence[Any], names: Sequence[str], rtol: float = 1e-6, atol: float = 1e-9
) -> Judge:
    """A judge for a function that returns a tuple: each entry must equal its ``wants``."""
    ws = [np.asarray(w, dtype=np.float64) for w in wants]

    def check(got: Any) -> str | None:
        if not isinstance(got, (tuple, list)) or len(got) != len(ws):
            n = len(got) if isinstance(got, (tuple, list)) else 1
            return f"it returned {n} value{'s' * (n != 1)}; expected {len(ws)}: {', '.join(names)}"
        for g, w, name in zip(got, ws, names, strict=True):
            problem = compare(g, w, name, rtol, atol)
            if problem:
                return problem
        return None

    return check


def _plain(value: Any) -> Any:
    """An argument as plain JSON data: arrays as nested lists, sequences entry by entry."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


# ---- the exercise -------------------------------------------------------------------------

#: Where a reader of the website runs a code exercise (the student edition has no launch
#: buttons, only the download button).
RUN_BOOK = (
    "This needs Python: on the website, open the page in Binder or Colab (the rocket button "
    "at the top of the page) or download it as a notebook."
)
RUN_STUDENT = (
    "This needs Python: on the website, download the page as a notebook (the download "
    "button at the top of the page) and open it in Jupyter or Colab."
)

_DEF = re.compile(r"^def\s+(\w+)\s*\(", re.M)


@dataclass
class CodeExercise(Exercise):
    """Complete the function ``function`` (starter code ``template``); ``tests`` check it.

    ``arguments`` names its parameters (for messages), ``reference`` is a solution (shown
    only in the book edition's worked solution; tests check it passes every test).
    """

    answer: tuple[float, ...] = ()
    function: str = ""
    arguments: tuple[str, ...] = ()
    template: str = ""
    reference: str = ""
    tests: tuple[CodeTest, ...] = ()
    prompt: str = "Complete the function in the cell below, then run the check."
    kind: ClassVar[str] = "code"

    def __post_init__(self) -> None:
        self.tests = tuple(self.tests)
        self.arguments = tuple(self.arguments)
        self.hints = tuple(self.hints)
        self.answer = ()
        for what, source in (("template", self.template), ("reference", self.reference)):
            if source and self.function not in _DEF.findall(source):
                raise ValueError(
                    f"exercise {self.key!r}: its {what} does not define {self.function}()"
                )
        if not self.tests:
            raise ValueError(f"exercise {self.key!r}: a code exercise needs tests")

    @property
    def size(self) -> int:
        return 0

    @property
    def answer_text(self) -> str:
        return f"{self.function}() passing {len(self.tests)} tests"

    @property
    def expects(self) -> str:
        return f"the function {self.function}()"

    @property
    def full_question(self) -> str:
        return f"{self.question}\n\n```python\n{self.template.rstrip()}\n```"

    @property
    def identity(self) -> str:
        inputs = [[_plain(a) for a in t.args] for t in self.tests]
        return self.question + "\n" + json.dumps(inputs)

    @property
    def call_text(self) -> str:
        """The line that checks a student's function, as the book and handouts show it."""
        seed = f", seed={self.seed}" if self.seed else ""
        return f'bp.exercises.check_code("{self.key}", {self.function}{seed})'

    def report(self, fn: Any) -> CodeReport:
        """Run every test on ``fn``."""
        if not callable(fn):
            what = type(fn).__name__
            result = TestResult(
                "the function",
                False,
                f"check_code needs the function itself ({self.function}, without parentheses), "
                f"not a value of type {what}",
                sum(t.points for t in self.tests),
            )
            return CodeReport(self.key, self.function, (result,))
        outputs = [call(fn, t.args, self.arguments) for t in self.tests]
        return CodeReport(self.key, self.function, judge(self.tests, outputs))

    def check(self, answer: Any) -> Feedback:
        if callable(answer):
            return self.report(answer).feedback
        return Feedback(False, f"Give the function itself: {self.call_text}.", "invalid")

    def reference_function(self) -> Callable[..., Any]:
        """The reference solution, defined (numpy as ``np`` in its namespace)."""
        namespace: dict[str, Any] = {"np": np}
        exec(self.reference, namespace)  # the library's own source text
        return namespace[self.function]

    def spec(self, student: bool = False) -> dict[str, Any]:
        return {
            "function": self.function,
            "template": self.template,
            "tests": [t.name for t in self.tests],
            "call": self.call_text,
            "where": RUN_STUDENT if student else RUN_BOOK,
        }


def check_code(key: str, fn: Any, seed: int = 0) -> CodeReport:
    """Run the tests of code exercise ``key`` (variant ``seed``) on the function ``fn``.

    Returns a :class:`CodeReport`, which shows itself as a table; ``.passed`` is True
    when every test passed. Never raises for anything the function does.
    """
    from .registry import make

    ex = make(key, seed)
    if not isinstance(ex, CodeExercise):
        raise ValueError(f"{key!r} is not a code exercise (it asks for {ex.expects})")
    return ex.report(fn)
