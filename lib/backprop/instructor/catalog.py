"""The exercises an instructor can assign: ``python -m backprop.instructor list``.

One :class:`Entry` per registered exercise key: its chapter (the number in
``chNN.name``), its title, its kind (what the answer is: one number, ``n`` numbers, a
formula, a line of a listing, or code) and the points it is worth in an export
(``grade --format``).
An unknown key is answered with the nearest known ones (:func:`unknown`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .. import exercises


@dataclass(frozen=True)
class Entry:
    """One exercise of the bank, as ``list`` prints it."""

    key: str
    chapter: int
    title: str
    kind: str
    points: float


def kind(ex: exercises.Exercise) -> str:
    """What the answer to ``ex`` is called: "number", "3 numbers", "formula", "bug line",
    "code (5 tests)"."""
    if isinstance(ex, exercises.CodeExercise):
        return f"code ({len(ex.tests)} tests)"
    if ex.kind == "bug":
        return "bug line"
    if ex.kind == "formula":
        return "formula"
    return "number" if ex.size == 1 else f"{ex.size} numbers"


def unknown(key: str, known: Sequence[str] | None = None) -> str:
    """The message for an exercise key that is not registered: the nearest known keys."""
    known = exercises.keys() if known is None else known
    near = difflib.get_close_matches(key, known, n=3, cutoff=0.5)
    if not near:  # a key of the right chapter is a better guess than nothing
        prefix = key.split(".", 1)[0] + "."
        near = [k for k in known if k.startswith(prefix)][:3]
    hint = f"; did you mean {' or '.join(repr(k) for k in near)}?" if near else ""
    return f"unknown exercise {key!r}{hint} (python -m backprop.instructor list shows them all)"


def entries(
    keys: Sequence[str] | None = None, points: dict[str, float] | None = None
) -> list[Entry]:
    """The entries of ``keys`` (every registered key if ``None``), in order;
    ``ValueError`` (with the nearest keys) for one that is not registered."""
    known = exercises.keys()
    out = []
    for key in known if keys is None else keys:
        if key not in known:
            raise ValueError(unknown(key, known))
        ex = exercises.make(key, 0)
        m = re.match(r"ch(\d+)\.", key)
        chapter = int(m.group(1)) if m else 0
        out.append(Entry(key, chapter, ex.title, kind(ex), (points or {}).get(key, 1.0)))
    return out
