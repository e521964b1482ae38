"""Small helpers the exercise generators share: numbers drawn for questions, and
numbers written as a question or a worked solution shows them."""

from __future__ import annotations

import numpy as np

from ._fair import first_fair


def coef(a: float) -> str:
    """A coefficient as written before a variable: 1 -> "", -1 -> "-", 2 -> "2"."""
    return {1: "", -1: "-"}.get(int(a), f"{a:g}") if float(a).is_integer() else f"{a:g}"


def clean(x: float) -> float:
    """Round off float noise (0.6799999999999999 -> 0.68) so answers read as a student writes them."""
    return float(np.round(x, 12))


def paren(v: str | float, fmt: str = "g") -> str:
    """A number inside a product or sum: negative ones in parentheses, ``-0.5`` -> ``(-0.5)``.

    A float is formatted with ``fmt`` (and -0 shown as 0); a string is taken as written.
    """
    text = v if isinstance(v, str) else format(float(v) + 0.0, fmt)
    return f"({text})" if text.startswith("-") else text


def tenths(rng: np.random.Generator, n: int, lo: int = -25, hi: int = 25) -> np.ndarray:
    """n numbers with one decimal in [lo/10, hi/10], none of them 0."""
    return first_fair(
        lambda: rng.integers(lo, hi + 1, size=n) / 10,
        lambda v: bool(np.all(v != 0)),
        what=f"{n} non-zero tenths in [{lo / 10:g}, {hi / 10:g}]",
    )
