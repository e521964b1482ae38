"""What the bank's tests of several chapters share: running a find-the-bug listing against
the library, and the formula checker's messages for the commonest slips."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

#: What a formula twice the answer, half of it, or of the wrong sign is told.
FACTOR_2 = "Right up to a constant factor: yours is 2 times the answer (a missing 2, 1/2 or 1/n?)."
HALF = "Right up to a constant factor: yours is 0.5 times the answer (a missing 2, 1/2 or 1/n?)."
SIGN = "Right up to the sign: check the sign."


def run_listing(
    lines: Sequence[str], function: str, args: Sequence[Any], names: Mapping[str, Any] = {}
) -> Any:
    """Define the listing's ``function`` (numpy as np, and ``names``) and call it on ``args``."""
    namespace = {"np": np, **names}
    exec("\n".join(lines), namespace)
    return namespace[function](*args)


def agrees(
    lines: Sequence[str],
    function: str,
    args: Sequence[Any],
    want: Sequence[Any],
    names: Mapping[str, Any] = {},
) -> bool:
    """Whether the listing returns ``want`` (entry by entry, same shapes) for ``args``."""
    try:
        got = run_listing(lines, function, args, names)
    except ValueError:  # a shape that does not fit
        return False
    return all(
        np.shape(g) == np.shape(w) and np.allclose(g, w) for g, w in zip(got, want, strict=True)
    )
