"""The autodiff explorer on the built website, with no kernel: step through both sweeps with
the buttons and the keyboard, move an input slider, switch the expression; every value and
gradient the page shows (each node's data-value / data-grad, and its text) is the Python
engine's (backprop.widgets.autodiff.sweep) for the inputs the page shows.

Runs against $BOOK_HTML (see conftest.py); a build without the chapter is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from backprop.widgets.autodiff import EXPRESSIONS, sweep
from browser_site import DESKTOP, redraw

PAGE = "chapters/07_autodiff.html"


@pytest.fixture
def explorer(browser: Any, base_url: str, html_dir: Any) -> Iterator[tuple[Any, Any, list]]:
    if not (html_dir / PAGE).is_file():
        pytest.skip(f"{PAGE} is not in this build")
    ctx = browser.new_context(viewport=DESKTOP)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + PAGE, wait_until="load")
    root = page.locator(".bp-autodiff").first
    root.wait_for(state="visible", timeout=20_000)
    yield page, root, errors
    ctx.close()


def inputs_shown(root: Any) -> dict[str, float]:
    return {
        s.get_attribute("data-name"): float(s.get_attribute("data-value"))
        for s in root.locator("input[type=range]").all()
    }


def check_nodes(root: Any, key: str) -> None:
    """Every node's value and final gradient are the Python engine's for the shown inputs."""
    spec = EXPRESSIONS[key][2]
    s = sweep(spec, inputs_shown(root))
    for i, nd in enumerate(spec):
        g = root.locator(f'.bp-node[data-key="{nd["name"]}"]')
        assert float(g.get_attribute("data-value")) == pytest.approx(
            s.data[i], rel=1e-12, abs=1e-15
        )
        assert float(g.get_attribute("data-grad")) == pytest.approx(
            s.grads[-1][i], rel=1e-12, abs=1e-12
        )
        shown = g.locator(".bp-grad").text_content().split()[-1].replace("\u2212", "-")
        assert float(shown) == pytest.approx(s.grads[-1][i], abs=0.0005 + 1e-9), nd["name"]


def test_steps_slider_and_expression_switch(explorer: tuple[Any, Any, list]) -> None:
    page, root, errors = explorer
    summary = root.locator(".bp-summary")
    assert summary.get_attribute("data-step") == "0"
    redraw(page, root, lambda: root.get_by_role("button", name="Next →").click())
    assert summary.get_attribute("data-step") == "1" and "Forward 1 of 3" in summary.inner_text()
    redraw(page, root, lambda: root.get_by_role("button", name="All steps").click())
    assert summary.get_attribute("data-step") == "6" and "Reverse 3 of 3" in summary.inner_text()
    check_nodes(root, "gates")
    # y below z: max routes to z. Move y up by keyboard until it passes z: two paths into y.
    y = root.locator('input[data-name="y"]')
    y.focus()
    for _ in range(60):
        redraw(page, root, lambda: y.press("ArrowRight"))
    shown = inputs_shown(root)
    assert shown["y"] > shown["z"]
    check_nodes(root, "gates")
    dy = float(root.locator('.bp-node[data-key="y"]').get_attribute("data-grad"))
    assert dy == pytest.approx(shown["y"] + (shown["x"] + shown["y"]), rel=1e-12)
    # Another expression, with no kernel: the catalog in the saved state redraws the graph.
    redraw(page, root, lambda: root.locator("select").select_option("neuron"))
    assert root.locator(".bp-node").count() == len(EXPRESSIONS["neuron"][2])
    assert summary.get_attribute("data-step") == "0"
    redraw(page, root, lambda: root.get_by_role("button", name="All steps").click())
    check_nodes(root, "neuron")
    assert not errors, errors
