"""The bank of exercise generators: each chapter's module in ``backprop.bank`` registers
``make(seed) -> Exercise`` functions under stable keys such as ``"ch01.composite"``."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from .exercise import Exercise

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


def load_bank() -> None:
    """Import every module of ``backprop.bank`` (each registers its chapter's exercises)."""
    from .. import bank

    for mod in pkgutil.iter_modules(bank.__path__):
        importlib.import_module(f"{bank.__name__}.{mod.name}")


def keys() -> list[str]:
    """Every registered exercise key, sorted."""
    load_bank()
    return sorted(_REGISTRY)


def make(key: str, seed: int = 0) -> Exercise:
    """The exercise ``key`` in variant ``seed`` (0 is the book's)."""
    load_bank()
    if key not in _REGISTRY:
        raise ValueError(f"unknown exercise {key!r}; known: {', '.join(sorted(_REGISTRY))}")
    if int(seed) != seed or seed < 0:
        raise ValueError(f"exercise {key!r}: the seed must be a whole number >= 0, not {seed!r}")
    ex = _REGISTRY[key](int(seed))
    if ex.key != key:
        raise ValueError(f"generator for {key!r} returned an exercise keyed {ex.key!r}")
    ex.seed = int(seed)
    return ex
