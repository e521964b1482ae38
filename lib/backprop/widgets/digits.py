r"""Draw a digit, or load a test image, and see what a trained classifier makes of it.

An anywidget: the browser (``js/digits.js`` with ``js/numerics.js``) runs the trained
:class:`backprop.Network`, whose weights travel in the widget's state, at every stroke.
The network's scores $y$ for the image become probabilities
$p_j = e^{y_j} / \sum_k e^{y_k}$, drawn as ten bars. The properties below compute the
same numbers with the library (the tests compare them).

Pixels take ``levels + 1`` intensities $k \cdot s / \text{levels}$, $k = 0, \dots,
\text{levels}$, on the scale $s$ the network was trained on (chapter 9 divides the raw
0-16 intensities by 16: ``levels=16``, ``scale=1``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import traitlets as tl
from numpy.typing import ArrayLike

from .._checks import as_float_array
from .._types import Array
from ..activations import get_activation
from ..losses import softmax
from ..network import Network
from ._base import Explorer, bundle

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _encode(image: Array, levels: int, scale: float) -> str:
    """One character per pixel: its level k in base 36 (the state stays small)."""
    k = np.rint(image / scale * levels).astype(int)
    return "".join(_DIGITS[v] for v in k)


class DigitExplorer(Explorer):
    """A drawing grid, the test images with "previous", "next" and "next mistake", and the
    network's ten probabilities as bars.

    Traits (synced with the view): ``pixels`` (the image drawn now, one float per pixel,
    row after row), ``index`` (the test image last loaded), ``brush`` (the level a stroke
    paints), and the network (``weights``, ``biases``, ``activations``) and test set
    (``images``, ``labels``, ``levels``, ``scale``, ``shape``). The properties
    ``probabilities``, ``predicted``, ``label``, ``correct``, ``drawn`` and ``mistakes``
    give what the view shows, computed with the library.
    """

    _esm = bundle("digits")
    _title = "Digit"

    weights = tl.List(tl.List(tl.List(tl.Float()))).tag(sync=True)
    biases = tl.List(tl.List(tl.Float())).tag(sync=True)
    activations = tl.List(tl.Unicode()).tag(sync=True)
    images = tl.List(tl.Unicode()).tag(sync=True)
    labels = tl.List(tl.Int()).tag(sync=True)
    levels = tl.Int(16).tag(sync=True)
    scale = tl.Float(1.0).tag(sync=True)
    shape = tl.List(tl.Int()).tag(sync=True)
    index = tl.Int(0).tag(sync=True)
    pixels = tl.List(tl.Float()).tag(sync=True)
    brush = tl.Int(16).tag(sync=True)

    def __init__(
        self,
        net: Network,
        images: ArrayLike,
        labels: ArrayLike,
        index: int = 0,
        shape: tuple[int, int] = (8, 8),
        levels: int = 16,
        scale: float = 1.0,
    ) -> None:
        images = as_float_array(images, "images", ndim=2)
        labels = np.asarray(labels)
        if labels.shape != (images.shape[0],):
            raise ValueError(f"got {images.shape[0]} images but labels has shape {labels.shape}")
        n = images.shape[0]
        if not 0 <= index < n:
            raise ValueError(f"index {index} is not one of the {n} images (0..{n - 1})")
        if shape[0] * shape[1] != images.shape[1]:
            raise ValueError(
                f"images have {images.shape[1]} pixels, which is not the shape {shape}"
            )
        if net.sizes[0] != images.shape[1]:
            raise ValueError(
                f"the network has {net.sizes[0]} inputs but the images have {images.shape[1]} pixels"
            )
        if not 1 <= levels < len(_DIGITS):
            raise ValueError(f"levels must be 1..{len(_DIGITS) - 1}; got {levels}")
        if not scale > 0:
            raise ValueError(f"scale must be positive; got {scale}")
        k = np.rint(images / scale * levels)
        if (
            np.any(k < 0)
            or np.any(k > levels)
            or np.any(np.abs(k * scale / levels - images) > 1e-9 * scale)
        ):
            raise ValueError(
                f"every pixel must be one of the levels k * {scale:g} / {levels}, k = 0..{levels} "
                "(pass the levels and scale of your data)"
            )
        super().__init__(
            weights=[(np.asarray(W) + 0.0).tolist() for W in net.W],
            biases=[(np.asarray(b) + 0.0).tolist() for b in net.b],
            activations=[a.name for a in net.activations],
            images=[_encode(im, levels, scale) for im in images],
            labels=[int(c) for c in labels],
            levels=int(levels),
            scale=float(scale),
            shape=[int(shape[0]), int(shape[1])],
            index=int(index),
            brush=int(levels),
        )
        self.load(index)

    @tl.validate("activations")
    def _check_activations(self, proposal: Any) -> list[str]:
        for name in proposal["value"]:
            get_activation(name)
        return proposal["value"]

    @tl.validate("brush")
    def _check_brush(self, proposal: Any) -> int:
        if not 0 <= proposal["value"] <= self.levels:
            raise tl.TraitError(f"brush must be a level 0..{self.levels}; got {proposal['value']}")
        return proposal["value"]

    @tl.validate("pixels")
    def _check_pixels(self, proposal: Any) -> list[float]:
        p = as_float_array(proposal["value"], "pixels", ndim=1)
        if self.shape and p.shape[0] != self.shape[0] * self.shape[1]:
            raise tl.TraitError(
                f"pixels has {p.shape[0]} values; the grid has {self.shape[0] * self.shape[1]}"
            )
        return (p + 0.0).tolist()

    # ---- what the buttons do -------------------------------------------------
    def test_image(self, k: int) -> Array:
        """Test image ``k`` as the view decodes it: level / levels * scale per pixel."""
        return np.array([int(c, 36) / self.levels * self.scale for c in self.images[k]])

    def load(self, k: int) -> None:
        """Put test image ``k`` on the grid (the "test image" slider)."""
        n = len(self.images)
        if not 0 <= k < n:
            raise ValueError(f"index {k} is not one of the {n} images (0..{n - 1})")
        with self.hold_trait_notifications():
            self.index = int(k)
            self.pixels = self.test_image(k).tolist()

    def next_mistake(self) -> None:
        """Load the next misclassified test image after ``index`` (wrapping around)."""
        m = self.mistakes
        if m.size == 0:
            raise ValueError("the network gets every test image right: there is no mistake")
        later = m[m > self.index]
        self.load(int(later[0] if later.size else m[0]))

    def clear(self) -> None:
        """An empty grid."""
        self.pixels = [0.0] * len(self.pixels)

    def paint(self, row: int, col: int, level: int | None = None) -> None:
        """Set one pixel to ``level`` (default: the brush's), as a stroke over it does."""
        rows, cols = self.shape
        if not (0 <= row < rows and 0 <= col < cols):
            raise ValueError(f"pixel ({row}, {col}) is outside the {rows}x{cols} grid")
        level = self.brush if level is None else int(level)
        if not 0 <= level <= self.levels:
            raise ValueError(f"level must be 0..{self.levels}; got {level}")
        pixels = list(self.pixels)
        pixels[row * cols + col] = level / self.levels * self.scale
        self.pixels = pixels

    # ---- the library's numbers -----------------------------------------------
    @property
    def net(self) -> Network:
        """The network the traits hold (a fresh copy)."""
        return Network(self.weights, self.biases, self.activations)

    @property
    def image(self) -> Array:
        """The image on the grid now, as one flattened row."""
        return np.array(self.pixels)

    @property
    def probabilities(self) -> Array:
        """The softmax of the network's outputs for the image on the grid."""
        return softmax(self.net.predict(self.image[None, :]))[0]

    @property
    def predicted(self) -> int:
        """The class with the highest score (the argmax of ``Network.predict``)."""
        return int(np.argmax(self.net.predict(self.image[None, :])[0]))

    @property
    def drawn(self) -> bool:
        """True when the grid no longer shows test image ``index`` unchanged."""
        return bool(np.any(self.image != self.test_image(self.index)))

    @property
    def label(self) -> int:
        """The true class of test image ``index``."""
        return self.labels[self.index]

    @property
    def correct(self) -> bool:
        """Whether the prediction is the label of test image ``index``."""
        return self.predicted == self.label

    @property
    def mistakes(self) -> Array:
        """The indices of every misclassified test image."""
        X = np.array([self.test_image(k) for k in range(len(self.images))])
        predicted = self.net.predict(X).argmax(axis=1)
        return np.flatnonzero(predicted != np.array(self.labels))

    def __repr__(self) -> str:
        # The plain-text fallback (no memory address, so stored outputs stay the same).
        return "Digit explorer: run this cell to draw a digit and see the network read it"


def digit_explorer(
    net: Network, images: ArrayLike, labels: ArrayLike, index: int = 0, **options: Any
) -> DigitExplorer:
    """The chapter's widget: a drawing grid starting at test image ``index`` and ``net``'s
    probabilities for what is drawn. ``images`` holds one flattened image of ``shape`` per
    row, with pixels ``k * scale / levels``; ``labels`` are the true classes. The
    ``options`` are :class:`DigitExplorer`'s: ``shape`` (default (8, 8)), ``levels``
    (default 16) and ``scale`` (default 1.0)."""
    return DigitExplorer(net, images, labels, index, **options)
