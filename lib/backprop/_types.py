"""Type aliases shared by the whole library (one definition each)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

#: A float64 array: every array the library computes with.
Array = NDArray[np.float64]
