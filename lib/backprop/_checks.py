"""Input checks shared by the library: turn bad input into one clear ValueError."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray


def as_float_array(x: ArrayLike, name: str, ndim: int | None = None) -> NDArray[np.float64]:
    """Return ``x`` as a float64 array, or raise ValueError naming ``name``.

    Rejects non-numeric input, NaN and infinity, and (when ``ndim`` is given)
    the wrong number of dimensions.
    """
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric; could not read it as numbers ({exc})") from None
    if ndim is not None and arr.ndim != ndim:
        hint = ""
        if ndim == 2 and arr.ndim == 1:
            hint = (
                f"; for one sample write {name}.reshape(1, -1), "
                f"for one feature {name}.reshape(-1, 1)"
            )
        raise ValueError(f"{name} must be {ndim}-D, got {arr.ndim}-D with shape {arr.shape}{hint}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinity")
    return arr


def known(name: str, kind: str, names: Iterable[str]) -> ValueError:
    """The error for an unknown name, listing the known ones."""
    return ValueError(f"unknown {kind} {name!r}; known: {', '.join(sorted(names))}")


T = TypeVar("T")


def lookup(name: str | T, kind: str, registry: Mapping[str, T], cls: type[T]) -> T:
    """``registry[name]``, or ``name`` itself if it is already a ``cls``.

    Raises the :func:`known` error (listing the registry's names) for an unknown name.
    """
    if isinstance(name, cls):
        return name
    try:
        return registry[name]  # type: ignore[index]
    except (KeyError, TypeError):
        raise known(str(name), kind, registry) from None
