"""What the grader runs inside each student's kernel before the student's first cell.

This module is not imported there: the grader sends its source (see
:func:`backprop.instructor.grade.setup_source`), which the kernel runs as a module
of its own, ``_bp_grading``, then calls :func:`block_network`. After each answer
cell the grader runs ``_bp_grading.capture(globals())``, which displays the
:func:`record` of ``answer`` under the MIME type :data:`ANSWER_MIME`; the grader
reads it from the cell's outputs. So it needs nothing but the standard library,
numpy (only to read arrays) and IPython, and must not import the book's library.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

#: The MIME type of the record :func:`capture` displays.
ANSWER_MIME = "application/vnd.backprop.answer+json"
#: The message of the error every blocked network call raises.
NO_NETWORK = "network access is disabled while grading"
#: The longest text answer recorded, and the most numbers.
MAX_TEXT, MAX_NUMBERS = 2000, 1000


def _no_network(*args: object, **kwargs: object) -> None:
    raise OSError(NO_NETWORK)


def block_network() -> None:
    """Make every Python socket refuse to connect, send or look a name up (for this process).

    Only a courtesy: the sandbox has no network, whatever the students' code does."""
    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        setattr(socket.socket, name, _no_network)
    socket.create_connection = _no_network  # type: ignore[assignment]
    socket.getaddrinfo = _no_network  # type: ignore[assignment]


class TooMuchOutput(Exception):
    """What ``print`` raises in a cell that has printed more than its limit."""


def limit_output(limit: int, ip: Any = None) -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` raise :class:`TooMuchOutput` once a cell has
    written more than ``limit`` characters to them, in every later cell of the IPython
    shell ``ip`` (IPython wraps the streams' ``write`` anew around each cell, so the
    limit is armed before each). Stops a runaway ``print`` in the kernel before it
    queues a gigabyte; the grader's own limit on what it receives stays the real bound."""
    used = [0]

    def bounded(write: Callable[..., int]) -> Callable[..., int]:
        def write_bounded(text: str, *args: Any, **kwargs: Any) -> int:
            used[0] += len(text)
            if used[0] > limit:
                raise TooMuchOutput(f"printed more than {limit} characters")
            return write(text, *args, **kwargs)

        return write_bounded

    def arm(*args: object) -> None:
        used[0] = 0
        for stream in (sys.stdout, sys.stderr):
            stream.write = bounded(stream.write)  # type: ignore[method-assign]

    if ip is None:
        from IPython import get_ipython

        ip = get_ipython()
    if ip is not None:
        ip.events.register("pre_run_cell", arm)


def record(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """What ``namespace["answer"]`` holds, as JSON the grader can mark.

    ``status`` is ``missing`` (no ``answer``), ``unanswered`` (still ``...``),
    ``text`` (a string, cut to :data:`MAX_TEXT` characters), ``numbers`` (up to
    :data:`MAX_NUMBERS` real numbers, as ``repr`` of floats: a number, a list, a NumPy
    array or scalar; booleans as 1.0 and 0.0 with ``bool`` set) or ``type``
    (anything else, with its type's name).
    """
    if "answer" not in namespace:
        return {"status": "missing"}
    value = namespace["answer"]
    if value is Ellipsis:
        return {"status": "unanswered"}
    if isinstance(value, str):
        return {"status": "text", "text": value[:MAX_TEXT]}
    kind = type(value).__name__
    try:
        import numpy

        arr = numpy.asarray(value)
        if arr.dtype.kind not in "biuf" or arr.size > MAX_NUMBERS:
            raise TypeError(kind)
        values = [repr(float(v)) for v in arr.ravel()]
    except Exception:
        return {"status": "type", "type": kind}
    if arr.dtype.kind == "b":  # True/False count as 1 and 0 (indicator exercises)
        return {"status": "numbers", "values": values, "bool": True}
    return {"status": "numbers", "values": values}


def read_capture(outputs: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The record a capture cell displayed (``None`` if there is none): read by the grader
    (and by the sandbox's runner), not in the kernel."""
    import json

    for out in outputs:
        data = out.get("data", {})
        if ANSWER_MIME in data:
            rec = data[ANSWER_MIME]
            return json.loads(rec) if isinstance(rec, str) else dict(rec)
    return None


def capture(
    namespace: Mapping[str, Any], publish: Callable[[dict[str, Any]], None] | None = None
) -> None:
    """Display the :func:`record` of ``namespace``'s answer (``publish``: IPython's by default)."""
    if publish is None:
        from IPython.display import publish_display_data as publish
    publish({ANSWER_MIME: record(namespace)})


# ---- code exercises ---------------------------------------------------------------------
# The grader sends each code exercise's test inputs as JSON; the student's function runs on
# them here, in the sandbox, and only its outputs leave it: they are judged outside, by the
# exercise's own tests (backprop.exercises.code.judge). The messages are those of
# backprop.exercises.code.call (tests/instructor/test_grade_kinds.py holds them together).

#: The most numbers recorded from one output.
MAX_OUTPUT = 100_000


def decode(value: Any) -> Any:
    """JSON from :func:`backprop.instructor.grade.encode` back to arrays and numbers."""
    import numpy

    if isinstance(value, dict) and "__array__" in value:
        return numpy.asarray(value["__array__"], dtype=numpy.float64).reshape(value["shape"])
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


def encode_output(value: Any, depth: int = 0) -> Any:
    """What a function returned, as JSON: arrays as nested lists, a tuple as a list, and
    anything else by its type's name."""
    import numpy

    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (tuple, list)) and depth == 0 and len(value) <= 20:
        return [encode_output(v, 1) for v in value]
    try:
        arr = numpy.asarray(value)
        if arr.dtype.kind in "biuf" and arr.size <= MAX_OUTPUT:
            return {"__array__": arr.astype(float).tolist(), "shape": list(arr.shape)}
    except Exception:
        pass
    return {"__type__": type(value).__name__}


def _raised(exc: BaseException) -> str:
    if isinstance(exc, NotImplementedError):
        return "it still raises NotImplementedError: replace that line with your code"
    message = " ".join(str(exc).split())
    if len(message) > 200:
        message = message[:200] + "…"
    return f"it raised {type(exc).__name__}" + (f": {message}" if message else "")


def _changed(before: Any, after: Any) -> bool:
    """Whether an argument's arrays (itself, or inside a list) were changed in place (the
    rule of backprop.exercises.code._changed)."""
    import numpy

    if isinstance(before, numpy.ndarray):
        return not (
            isinstance(after, numpy.ndarray)
            and after.shape == before.shape
            and numpy.array_equal(before, after, equal_nan=True)
        )
    if isinstance(before, (list, tuple)):
        if not isinstance(after, (list, tuple)) or len(after) != len(before):
            return True
        return any(_changed(b, a) for b, a in zip(before, after, strict=True))
    return False


def run_tests(fn: Any, tests: list[list[Any]], names: list[str]) -> list[dict[str, Any]]:
    """Call ``fn`` on copies of each test's arguments: ``{"value": ...}`` or ``{"error": ...}``."""
    import copy

    out: list[dict[str, Any]] = []
    for raw in tests:
        args = [decode(a) for a in raw]
        given = [copy.deepcopy(a) for a in args]
        try:
            value = fn(*given)
        except Exception as exc:  # the student's code may raise anything
            out.append({"error": _raised(exc)})
            continue
        changed = [i for i, (a, g) in enumerate(zip(args, given, strict=True)) if _changed(a, g)]
        if changed:
            i = changed[0]
            name = f"`{names[i]}`" if i < len(names) else f"argument {i + 1}"
            out.append(
                {"error": f"it changed its input {name} in place: compute a new array instead"}
            )
            continue
        out.append({"value": encode_output(value)})
    return out


def capture_code(
    namespace: Mapping[str, Any],
    tests: str,
    names: list[str],
    publish: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """Run ``namespace["answer"]`` (the student's function) on ``tests`` (JSON) and display
    the outputs as the answer's record (``status`` ``outputs``), or the plain record when
    ``answer`` is not a function."""
    import json

    if publish is None:
        from IPython.display import publish_display_data as publish
    value = namespace.get("answer")
    if not callable(value):
        publish({ANSWER_MIME: record(namespace)})
        return
    outputs = run_tests(value, json.loads(tests), names)
    name = getattr(value, "__name__", "function")
    publish({ANSWER_MIME: {"status": "outputs", "function": str(name)[:100], "outputs": outputs}})
