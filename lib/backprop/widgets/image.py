"""An ipywidgets ``Image`` with alt text, for the widgets' plots.

ipywidgets' ``Image`` has no alt text. :class:`AltImage` adds a synced ``alt`` trait; on
the website, the page's widget front end (``_ext/offline_js/widgets-a11y.js``) writes it
into the ``<img>``'s ``alt`` attribute, so screen readers describe the snapshot. Other
front ends (JupyterLab, Colab) ignore the trait.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import traitlets


class AltImage(widgets.Image):
    """``widgets.Image`` plus ``alt``: a text alternative that describes the picture.

    >>> img = AltImage(format="png", alt="Loss against the step number")
    >>> img.alt
    'Loss against the step number'
    """

    alt = traitlets.Unicode("", help="Alt text of the image on the website.").tag(sync=True)

    def __init__(self, alt: str = "", **kwargs: Any) -> None:
        if not isinstance(alt, str):
            raise TypeError(f"alt must be a string of text describing the image, not {alt!r}")
        super().__init__(alt=alt, **kwargs)
