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
from collections.abc import Callable, Mapping
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


def capture(
    namespace: Mapping[str, Any], publish: Callable[[dict[str, Any]], None] | None = None
) -> None:
    """Display the :func:`record` of ``namespace``'s answer (``publish``: IPython's by default)."""
    if publish is None:
        from IPython.display import publish_display_data as publish
    publish({ANSWER_MIME: record(namespace)})
