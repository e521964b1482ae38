"""The new kinds of exercise on the built website, with no kernel, used as a reader would:

- a find-the-bug listing, by keyboard (one Tab stop, arrow keys, Enter) and by touch (a tap
  on a phone-sized page), the verdict and the explanation of the bug shown at once;
- a formula, typed key by key: the box shows the formula as it was read (2/3x reads as a
  fraction times x), says what is wrong with an unreadable one, and checks it as Python does.

Runs against $BOOK_HTML (see conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from backprop.exercises import check_bug
from backprop.exercises.formula import Variable, check_formula
from browser_site import CHAPTERS, DESKTOP, MARK_SUBAREAS, widget_state

PHONE = {"width": 390, "height": 844}


def _find(page: Any, kind: str) -> tuple[Any, dict[str, Any]] | None:
    """The first exercise box of ``kind`` on the page, and its saved state."""
    page.evaluate(MARK_SUBAREAS)
    for model_id, model in widget_state(page).items():
        state = model.get("state", {})
        if state.get("kind") == kind and (state.get("spec") or {}).get(
            "bug" if kind == "bug" else "formula"
        ):
            box = page.locator(f'.widget-subarea[data-bp-model="{model_id}"] .bp-exercise')
            if box.count():
                return box, state
    return None


@pytest.fixture
def open_kind(browser: Any, base_url: str) -> Iterator[Any]:
    contexts: list[Any] = []

    def _open(kind: str, touch: bool = False) -> tuple[Any, Any, dict[str, Any], list[str]]:
        ctx = browser.new_context(viewport=PHONE if touch else DESKTOP, has_touch=touch)
        contexts.append(ctx)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        for path in CHAPTERS:
            page.goto(base_url + path, wait_until="load")
            page.locator(".bp-exercise").first.wait_for(state="visible", timeout=20_000)
            found = _find(page, kind)
            if found is not None:
                box, state = found
                box.scroll_into_view_if_needed()
                return page, box, state, errors
        pytest.fail(f"no {kind} exercise on any chapter")

    yield _open
    for ctx in contexts:
        ctx.close()


def _feedback(box: Any) -> tuple[str, str]:
    fb = box.locator(".bp-exercise-feedback")
    return fb.get_attribute("data-verdict") or "", fb.inner_text()


def test_a_bug_is_found_with_the_keyboard(open_kind: Any) -> None:
    page, box, state, errors = open_kind("bug")
    spec = state["spec"]
    lines = box.locator("button.bp-bug-line")
    assert lines.count() == len(spec["listing"])
    # One Tab stop: only the first line is in the Tab order.
    assert [lines.nth(i).get_attribute("tabindex") for i in range(lines.count())].count("0") == 1
    lines.first.focus()
    for _ in range(spec["bug"] - 1):
        page.keyboard.press("ArrowDown")
    focused = page.evaluate("() => document.activeElement.dataset.line")
    assert focused == str(spec["bug"])
    page.keyboard.press("Enter")
    fb = check_bug(str(spec["bug"]), spec["bug"], len(spec["listing"]))
    assert _feedback(box) == (fb.verdict, fb.message) == ("correct", fb.message)
    picked = box.locator(f'button.bp-bug-line[data-line="{spec["bug"]}"]')
    assert picked.get_attribute("aria-pressed") == "true"
    assert picked.get_attribute("data-verdict") == "correct"
    assert box.locator(".bp-exercise-explanation").inner_text().strip()
    # End, then Enter: the last line; Home goes back to the first.
    page.keyboard.press("End")
    assert page.evaluate("() => document.activeElement.dataset.line") == str(len(spec["listing"]))
    page.keyboard.press("Home")
    assert page.evaluate("() => document.activeElement.dataset.line") == "1"
    assert errors == []


def test_a_bug_is_found_by_touch_on_a_phone(open_kind: Any) -> None:
    page, box, state, errors = open_kind("bug", touch=True)
    spec = state["spec"]
    notes = {int(k): v for k, v in spec["notes"].items()}
    wrong = spec["bug"] % len(spec["listing"]) + 1
    box.locator(f'button.bp-bug-line[data-line="{wrong}"]').tap()
    fb = check_bug(str(wrong), spec["bug"], len(spec["listing"]), notes)
    assert _feedback(box) == (fb.verdict, fb.message) and fb.verdict == "wrong"
    assert box.locator(".bp-exercise-explanation").inner_text().strip() == ""
    box.locator(f'button.bp-bug-line[data-line="{spec["bug"]}"]').tap()
    assert _feedback(box)[0] == "correct"
    # Each line is a comfortable target for a finger, and the page does not scroll sideways.
    height = box.locator("button.bp-bug-line").first.bounding_box()["height"]
    assert height >= 24
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
    assert errors == []


def test_a_formula_is_shown_as_it_was_read_while_typing(open_kind: Any) -> None:
    page, box, state, errors = open_kind("formula")
    spec = state["spec"]
    variables = [Variable.from_json(v) for v in spec["variables"]]
    field = box.locator("input.bp-exercise-input")
    preview = box.locator(".bp-formula-preview")
    assert preview.get_attribute("data-state") == "empty"
    name = variables[0].name
    field.press_sequentially(f"2/3{name}")
    assert preview.get_attribute("data-state") == "ok"
    # Read as (2/3)·x: a fraction of 2 and 3, then the variable; not 2/(3x).
    frac = preview.locator("mfrac")
    parts = frac.evaluate("(f) => Array.from(f.children).map((c) => c.textContent.trim())")
    assert frac.count() == 1 and parts == ["2", "3"]
    field.press_sequentially("+(")
    assert preview.get_attribute("data-state") == "error"
    assert "never closed" in preview.inner_text()
    # An unknown name is named, with the question's variables.
    field.fill("w99 + 1")
    assert preview.get_attribute("data-state") == "error"
    assert "w99" in preview.inner_text() and name in preview.inner_text()
    # The answer itself, and twice the answer: the verdicts are Python's.
    for text in (spec["formula"], f"2*({spec['formula']})"):
        field.fill(text)
        box.locator("button.bp-exercise-check").click()
        fb = check_formula(text, spec["formula"], variables, state["rtol"], state["atol"])
        assert _feedback(box) == (fb.verdict, fb.message)
    assert errors == []
