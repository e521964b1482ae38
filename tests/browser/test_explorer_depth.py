"""The depth explorer on the built website, with no kernel: move the depth slider with the
keyboard, switch the activation and the initialisation with the selects; every plotted number
(each point's data-value) and the numbers in the summary line are the Python library's
(backprop.widgets.depth.depth_profile) for the settings the page shows. The phone width shows
it without horizontal scrolling.

Runs against $BOOK_HTML (see conftest.py); a build without the chapter is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from backprop.widgets.depth import depth_profile
from browser_site import DESKTOP, PHONE, redraw

PAGE = "chapters/08_depth.html"


def open_page(browser: Any, base_url: str, html_dir: Any, viewport: dict) -> tuple[Any, Any, Any]:
    if not (html_dir / PAGE).is_file():
        pytest.skip(f"{PAGE} is not in this build")
    ctx = browser.new_context(viewport=viewport)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + PAGE, wait_until="load")
    root = page.locator(".bp-depth").first
    root.wait_for(state="visible", timeout=20_000)
    return ctx, page, (root, errors)


@pytest.fixture
def explorer(browser: Any, base_url: str, html_dir: Any) -> Iterator[tuple[Any, Any, list]]:
    ctx, page, (root, errors) = open_page(browser, base_url, html_dir, DESKTOP)
    yield page, root, errors
    ctx.close()


def settings(root: Any) -> tuple[int, str, str]:
    depth = int(float(root.locator('input[data-name="depth"]').get_attribute("data-value")))
    act = root.locator('select[data-name="activation"]').input_value()
    init = root.locator('select[data-name="init"]').input_value()
    return depth, act, init


def check_shown(root: Any) -> tuple[int, str, str]:
    """Every plotted point and the summary's numbers are the library's for the shown settings."""
    depth, act, init = settings(root)
    p = depth_profile(depth, act, init)
    for series, want in (("delta", p.delta_rms), ("z", p.z_rms)):
        pts = root.locator(f'[data-series="{series}"]')
        assert pts.count() == depth
        got = [float(pts.nth(i).get_attribute("data-value")) for i in range(depth)]
        assert got == pytest.approx(list(want), rel=1e-9), (series, depth, act, init)
    text = root.locator(".bp-summary").inner_text().replace("\u2212", "-")
    assert text.startswith(f"{depth} layers, "), text
    shown = [float(x) for x in re.findall(r"-?\d\.\d\de-?\d+", text)]
    d1, dL = p.delta_rms[0], p.delta_rms[-1]
    assert shown[:3] == [pytest.approx(v, rel=6e-3) for v in (dL, d1, d1 / dL)], text
    return depth, act, init


def test_keyboard_and_selects(explorer: tuple[Any, Any, list]) -> None:
    page, root, errors = explorer
    assert check_shown(root) == (10, "tanh", "lecun")
    depth = root.locator('input[data-name="depth"]')
    depth.focus()
    for _ in range(5):
        redraw(page, root, lambda: depth.press("ArrowRight"))
    assert check_shown(root)[0] == 15
    redraw(page, root, lambda: depth.press("End"))
    assert check_shown(root)[0] == 50
    # Sigmoid at depth 50: the first layer's deltas are tiny next to the last layer's.
    redraw(
        page, root, lambda: root.locator('select[data-name="activation"]').select_option("sigmoid")
    )
    check_shown(root)
    ratio = float(root.locator(".bp-summary").get_attribute("data-ratio"))
    assert ratio < 1e-15
    # ReLU with He's weights keeps them within a factor 10; LeCun's lose them.
    redraw(page, root, lambda: root.locator('select[data-name="activation"]').select_option("relu"))
    redraw(page, root, lambda: root.locator('select[data-name="init"]').select_option("he"))
    assert check_shown(root) == (50, "relu", "he")
    assert 0.1 < float(root.locator(".bp-summary").get_attribute("data-ratio")) < 10
    redraw(page, root, lambda: root.locator('select[data-name="init"]').select_option("lecun"))
    check_shown(root)
    assert float(root.locator(".bp-summary").get_attribute("data-ratio")) < 1e-4
    redraw(page, root, lambda: depth.press("Home"))
    assert check_shown(root)[0] == 2
    assert not errors, errors


def test_fits_a_phone(browser: Any, base_url: str, html_dir: Any) -> None:
    ctx, page, (root, errors) = open_page(browser, base_url, html_dir, PHONE)
    try:
        box = root.bounding_box()
        assert box is not None and box["width"] <= PHONE["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert not errors, errors
    finally:
        ctx.close()
