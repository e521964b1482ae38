"""Numbers as questions and answers show them: the shortest form that reads back exactly."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def number(x: float) -> str:
    """The shortest repr that round-trips, integers without ".0": 2.0 -> "2", 0.1 -> "0.1"."""
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def vector(x: ArrayLike) -> str:
    """Numbers as a LaTeX row vector, for questions: ``[1, -2, 3]`` -> ``(1, -2, 3)``."""
    arr = np.atleast_1d(np.asarray(x, dtype=np.float64)).ravel()
    return "(" + ", ".join(number(v) for v in arr) + ")"
