"""Small helpers the exercise generators share: numbers drawn for questions, and
numbers written as a question or a worked solution shows them."""

from __future__ import annotations

import numpy as np

from ._fair import first_fair


def coef(a: float) -> str:
    """A coefficient as written before a variable: 1 -> "", -1 -> "-", 2 -> "2"."""
    return {1: "", -1: "-"}.get(int(a), f"{a:g}") if float(a).is_integer() else f"{a:g}"


def linear(*terms: tuple[float, str], const: float = 0.0, const_first: bool = False) -> str:
    """A sum of terms as a person writes it: ``linear((2, "x"), const=-1)`` -> ``2x - 1``.

    Coefficients 1 and -1 are left out (``x``, ``-x``), zero terms dropped, a negative
    term subtracted (``- 3v^2``, never ``+ -3v^2`` or ``+ (-3)``); all zero gives ``0``.
    ``const_first`` puts the constant in front (``1 - 2\\varepsilon`` for a dual number).
    """
    parts = [(float(c), f"{_number(abs(c), keep_one=False)}{v}") for c, v in terms if c != 0]
    if const != 0:
        constant = (float(const), _number(abs(const), keep_one=True))
        parts = [constant, *parts] if const_first else [*parts, constant]
    if not parts:
        return "0"
    (c0, first), rest = parts[0], parts[1:]
    text = ("-" if c0 < 0 else "") + first
    for c, part in rest:
        text += f" {'-' if c < 0 else '+'} {part}"
    return text


def _number(a: float, keep_one: bool) -> str:
    return "" if (a == 1 and not keep_one) else f"{a:g}"


def signed(x: float) -> str:
    """``+ 0.5`` or ``- 0.5``: a number added at the end of a sum."""
    return f"- {abs(x):g}" if x < 0 else f"+ {x + 0.0:g}"


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
