"""backprop.widgets.image.AltImage: an Image whose alt text is part of the widget state."""

from __future__ import annotations

import pytest
from backprop.widgets.image import AltImage


def test_alt_is_synced_in_the_widget_state():
    img = AltImage(format="png", alt="Loss curve")
    state = img.get_state()
    assert state["alt"] == "Loss curve"
    assert state["_view_name"] == "ImageView" and state["format"] == "png"
    img.alt = "Loss curve after 30 steps"
    assert img.get_state()["alt"] == "Loss curve after 30 steps"


def test_alt_defaults_to_empty_and_must_be_text():
    assert AltImage().alt == ""
    with pytest.raises(TypeError, match="alt must be a string"):
        AltImage(alt=3)
