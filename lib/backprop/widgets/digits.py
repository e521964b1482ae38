r"""Pick a test image and see what a trained classifier makes of it.

A thin shell over :meth:`backprop.Network.predict` and
:func:`backprop.losses.softmax`: the network's scores $y$ for the chosen image
become probabilities $p_j = e^{y_j} / \sum_k e^{y_k}$, drawn as bars next to
the image by :func:`backprop.plots.digit_prediction`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
from numpy.typing import ArrayLike, NDArray

from .. import plots
from .._checks import as_float_array
from ..losses import softmax
from ..network import Network
from .image import AltImage

Array = NDArray[np.float64]


class DigitExplorer(widgets.VBox):
    """A slider over the test images, a "next mistake" button, the image and its bars.

    After every change these attributes hold the state (tests read them):
    ``index`` (the image shown), ``probabilities`` (the softmax of the network's
    outputs for it), ``predicted`` (its argmax), ``label`` (the true class),
    ``correct`` and ``mistakes`` (the indices of every misclassified image).
    """

    def __init__(
        self,
        net: Network,
        images: ArrayLike,
        labels: ArrayLike,
        index: int = 0,
        shape: tuple[int, int] = (8, 8),
    ) -> None:
        self.net = net
        self.images = as_float_array(images, "images", ndim=2)
        self.labels = np.asarray(labels).astype(np.intp)
        if self.labels.shape != (self.images.shape[0],):
            raise ValueError(
                f"got {self.images.shape[0]} images but labels has shape {self.labels.shape}"
            )
        n = self.images.shape[0]
        if not 0 <= index < n:
            raise ValueError(f"index {index} is not one of the {n} images (0..{n - 1})")
        if shape[0] * shape[1] != self.images.shape[1]:
            raise ValueError(
                f"images have {self.images.shape[1]} pixels, which is not the shape {shape}"
            )
        self.shape = shape
        # Every prediction at once: the network does not change while the widget is open.
        self.all_probabilities = softmax(net.predict(self.images))
        self.all_predicted = self.all_probabilities.argmax(axis=1)
        self.mistakes = np.flatnonzero(self.all_predicted != self.labels)
        self.slider = widgets.IntSlider(
            value=int(index), min=0, max=n - 1, description="test image", continuous_update=False
        )
        self.next_mistake = widgets.Button(
            description="next mistake",
            disabled=self.mistakes.size == 0,
            tooltip="jump to the next misclassified test image",
        )
        self.status = widgets.HTML()
        self.image = AltImage(format="png")
        self.slider.observe(self._on_change, names="value")
        self.next_mistake.on_click(self._on_next_mistake)
        controls = widgets.HBox([self.slider, self.next_mistake])
        super().__init__([controls, self.status, self.image])
        self.update()

    def _on_change(self, change: dict[str, Any]) -> None:
        self.update()

    def _on_next_mistake(self, button: Any) -> None:
        later = self.mistakes[self.mistakes > self.slider.value]
        target = later[0] if later.size else self.mistakes[0]  # wrap around
        self.slider.value = int(target)  # the observer redraws

    def update(self) -> None:
        """Show the image the slider picks, with the network's probabilities."""
        self.index = int(self.slider.value)
        self.probabilities = self.all_probabilities[self.index]
        self.predicted = int(self.all_predicted[self.index])
        self.label = int(self.labels[self.index])
        self.correct = self.predicted == self.label
        p = self.probabilities[self.predicted]
        verdict = "right" if self.correct else "<b>wrong</b>"
        self.status.value = (
            f"<p>Test image {self.index}: true label {self.label}, predicted "
            f"{self.predicted} with probability {p:.3f} ({verdict}). "
            f"{self.mistakes.size} of {self.labels.size} test images are misclassified.</p>"
        )
        self.image.value = plots.to_png(self._figure())
        self.image.alt = (
            f"Test image {self.index}, a handwritten {self.label}, and a bar chart of the "
            f"network's probabilities for the ten digits: it predicts {self.predicted} with "
            f"probability {p:.3f}."
        )

    def _figure(self) -> Any:
        # A figure outside pyplot, so nothing is displayed behind the widget's back.
        from matplotlib.figure import Figure

        fig = Figure(figsize=(6, 2.6))
        return plots.digit_prediction(
            self.images[self.index], self.probabilities, self.label, self.shape, fig=fig
        )

    def __repr__(self) -> str:
        # The plain-text fallback (no memory address, so stored outputs stay the same).
        return "Digit explorer (run this page on Binder or Colab to pick other test images)"


def digit_explorer(
    net: Network,
    images: ArrayLike,
    labels: ArrayLike,
    index: int = 0,
    shape: tuple[int, int] = (8, 8),
) -> DigitExplorer:
    """The chapter's widget: ``net``'s prediction for each of ``images`` (one flattened
    image of ``shape`` per row), starting at image ``index``; ``labels`` are the true classes."""
    return DigitExplorer(net, images, labels, index, shape)
