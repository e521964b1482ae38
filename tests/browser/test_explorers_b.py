"""The ReLU, delta and digit explorers on the built website, with no kernel: move each slider
with the keyboard and by dragging, draw on the digit grid with the mouse and the keyboard, and
check that every number shown equals what the Python library computes for the values the
page shows, to the precision it shows them.

The network, sample and test images come from the page's saved widget state (what the site
ships); the expected numbers come from backprop (Network, the explorers' Python side).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from backprop import Network
from backprop.losses import softmax
from backprop.widgets._network import parse_parameter
from backprop.widgets.deltas import DeltaExplorer
from backprop.widgets.relu import ReluExplorer
from browser_site import DESKTOP, PageReport, Recorder, widget_state

CHAPTER = {
    "relu": "chapters/04_indicator_functions.html",
    "deltas": "chapters/06_hidden_layer_deltas.html",
    "digits": "chapters/09_training_a_network.html",
}


# ---------------------------------------------------------------- helpers


def number(text: str) -> float:
    """A number as the explorers write it (a true minus sign, maybe a % or a label)."""
    return float(text.strip().replace("\u2212", "-").split()[-1].rstrip("%"))


def close(shown: str, exact: float, digits: int) -> bool:
    """``shown`` is ``exact`` written with ``digits`` decimals (either rounding of a tie)."""
    return abs(number(shown) - exact) <= 0.5 * 10.0**-digits * (1 + 1e-9) + 1e-12


class Explorer:
    """One explorer on its page: its root, its saved model state, redraw waiting."""

    def __init__(self, page: Any, name: str) -> None:
        self.page = page
        self.root = page.locator(f'section[data-explorer="{name}"]')
        self.root.wait_for(state="attached", timeout=20_000)
        page.wait_for_function(
            f"() => Number(document.querySelector('section[data-explorer=\"{name}\"]').dataset.frames) >= 1"
        )
        self.root.scroll_into_view_if_needed()
        cls = {"relu": "ReluExplorer", "deltas": "DeltaExplorer", "digits": "DigitExplorer"}[name]
        mine = [
            m["state"]
            for m in widget_state(page).values()
            if m.get("state", {}).get("_anywidget_id") == f"backprop.widgets.{name}.{cls}"
        ]
        assert len(mine) == 1, f"expected one {name} explorer's state on the page"
        self.state = mine[0]

    def frames(self) -> int:
        return int(self.root.get_attribute("data-frames") or 0)

    def after(self, action: Any) -> None:
        """Run ``action`` and wait until the explorer has redrawn."""
        before = self.frames()
        action()
        self.page.wait_for_function(
            "([el, n]) => Number(el.dataset.frames) > n", arg=[self.root.element_handle(), before]
        )

    def slider(self, name: str) -> Any:
        return self.root.locator(f'input[type=range][data-name="{name}"]')

    def value(self, name: str) -> float:
        return float(self.slider(name).input_value())

    def q(self, key: str) -> str:
        return self.root.locator(f'[data-q="{key}"]').text_content()

    def keys(self, name: str, *keys: str) -> None:
        s = self.slider(name)
        s.focus()
        for k in keys:
            self.after(lambda k=k: s.press(k))

    def drag(self, name: str, to_fraction: float) -> None:
        """Press the mouse on the slider's thumb and drag it to a fraction of its width."""
        s = self.slider(name)
        s.scroll_into_view_if_needed()
        box = s.bounding_box()
        lo, hi = float(s.get_attribute("min")), float(s.get_attribute("max"))
        frac = (self.value(name) - lo) / (hi - lo)
        thumb = 8  # half the thumb's width: where the track starts and ends
        y = box["y"] + box["height"] / 2
        x0 = box["x"] + thumb + frac * (box["width"] - 2 * thumb)
        x1 = box["x"] + thumb + to_fraction * (box["width"] - 2 * thumb)
        mouse = self.page.mouse
        mouse.move(x0, y)
        mouse.down()
        self.after(lambda: mouse.move(x1, y, steps=8))
        mouse.up()


@pytest.fixture
def open_page(browser: Any, base_url: str) -> Iterator[Any]:
    contexts = []
    errors: list[str] = []

    def _open(name: str, touch: bool = False) -> Explorer:
        context = browser.new_context(viewport=DESKTOP, has_touch=touch)
        contexts.append(context)
        report = PageReport(path=CHAPTER[name], url=base_url + CHAPTER[name])
        rec = Recorder(context, base_url, report)
        page = context.new_page()
        rec.attach(page)
        page.goto(report.url, wait_until="load")
        errors.append(report)
        return Explorer(page, name)

    yield _open
    for c in contexts:
        c.close()
    for report in errors:
        assert report.console_errors == [], report.console_errors


# ---------------------------------------------------------------- ReLU explorer (chapter 4)


def start(ex: Explorer, cls: type) -> Any:
    """The Python explorer for the page's saved state (the sliders' starting values)."""
    s = ex.state
    net = Network(s["weights"], s["biases"], s["activations"])
    return cls(net, s["x"], s["t"], s["loss_name"], s["limit"])


def follow(ex: Explorer, w: Any, sample: str) -> Any:
    """Give the Python explorer ``w`` the values the page's sliders show now: the inputs or
    targets, and the picked parameter (earlier picks stay as they were set)."""
    setattr(w, sample, [ex.value(f"{sample}{i + 1}") for i in range(len(getattr(w, sample)))])
    w.parameter = ex.root.locator('select[data-name="parameter"]').input_value()
    w.value = ex.value("value")
    return w


def check_relu(ex: Explorer, w: ReluExplorer) -> ReluExplorer:
    follow(ex, w, "x")
    z, da = w.trace.z, w.grads.da
    for k, l in enumerate(w.relu_layers):
        for j in range(len(z[l][0])):
            q = f"{l + 1}-{j + 1}"
            assert close(ex.q(f"z-{q}"), z[l][0][j], 3), q
            assert number(ex.q(f"on-{q}")) == w.indicator[k][j], q
            assert close(ex.q(f"a-{q}"), w.trace.a[l + 1][0][j], 3), q
            assert close(ex.q(f"da-{q}"), da[l + 1][0][j], 3), q
            assert close(ex.q(f"delta-{q}"), w.delta[k][j], 3), q
    readout = ex.root.locator(".bp-readout").inner_text()
    assert close(readout.split("Output y = ")[1].split(" ")[0], w.output[0], 3), readout
    assert close(readout.split("loss L = ")[1].rstrip("."), w.loss, 4), readout
    live = ex.root.locator("[aria-live]").first.inner_text()
    for k, l in enumerate(w.relu_layers):
        on = ", ".join(str(j + 1) for j in np.flatnonzero(w.on[k])) or "none"
        assert f"Layer {l + 1}: units on {on};" in live, live
    n = sum(len(W) * len(W[0]) for W in w.weights)
    assert f"{w.zeroed} of {n} weights get a gradient of exactly 0" in live, live
    return w


def test_relu_explorer_keyboard_and_drag(open_page):
    ex = open_page("relu")
    w = check_relu(ex, start(ex, ReluExplorer))
    assert "units on 1, 3; units off 2" in ex.root.locator("[aria-live]").first.inner_text()
    z_before = ex.q("z-1-1")
    # x1 with the keyboard: two steps down, then far below zero (unit 1 turns off).
    ex.keys("x1", "ArrowLeft", "ArrowLeft")
    assert ex.value("x1") == pytest.approx(0.9)
    assert ex.q("z-1-1") != z_before
    check_relu(ex, w)
    ex.keys("x1", "Home")
    assert ex.value("x1") == -2.0
    check_relu(ex, w)
    assert not w.on[0][0] and ex.q("delta-1-1") == "0.000" and ex.q("on-1-1") == "0"
    # x2 by dragging.
    before = ex.value("x2")
    ex.drag("x2", 0.9)
    assert ex.value("x2") != before
    check_relu(ex, w)
    # A picked weight with the keyboard, then a bias by dragging.
    ex.root.locator('select[data-name="parameter"]').select_option("W1[2,3]")
    assert ex.value("value") == -1.0
    ex.keys("value", "PageUp", "ArrowRight")
    check_relu(ex, w)
    ex.after(lambda: ex.root.locator('select[data-name="parameter"]').select_option("b1[2]"))
    ex.drag("value", 0.95)
    assert ex.value("value") > 1.0
    check_relu(ex, w)
    # Reset brings the start back.
    ex.after(lambda: ex.root.get_by_role("button", name="Reset").click())
    assert ex.value("x1") == 1.0 and ex.q("z-1-1") == "1.250"
    w.reset()
    check_relu(ex, w)


# ---------------------------------------------------------------- delta explorer (chapter 6)


def check_deltas(ex: Explorer, w: DeltaExplorer, first: DeltaExplorer) -> DeltaExplorer:
    follow(ex, w, "t")
    net, tr, g = w.net, w.trace, w.grads
    for l in range(1, net.n_layers + 1):
        act = net.activations[l - 1]
        z, a = tr.z[l - 1][0], tr.a[l][0]
        fprime = act.derivative(z, a)
        for j in range(len(z)):
            q = f"{l}-{j + 1}"
            assert close(ex.q(f"z-{q}"), z[j], 3), q
            assert close(ex.q(f"fprime-{q}"), fprime[j], 4), q
            assert close(ex.q(f"da-{q}"), g.da[l][0][j], 4), q
            assert close(ex.q(f"delta-{q}"), w.delta[l - 1][j], 4), q
            assert close(ex.q(f"change-{q}"), w.delta[l - 1][j] - first.delta[l - 1][j], 4), q
    for key, _ in w.options:
        kind, l, i, j = parse_parameter(key)
        value = net.W[l][i, j] if kind == "W" else net.b[l][j]
        grad = w.dW[l][i, j] if kind == "W" else w.db[l][j]
        assert close(ex.q(f"value-{key}"), value, 2), key
        assert close(ex.q(f"grad-{key}"), grad, 4), key
    readout = ex.root.locator(".bp-readout").inner_text()
    shown_y = readout.split("Output y = (")[1].split(")")[0].split(", ")
    for s, y in zip(shown_y, w.output, strict=True):
        assert close(s, y, 4), readout
    assert close(readout.split("loss L = ")[1].rstrip("."), w.loss, 4), readout
    return w


def test_delta_explorer_keyboard_and_drag(open_page):
    ex = open_page("deltas")
    first = start(ex, DeltaExplorer)
    w = check_deltas(ex, start(ex, DeltaExplorer), first)
    # t2 with the keyboard, to 1: output 2's delta changes sign, output 1's does not move.
    ex.keys("t2", "End")
    assert ex.value("t2") == 1.0
    check_deltas(ex, w, first)
    assert w.delta[1][1] < 0 < first.delta[1][1]
    assert ex.q("change-2-1") == "0.0000"
    # t1 by dragging.
    ex.drag("t1", 0.3)
    assert ex.value("t1") < 1.0
    check_deltas(ex, w, first)
    ex.after(lambda: ex.root.get_by_role("button", name="Reset").click())
    w.reset()
    check_deltas(ex, w, first)
    # The bias of output 1, b2[1], by dragging and by the keyboard: only y1 and its delta move.
    ex.root.locator('select[data-name="parameter"]').select_option("b2[1]")
    for move in (lambda: ex.drag("value", 1.0), lambda: ex.keys("value", "Home")):
        move()
        check_deltas(ex, w, first)
        assert w.biases[1][0] != first.biases[1][0]
        assert ex.q("change-2-2") == "0.0000" and ex.q("change-2-1") != "0.0000"
        assert w.output[1] == first.output[1] and w.output[0] != first.output[0]
        for j in range(3):  # the hidden deltas move, and none vanishes
            assert ex.q(f"change-1-{j + 1}") != "0.0000"
            assert number(ex.q(f"delta-1-{j + 1}")) != 0.0
    assert ex.value("value") == -2.0


# ---------------------------------------------------------------- digit explorer (chapter 7)


class Digits:
    """The page's digit explorer and the Python side of what it shows."""

    def __init__(self, ex: Explorer) -> None:
        s = ex.state
        self.ex = ex
        self.net = Network(s["weights"], s["biases"], s["activations"])
        self.levels, self.scale = s["levels"], s["scale"]
        self.rows, self.cols = s["shape"]
        self.codes = s["images"]
        self.labels = s["labels"]

    def image(self, k: int) -> np.ndarray:
        return np.array([int(c, 36) / self.levels * self.scale for c in self.codes[k]])

    def predict(self, pixels: np.ndarray) -> tuple[int, np.ndarray]:
        y = self.net.predict(pixels[None, :])
        return int(np.argmax(y[0])), softmax(y)[0]

    def check(self, pixels: np.ndarray) -> int:
        """The shown prediction and the ten bars are the library's for these pixels."""
        predicted, p = self.predict(pixels)
        assert int(self.ex.root.get_attribute("data-predicted")) == predicted
        status = self.ex.root.locator(".bp-readout").inner_text()
        assert f"reads {predicted} with probability" in status, status
        assert close(status.split("with probability ")[1].split(" ")[0], p[predicted], 3), status
        for d in range(10):
            assert close(self.ex.q(f"p-{d}"), 100 * p[d], 1), d
        return predicted

    def cell(self, i: int) -> tuple[float, float]:
        box = self.ex.root.locator(".bp-grid svg").bounding_box()
        r, c = divmod(i, self.cols)
        return (
            box["x"] + (c + 0.5) * box["width"] / self.cols,
            box["y"] + (r + 0.5) * box["height"] / self.rows,
        )

    def brush(self, level: int) -> None:
        ex = self.ex
        if ex.value("brush") != level:
            ex.slider("brush").focus()
            ex.slider("brush").press("Home")
            for _ in range(level):
                ex.slider("brush").press("ArrowRight")
        assert ex.value("brush") == level


def test_digit_explorer_draw_a_test_image_with_the_mouse(open_page):
    ex = open_page("digits")
    d = Digits(ex)
    X = np.array([d.image(k) for k in range(len(d.codes))])
    predicted_all = d.net.predict(X).argmax(axis=1)
    mistakes = np.flatnonzero(predicted_all != np.array(d.labels))
    # The page starts at the first mistake.
    start = int(ex.value("index"))
    assert start == mistakes[0]
    shown = d.check(d.image(start))
    assert shown != d.labels[start]
    # Clear, then draw a test image the network reads as another digit, pixel by pixel.
    k = int(np.flatnonzero(predicted_all != shown)[0])
    target = d.image(k)
    ex.after(lambda: ex.root.get_by_role("button", name="clear").click())
    d.check(np.zeros_like(target))
    ex.root.locator(".bp-grid").scroll_into_view_if_needed()
    levels = np.rint(target / d.scale * d.levels).astype(int)
    for level in sorted(set(levels[levels > 0].tolist())):
        d.brush(level)
        for i in np.flatnonzero(levels == level):
            x, y = d.cell(int(i))
            ex.page.mouse.click(x, y)
    ex.page.wait_for_function(
        "el => el.dataset.predicted !== undefined", arg=ex.root.element_handle()
    )
    ex.page.wait_for_timeout(100)
    predicted = d.check(target)
    assert predicted == predicted_all[k] != shown
    # A stroke: press on a cell, drag along the row, release: every crossed cell is painted.
    d.brush(d.levels)
    x0, y0 = d.cell(3 * d.cols)
    x1, _ = d.cell(3 * d.cols + d.cols - 1)
    ex.page.mouse.move(x0, y0)
    ex.page.mouse.down()
    ex.page.mouse.move(x1, y0, steps=12)
    ex.page.mouse.up()
    ex.page.wait_for_timeout(100)
    target[3 * d.cols : 4 * d.cols] = d.scale
    d.check(target)
    assert ex.root.get_attribute("data-drawn") == "true"


def test_digit_explorer_keyboard_buttons_and_test_images(open_page):
    ex = open_page("digits")
    d = Digits(ex)
    X = np.array([d.image(k) for k in range(len(d.codes))])
    mistakes = np.flatnonzero(d.net.predict(X).argmax(axis=1) != np.array(d.labels))
    start = int(ex.value("index"))
    # "next mistake" and "next" / "previous" load test images.
    ex.after(lambda: ex.root.get_by_role("button", name="next mistake").click())
    assert ex.value("index") == mistakes[mistakes > start][0]
    k = int(ex.value("index"))
    d.check(d.image(k))
    assert (
        f"Test image {k}, a handwritten {d.labels[k]}"
        in ex.root.locator(".bp-readout").inner_text()
    )
    ex.after(lambda: ex.root.get_by_role("button", name="next", exact=True).click())
    assert ex.value("index") == k + 1
    d.check(d.image(k + 1))
    # The test-image slider with the keyboard and by dragging.
    ex.keys("index", "ArrowRight")
    assert ex.value("index") == k + 2
    d.check(d.image(k + 2))
    ex.drag("index", 0.5)
    k = int(ex.value("index"))
    assert abs(k - len(d.codes) / 2) < len(d.codes) / 10
    d.check(d.image(k))
    # The grid with the keyboard: move the cursor, paint with Space, darken with +, erase.
    pixels = d.image(k)
    grid = ex.root.locator(".bp-grid")
    grid.focus()
    d.brush(d.levels // 2)
    grid.focus()
    for key in ("ArrowRight", "ArrowRight", "ArrowDown"):
        grid.press(key)
    i = 1 * d.cols + 2
    ex.after(lambda: grid.press(" "))
    lvl = d.levels // 2 if round(pixels[i] / d.scale * d.levels) != d.levels // 2 else 0
    pixels[i] = lvl / d.levels * d.scale
    d.check(pixels)
    ex.after(lambda: grid.press("+"))
    pixels[i] = min(d.levels, lvl + 1) / d.levels * d.scale
    d.check(pixels)
    assert "Cursor: row 2, column 3" in ex.root.inner_text()
    ex.after(lambda: grid.press("Delete"))
    pixels[i] = 0.0
    d.check(pixels)
    assert ex.root.get_attribute("data-drawn") in ("true", "false")


def test_touch_on_a_slider_and_on_the_drawing_grid(open_page):
    # A tap on a slider's track moves it.
    ex = open_page("relu", touch=True)
    w = start(ex, ReluExplorer)
    box = ex.slider("x1").bounding_box()
    ex.after(lambda: ex.page.touchscreen.tap(box["x"] + 0.1 * box["width"], box["y"] + 10))
    assert ex.value("x1") < 0
    check_relu(ex, w)
    # Taps paint cells; a finger's stroke paints every cell it crosses.
    ex = open_page("digits", touch=True)
    d = Digits(ex)
    ex.root.get_by_role("button", name="clear").tap()
    ex.root.locator(".bp-grid").scroll_into_view_if_needed()
    pixels = np.zeros(d.rows * d.cols)
    d.brush(d.levels)
    for i in (2, 10, 18, 26):
        ex.after(lambda i=i: ex.page.touchscreen.tap(*d.cell(i)))
        pixels[i] = d.scale
    d.check(pixels)
    cdp = ex.page.context.new_cdp_session(ex.page)
    row = 5 * d.cols
    points = [d.cell(row + c) for c in range(d.cols)]

    def touch(kind: str, x: float, y: float) -> None:
        pts = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": pts})

    touch("touchStart", *points[0])
    for x, y in points[1:]:
        touch("touchMove", x, y)
    touch("touchEnd", *points[-1])
    ex.page.wait_for_timeout(150)
    pixels[row : row + d.cols] = d.scale
    d.check(pixels)
