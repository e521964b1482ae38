"""Find-the-bug listings: one slip planted in a correct listing, the same way for every
chapter's listing exercise."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def plant(
    correct: Sequence[str], name: str, line: int, wrong: str, why: str, notes: Mapping[int, str]
) -> dict[str, Any]:
    """The fields of a :class:`~backprop.exercises.BugExercise` whose listing is ``correct``
    with line ``line`` (from 1) replaced by ``wrong``: the slip ``name``, explained by
    ``why``; ``notes`` (line -> what a wrong pick there is told) for every other line."""
    listing = list(correct)
    listing[line - 1] = wrong
    right = correct[line - 1].strip()
    return {
        "listing": tuple(listing),
        "bug": line,
        "notes": {k: v for k, v in notes.items() if k != line},
        "explanation": why,
        "solution": (
            f"Line {line} is wrong ({name}): `{wrong.strip()}`. It should read `{right}`. {why}"
        ),
        "params": {"slip": name, "line": line, "wrong": wrong.strip(), "right": right},
    }
