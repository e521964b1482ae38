"""The live explorers on the built static site (no kernel): each slider moved with the keyboard,
by dragging and by touch changes what the page shows, and the numbers shown equal what the
Python library computes for the sliders' values, to the displayed precision. The graph
stepper's numbers are ToyModel.backward's. Every control has a visible label.

Runs against $BOOK_HTML (see conftest.py); a page missing from that build is skipped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from browser_site import DESKTOP, MARK_SUBAREAS, widget_state

PAGES = {
    "toy": "chapters/02_forward_pass.html",
    "graph": "chapters/03_backward_pass.html",
    "descent": "chapters/05_gradient_descent.html",
    "netgraph": "chapters/06_hidden_layer_deltas.html",
}
CSS = {"netgraph": "graph"}  # the explorer's class (.bp-NAME) where it is not the key
NUMBER = r"[−-]?(?:\d+(?:\.\d+)?(?:e[−+-]?\d+)?|∞)"


def num(text: str) -> float:
    """A number as ui.js's fmt writes it (U+2212 minus, 1.23e5, ∞)."""
    t = text.replace("−", "-").replace("∞", "inf")
    return float(t)


def decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def shown_equal(text: str, value: float) -> bool:
    """Does the displayed text equal value to the precision it is displayed with?"""
    shown = num(text)
    if "e" in text:  # 3 significant digits
        return math.isclose(shown, value, rel_tol=0.006)
    return abs(shown - value) <= 0.5 * 10 ** -decimals(text) * (1 + 1e-9) + 1e-12


class Explorer:
    """One explorer on a page: its root, its sliders and the saved state of its model."""

    def __init__(self, page: Any, name: str) -> None:
        self.page = page
        self.root = page.locator(f".bp-{CSS.get(name, name)}").first
        self.root.wait_for(state="visible", timeout=20_000)
        page.evaluate(MARK_SUBAREAS)
        model_id = self.root.evaluate("e => e.closest('.widget-subarea').dataset.bpModel")
        self.state = widget_state(page)[model_id]["state"]

    def frames(self) -> int:
        return int(self.root.get_attribute("data-frames") or 0)

    def wait_redraw(self, before: int) -> None:
        self.page.wait_for_function(
            "([el, n]) => Number(el.dataset.frames) > n",
            arg=[self.root.element_handle(), before],
            timeout=5_000,
        )

    def sliders(self) -> dict[str, Any]:
        out = {}
        for s in self.root.locator("input[type=range]").all():
            out[s.get_attribute("data-name")] = s
        return out

    def values(self) -> dict[str, float]:
        """The sliders' values (their exact value, data-value: a log slider's position is not)."""
        return {k: float(s.get_attribute("data-value")) for k, s in self.sliders().items()}

    def summary(self) -> str:
        return self.root.locator(".bp-summary").inner_text()

    def press(self, name: str, key: str = "ArrowRight") -> None:
        before = self.frames()
        s = self.sliders()[name]
        s.focus()
        s.press(key)
        self.wait_redraw(before)

    def drag(self, name: str, to: float) -> None:
        """Drag the thumb from its position to the fraction `to` of the track."""
        s = self.sliders()[name]
        s.scroll_into_view_if_needed()
        box = s.bounding_box()
        lo, hi = float(s.get_attribute("min")), float(s.get_attribute("max"))
        frac = (float(s.input_value()) - lo) / (hi - lo)
        # Chromium's thumb is ~16 px wide: its centre runs from 8 px to width - 8 px.
        x_of = lambda f: box["x"] + 8 + f * (box["width"] - 16)  # noqa: E731
        y = box["y"] + box["height"] / 2
        before = self.frames()
        self.page.mouse.move(x_of(frac), y)
        self.page.mouse.down()
        for k in range(1, 6):
            self.page.mouse.move(x_of(frac + (to - frac) * k / 5), y)
        self.page.mouse.up()
        self.wait_redraw(before)


@pytest.fixture(scope="module")
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport=DESKTOP, has_touch=True)
    yield ctx
    ctx.close()


def open_explorer(context: Any, base_url: str, html_dir: Any, name: str) -> Explorer:
    path = PAGES[name]
    if not (html_dir / path).is_file():
        pytest.skip(f"{path} is not in this build")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + path, wait_until="load")
    ex = Explorer(page, name)
    ex.errors = errors  # type: ignore[attr-defined]
    return ex


# ------------------------------------------------------------------------- chapter 2: toy


def check_toy(ex: Explorer) -> None:
    from backprop.widgets.toy import ToyExplorer

    v = ex.values()
    beta = [v[f"beta_{k}"] for k in range(4)]
    omega = [v[f"omega_{k}"] for k in range(4)]
    st = ex.state
    w = ToyExplorer(st["x"], st["y"], beta, omega, limit=st["limit"], ylim=st["ylim"])
    m = re.search(
        rf"= ({NUMBER}) over (\d+) points; the largest residual is \+?({NUMBER}) at x = ({NUMBER})\.",
        ex.summary(),
    )
    assert m, ex.summary()
    loss, n, resid, x = m.groups()
    assert shown_equal(loss, w.loss), (loss, w.loss, beta, omega)
    assert int(n) == len(st["x"])
    assert shown_equal(resid, w.residuals[w.worst]) and shown_equal(x, st["x"][w.worst])
    # The readouts next to the sliders show the sliders' values.
    for name, s in ex.sliders().items():
        out = s.locator("xpath=following-sibling::output").inner_text()
        assert shown_equal(out, v[name]), (name, out, v[name])


@pytest.fixture(scope="module")
def toy(context: Any, base_url: str, html_dir: Any) -> Explorer:
    return open_explorer(context, base_url, html_dir, "toy")


def test_toy_starts_with_the_python_numbers(toy: Explorer) -> None:
    assert len(toy.sliders()) == 8
    check_toy(toy)


@pytest.mark.parametrize("name", [f"{p}_{k}" for p in ("beta", "omega") for k in range(4)])
def test_toy_slider_by_keyboard_and_drag(toy: Explorer, name: str) -> None:
    before_value, before_text = toy.values()[name], toy.summary()
    toy.press(name, "ArrowRight")
    assert toy.values()[name] == pytest.approx(before_value + 0.05)
    check_toy(toy)
    toy.press(name, "ArrowLeft")
    assert toy.values()[name] == pytest.approx(before_value)
    assert toy.summary() == before_text
    toy.drag(name, 0.8 if before_value < 0.9 else 0.2)
    assert abs(toy.values()[name] - before_value) > 0.3
    assert toy.summary() != before_text
    check_toy(toy)
    assert not toy.errors  # type: ignore[attr-defined]


# -------------------------------------------------------------- chapter 3: graph stepper


def check_graph_step(ex: Explorer) -> int:
    """The current step's line against GraphExplorer.steps (ToyModel.backward); returns it."""
    from backprop.widgets.graph import GraphExplorer

    v = ex.values()
    w = GraphExplorer(
        [v[f"beta_{k}"] for k in range(4)], [v[f"omega_{k}"] for k in range(4)], v["x"], v["y"]
    )
    line = ex.summary()
    step = int(ex.root.locator(".bp-summary").get_attribute("data-step"))
    if step == 0:
        m = re.search(rf"ℓ = \(f₃ − y\)² = ({NUMBER})", line)
        assert m and shown_equal(m.group(1), w.loss), (line, w.loss)
        return 0
    s = w.steps[step - 1]
    m = re.search(rf"(∂ℓ/∂\S+) = (.+) × (∂ℓ/∂\S+) = ({NUMBER}) × ({NUMBER}) = ({NUMBER})", line)
    assert m, line
    name, local_name, upstream_name, local, upstream, value = m.groups()
    assert (name, local_name, upstream_name) == (s.name, s.local_name, s.upstream_name), line
    assert shown_equal(local, s.local) and shown_equal(upstream, s.upstream), (line, s)
    assert shown_equal(value, s.value), (line, s)
    # The red number under the node is the same gradient (3 decimals).
    red = ex.root.locator(f'.bp-node[data-key="{s.node}"] .bp-grad').text_content()
    assert shown_equal(red, s.value), (s.node, red, s.value)
    return step


@pytest.fixture(scope="module")
def graph(context: Any, base_url: str, html_dir: Any) -> Explorer:
    return open_explorer(context, base_url, html_dir, "graph")


def test_graph_steps_through_both_passes_by_keyboard(graph: Explorer) -> None:
    from backprop import ToyModel

    nxt = graph.root.get_by_role("button", name=re.compile("Next"))
    assert check_graph_step(graph) == 0
    nxt.focus()
    seen = []
    for k in range(1, 17):
        before = graph.frames()
        graph.page.keyboard.press("Enter")
        graph.wait_redraw(before)
        seen.append(check_graph_step(graph))
        if k == 8:
            assert "Backward pass #1, step 8 of 8" in graph.summary()
    assert seen == list(range(1, 17))
    assert "Backward pass #2, step 8 of 8" in graph.summary()
    # Every gradient of ToyModel.backward is on the graph now, in red.
    v = graph.values()
    model = ToyModel([v[f"beta_{k}"] for k in range(4)], [v[f"omega_{k}"] for k in range(4)])
    g = model.gradients(v["x"], v["y"])
    for k in range(4):
        for key, value in (
            (f"f{k}", g.dl_df[k]),
            (f"beta{k}", g.dl_dbeta[k]),
            (f"omega{k}", g.dl_domega[k]),
            ("x" if k == 0 else f"h{k}", g.dl_dh[k]),
        ):
            red = graph.root.locator(f'.bp-node[data-key="{key}"] .bp-grad').text_content()
            assert shown_equal(red, float(np.asarray(value).reshape(-1)[0])), (key, red)
    # Enter on Next at the last step changes nothing; the focus stays on the button.
    graph.page.keyboard.press("Enter")
    assert check_graph_step(graph) == 16
    assert graph.page.evaluate("document.activeElement.textContent").startswith("Next")


def test_graph_back_button_and_sliders(graph: Explorer) -> None:
    back = graph.root.get_by_role("button", name=re.compile("Back"))
    restart = graph.root.get_by_role("button", name=re.compile("Restart"))
    before = graph.frames()
    restart.click()
    graph.wait_redraw(before)
    assert check_graph_step(graph) == 0
    nxt = graph.root.get_by_role("button", name=re.compile("Next"))
    for _ in range(5):
        before = graph.frames()
        nxt.click()
        graph.wait_redraw(before)
    before = graph.frames()
    back.click()
    graph.wait_redraw(before)
    assert check_graph_step(graph) == 4
    # Every slider, by keyboard and by dragging, at this step: the numbers follow.
    for name in graph.sliders():
        text = graph.summary()
        graph.press(name, "ArrowRight")
        assert check_graph_step(graph) == 4
        graph.drag(name, 0.3)
        check_graph_step(graph)
        assert graph.summary() != text or name in ("beta_0", "beta_1", "beta_2", "beta_3")
    assert not graph.errors  # type: ignore[attr-defined]


# ------------------------------------------------- chapter 6: the network's graph stepper


def check_network_step(ex: Explorer) -> int:
    """The current step's line against network_steps (Network.backward); returns the step."""
    from backprop import Network
    from backprop.widgets.graph import network_steps

    v = ex.values()
    st = ex.state
    net = Network(st["weights"], st["biases"], st["activations"])
    steps = network_steps(net, [v["x_0"], v["x_1"]], [v["t_0"], v["t_1"]], st["loss_name"])
    line = ex.summary()
    step = int(ex.root.locator(".bp-summary").get_attribute("data-step"))
    if step == 0:
        m = re.search(rf"the loss is L = ({NUMBER})", line)
        X = np.array([[v["x_0"], v["x_1"]]])
        T = np.array([[v["t_0"], v["t_1"]]])
        assert m and shown_equal(m.group(1), net.loss(X, T, st["loss_name"])), line
        return 0
    s = steps[step - 1]
    if s.term is None:
        pat = rf"(\S+) = (.+) × (\S+) = ({NUMBER}) × ({NUMBER}) = ({NUMBER}) \("
        m = re.search(pat, line)
        assert m, line
        name, local_name, up_name, local, upstream, value = m.groups()
    else:
        pat = rf"(\S+) \+= (.+) × (\S+) = ({NUMBER}) × ({NUMBER}) = ({NUMBER}); so far \S+ = ({NUMBER})"
        m = re.search(pat, line)
        assert m, line
        name, local_name, up_name, local, upstream, term, value = m.groups()
        assert shown_equal(term, s.term), (line, s)
    assert (name, local_name, up_name) == (s.name, s.local_name, s.upstream_name), (line, s)
    assert shown_equal(local, s.local) and shown_equal(upstream, s.upstream), (line, s)
    assert shown_equal(value, s.value), (line, s)
    if s.pass_ == 1:
        red = ex.root.locator(f'.bp-node[data-key="{s.node}"] .bp-grad').text_content()
        assert shown_equal(red, s.value), (s.node, red, s.value)
    return step


@pytest.fixture(scope="module")
def netgraph(context: Any, base_url: str, html_dir: Any) -> Explorer:
    return open_explorer(context, base_url, html_dir, "netgraph")


def test_network_graph_steps_through_both_passes(netgraph: Explorer) -> None:
    assert set(netgraph.sliders()) == {"x_0", "x_1", "t_0", "t_1"}
    assert check_network_step(netgraph) == 0
    netgraph.root.get_by_role("button", name=re.compile("Next")).focus()
    seen = []
    for _ in range(30):
        before = netgraph.frames()
        netgraph.page.keyboard.press("Enter")
        netgraph.wait_redraw(before)
        seen.append(check_network_step(netgraph))
    assert seen == list(range(1, 31))
    assert "Backward pass #2, step 17 of 17" in netgraph.summary()
    # Back to a sum step; then every slider, by keyboard and by dragging.
    back = netgraph.root.get_by_role("button", name=re.compile("Back"))
    for _ in range(24):
        before = netgraph.frames()
        back.click()
        netgraph.wait_redraw(before)
    assert check_network_step(netgraph) == 6 and "so far" in netgraph.summary()
    for name in netgraph.sliders():
        netgraph.press(name, "ArrowRight")
        assert check_network_step(netgraph) == 6
        netgraph.drag(name, 0.3)
        check_network_step(netgraph)
    assert not netgraph.errors  # type: ignore[attr-defined]


# ---------------------------------------------------------------- chapter 5: descent


def check_descent(ex: Explorer) -> None:
    from backprop.widgets.descent import DescentExplorer

    v = ex.values()
    st = ex.state
    lr = v["lr"]
    w = DescentExplorer(
        st["x"],
        st["t"],
        [v["start_0"], v["start_1"]],
        lr,
        int(v["steps"]),
        st["xlim"],
        st["ylim"],
        st["lr_range"],
        st["labels"],
        st["minimum"] or None,
        st["n"],
    )
    line = ex.summary()
    m = re.search(
        rf"η = ({NUMBER}): the loss goes from ({NUMBER}) to ({NUMBER}) in (\d+) steps", line
    )
    assert m, line
    shown_lr, first, last, k = m.groups()
    assert math.isclose(num(shown_lr), float(f"{lr:.3g}"), rel_tol=1e-12), (shown_lr, lr)
    losses = w.losses
    assert int(k) == len(w.path) - 1, (line, len(w.path))
    assert shown_equal(first, losses[0]) and shown_equal(last, losses[-1]), (line, losses)
    assert ("diverges" in line) == w.diverged, line


@pytest.fixture(scope="module")
def descent(context: Any, base_url: str, html_dir: Any) -> Explorer:
    return open_explorer(context, base_url, html_dir, "descent")


def test_descent_starts_with_the_python_numbers(descent: Explorer) -> None:
    assert set(descent.sliders()) == {"lr", "start_0", "start_1", "steps"}
    check_descent(descent)
    # The contour lines are drawn (computed in the page from the loss grid).
    assert descent.root.locator("path.bp-contour").count() >= 5


@pytest.mark.parametrize("name", ["lr", "start_0", "start_1", "steps"])
def test_descent_slider_by_keyboard_and_drag(descent: Explorer, name: str) -> None:
    text = descent.summary()
    descent.press(name, "ArrowRight")
    check_descent(descent)
    assert descent.summary() != text or name == "steps"
    descent.drag(name, 0.9 if name == "lr" else 0.6)
    check_descent(descent)
    assert not descent.errors  # type: ignore[attr-defined]


def test_descent_large_rate_diverges_and_small_crawls(descent: Explorer) -> None:
    descent.drag("lr", 1.0)
    check_descent(descent)
    assert "diverges" in descent.summary()
    descent.drag("lr", 0.0)
    check_descent(descent)
    assert "diverges" not in descent.summary()


# ----------------------------------------------------------------- all: touch and labels


@pytest.mark.parametrize("name", list(PAGES))
def test_touch_moves_a_slider(context: Any, base_url: str, html_dir: Any, name: str) -> None:
    ex = open_explorer(context, base_url, html_dir, name)
    s = next(iter(ex.sliders().values()))
    s.scroll_into_view_if_needed()
    box = s.bounding_box()
    value, text = s.input_value(), ex.summary()
    before = ex.frames()
    ex.page.touchscreen.tap(box["x"] + box["width"] * 0.9, box["y"] + box["height"] / 2)
    ex.wait_redraw(before)
    assert s.input_value() != value and ex.summary() != text
    ex.page.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_every_control_has_a_visible_label(
    context: Any, base_url: str, html_dir: Any, name: str
) -> None:
    ex = open_explorer(context, base_url, html_dir, name)
    for s in ex.root.locator("input[type=range]").all():
        label = ex.root.locator(f'label[for="{s.get_attribute("id")}"]')
        assert label.count() == 1 and label.is_visible() and label.inner_text().strip()
    for b in ex.root.locator("button").all():
        assert b.is_visible() and b.inner_text().strip()
    live = ex.root.locator("[aria-live=polite]")
    assert live.count() == 1 and live.inner_text().strip()
    # Every control is reachable with Tab, in order.
    n = ex.root.locator("input, button").count()
    ex.root.locator("input, button").first.focus()
    reached = 1
    for _ in range(n - 1):
        ex.page.keyboard.press("Tab")
        if ex.root.evaluate("(r) => r.contains(document.activeElement)"):
            reached += 1
    assert reached == n
    ex.page.close()


def test_ids_are_unique_where_explorers_share_a_page(
    context: Any, base_url: str, html_dir: Any
) -> None:
    """Chapter 6 shows two explorers (two bundles, each with its own copy of ui.js): the ids
    their labels point at must still be unique on the page."""
    ex = open_explorer(context, base_url, html_dir, "netgraph")
    ex.page.wait_for_function("document.querySelectorAll('.bp-explorer').length >= 2")
    dups = ex.page.evaluate(
        """() => { const c = {}; for (const e of document.querySelectorAll('.bp-explorer [id]'))
             c[e.id] = (c[e.id] || 0) + 1; return Object.keys(c).filter((k) => c[k] > 1); }"""
    )
    assert dups == []
    ex.page.close()
