"""Helpers of the browser tests (conftest.py has the fixtures): where the site is, what a
visit records (PageReport), and the scripts run in the pages."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from backprop.exercises import check_answer, check_bug
from backprop.exercises.formula import Variable, check_formula

from tools.toc import _files

ROOT = Path(__file__).resolve().parents[2]

HTML = Path(os.environ.get("BOOK_HTML", ROOT / "_build" / "html")).resolve()
SCREENSHOTS = HTML.parent / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CI = os.environ.get("CI", "").lower() == "true"
HOST = "127.0.0.1"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

_SKIPPED: list[str] = []


def toc_pages() -> list[str]:
    """Every page of _toc.yml as its html path, in reading order."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [f"{f}.html" for f in _files(toc)]


PAGES = toc_pages()
CHAPTERS = [p for p in PAGES if p.startswith("chapters/")]


def _missing(reason: str) -> None:
    """Skip loudly, or fail under CI."""
    banner = f"BROWSER TESTS NOT RUN: {reason}"
    if CI:
        pytest.fail(banner + " (CI=true, so this is a failure)")
    if banner not in _SKIPPED:
        _SKIPPED.append(banner)
    pytest.skip(banner)


# ---------------------------------------------------------------- visiting a page


@dataclass
class PageReport:
    path: str
    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    math: dict[str, Any] = field(default_factory=dict)
    widgets: list[dict[str, Any]] = field(default_factory=list)
    images_without_alt: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    axe: list[dict[str, Any]] = field(default_factory=list)
    exercises: list[dict[str, Any]] = field(default_factory=list)
    phone: dict[str, Any] = field(default_factory=dict)
    screenshot: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)


class Recorder:
    """Listens to a browser context: console errors, failed and off-site requests."""

    def __init__(self, context: Any, base_url: str, report: PageReport) -> None:
        self.base = urlsplit(base_url)
        self.report = report
        context.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc != self.base.netloc:
            self.report.foreign_requests.append(url)
            route.abort()
        else:
            route.continue_()

    def attach(self, page: Any, label: str = "") -> None:
        def on_console(msg: Any) -> None:
            if msg.type == "error":
                loc = msg.location or {}
                self.report.console_errors.append(
                    f"{label}console.error: {msg.text} ({loc.get('url', '')}:{loc.get('lineNumber', '')})"
                )

        def on_pageerror(err: Any) -> None:
            self.report.console_errors.append(f"{label}uncaught: {err}")

        def on_failed(req: Any) -> None:
            if urlsplit(req.url).netloc == self.base.netloc:  # off-site ones are aborted above
                self.report.failed_requests.append(f"{label}{req.url}: {req.failure}")

        def on_response(resp: Any) -> None:
            if resp.status >= 400:
                self.report.failed_requests.append(f"{label}{resp.url}: HTTP {resp.status}")

        page.on("console", on_console)
        page.on("pageerror", on_pageerror)
        page.on("requestfailed", on_failed)
        page.on("response", on_response)


def widget_state(page: Any) -> dict[str, Any]:
    """The page's saved widget state: model id -> model (as myst-nb wrote it)."""
    texts = page.eval_on_selector_all(
        'script[type="application/vnd.jupyter.widget-state+json"]',
        "els => els.map(e => e.textContent)",
    )
    models: dict[str, Any] = {}
    for text in texts:
        models.update(json.loads(text)["state"])
    return models


def widget_views(page: Any) -> list[str]:
    return [
        json.loads(t)["model_id"]
        for t in page.eval_on_selector_all(
            'script[type="application/vnd.jupyter.widget-view+json"]',
            "els => els.map(e => e.textContent)",
        )
    ]


def is_exercise(model: dict[str, Any]) -> bool:
    return model.get("model_module") == "anywidget" and "answer" in model.get("state", {})


WAIT_MATH = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  return true;
}"""

# Every widget view has been replaced by a rendered widget (anywidget ones render later).
WAIT_WIDGETS = """(n) => {
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
  let ok = 0;
  for (const v of views) {
    const s = v.previousElementSibling;
    if (s && s.classList.contains('widget-subarea') && s.firstElementChild) ok += 1;
  }
  return ok === views.length && document.querySelectorAll('.bp-exercise').length >= n;
}"""


def wait_ready(page: Any, n_exercises: int) -> None:
    page.evaluate(WAIT_MATH)
    try:
        page.wait_for_function(WAIT_WIDGETS, arg=n_exercises, timeout=20_000)
    except Exception as exc:  # noqa: BLE001 - re-raised with the page's state
        raise AssertionError(f"widgets did not render within 20 s: {exc}") from exc
    page.evaluate(WAIT_MATH)
    # Let MathJax typeset what the widgets added (their labels) and fonts settle.
    page.evaluate("() => document.fonts ? document.fonts.ready.then(() => true) : true")
    page.wait_for_timeout(200)


def collect(page: Any, report: PageReport) -> None:
    """Math, images, links, ids, widgets and axe-core's findings of a loaded page."""
    dom = page.evaluate(COLLECT_DOM)
    report.math = dom["math"]
    report.images_without_alt = dom["images_without_alt"]
    report.links = dom["links"]
    report.ids = set(dom["ids"])
    report.widgets = widget_check(page, widget_state(page), widget_views(page))
    if not AXE.is_file():
        report.axe = [{"id": "axe-core missing", "help": f"{AXE} not found: run npm ci"}]
    else:
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            """async () => {
              const r = await axe.run(document, {resultTypes: ['violations']});
              return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' +
                  (n.failureSummary || '').replace(/\\s+/g, ' '))}));
            }"""
        )
        report.axe = result


# Give every rendered widget's subarea the id of the model it shows.
MARK_SUBAREAS = """() => {
  for (const t of document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]')) {
    const s = t.previousElementSibling;
    if (s && s.classList.contains('widget-subarea')) s.dataset.bpModel = JSON.parse(t.textContent).model_id;
  }
}"""

# What each kind of widget shows when it rendered: the control element a reader uses.
VIEW_SELECTORS = {
    "IntSliderView": ".widget-slider .noUi-handle",
    "FloatSliderView": ".widget-slider .noUi-handle",
    "FloatLogSliderView": ".widget-slider .noUi-handle",
    "IntRangeSliderView": ".widget-slider .noUi-handle",
    "FloatRangeSliderView": ".widget-slider .noUi-handle",
    "DropdownView": ".widget-dropdown select",
    "SelectView": ".widget-select select",
    "RadioButtonsView": ".widget-radio input[type=radio]",
    "ToggleButtonsView": ".widget-toggle-buttons button",
    "ToggleButtonView": "button.widget-toggle-button",
    "ButtonView": "button.widget-button",
    "CheckboxView": ".widget-checkbox input[type=checkbox]",
    "IntTextView": ".widget-text input",
    "FloatTextView": ".widget-text input",
    "BoundedIntTextView": ".widget-text input",
    "BoundedFloatTextView": ".widget-text input",
    "TextView": ".widget-text input",
    "ImageView": "img.widget-image",
    "HTMLView": ".widget-html",
    "HTMLMathView": ".widget-htmlmath",
    "LabelView": ".widget-label",
    "ProgressView": ".widget-hprogress .progress-bar, .widget-vprogress .progress-bar",
    "OutputView": ".widget-output",
    "BoxView": ".widget-box",
    "HBoxView": ".widget-hbox",
    "VBoxView": ".widget-vbox",
    "GridBoxView": ".widget-gridbox",
    "TabView": ".widget-tab",
    "AccordionView": ".widget-accordion",
    # The exercise answer box (anywidget): input, Check and Hint; or a live explorer
    # (anywidget, lib/backprop/widgets/js/): its section with at least one control.
    "AnyView": ".bp-exercise input.bp-exercise-input + button.bp-exercise-check, "
    ".bp-exercise button.bp-bug-line, .bp-exercise pre.bp-code-template, "
    ".bp-explorer:has(input, button)",
}


def _leaves(models: dict[str, Any], model_id: str, seen: set[str]) -> list[tuple[str, str]]:
    """(model id, view name) of the model and every model it contains."""
    if model_id in seen or model_id not in models:
        return []
    seen.add(model_id)
    model = models[model_id]
    view = model.get("state", {}).get("_view_name")
    out = [(model_id, view)] if view else []
    for child in model.get("state", {}).get("children", []) or []:
        if isinstance(child, str) and child.startswith("IPY_MODEL_"):
            out += _leaves(models, child[len("IPY_MODEL_") :], seen)
    return out


def widget_check(page: Any, models: dict[str, Any], views: list[str]) -> list[dict[str, Any]]:
    """For each widget view on the page: did the manager render it, with its controls?"""
    page.evaluate(MARK_SUBAREAS)
    results = []
    for model_id in views:
        problems = []
        if model_id not in models:
            problems.append("its model is not in the page's saved widget state")
        sub = page.locator(f'.widget-subarea[data-bp-model="{model_id}"]')
        if sub.count() != 1:
            problems.append("the widget manager did not render it (no widget-subarea)")
            results.append({"model_id": model_id, "problems": problems, "views": []})
            continue
        counts: dict[str, int] = {}
        for _, view in _leaves(models, model_id, set()):
            counts[view] = counts.get(view, 0) + 1
        for view, n in counts.items():
            selector = VIEW_SELECTORS.get(view)
            if selector is None:
                problems.append(f"no check for widget view {view!r}: add it to VIEW_SELECTORS")
                continue
            found = sub.locator(selector).count()
            if found < n:
                problems.append(f"{view}: {n} in the state, {found} rendered ({selector})")
        results.append({"model_id": model_id, "problems": problems, "views": sorted(counts)})
    return results


def _wrong(answer: list[float]) -> str:
    # Far from the answer and from its negative (which would get 'check the sign').
    return ", ".join(repr(a + 2 * max(1.0, abs(a)) + 0.5) for a in answer)


def _feedback(box: Any) -> dict[str, str]:
    fb = box.locator(".bp-exercise-feedback")
    return {"verdict": fb.get_attribute("data-verdict") or "", "message": fb.inner_text()}


# What a reader sees of an exercise's question: its text and its math (MathML elements,
# native, or inside MathJax's output if the page's MathJax took them over).
READ_QUESTION = """(box) => {
  const q = box.querySelector('.bp-exercise-question');
  const title = box.querySelector('.bp-exercise-title');
  return {
    text: q ? q.innerText : '',
    math: q ? q.querySelectorAll('math').length : 0,
    visible_math: q ? Array.from(q.querySelectorAll('math'))
      .filter(m => m.getBoundingClientRect().width > 0).length : 0,
    title: title ? title.textContent : null,
    title_shown: title ? title.getClientRects().length > 0 : false,
    in_numbered_box: !!box.closest('div.exercise'),
  };
}"""

READ_SOLUTION = """(box) => {
  const d = box.querySelector('details.bp-exercise-solution');
  if (!d) return null;
  const body = d.querySelector('.bp-exercise-solution-body');
  const closed = !d.open && !body.checkVisibility();
  return {closed, summary: d.querySelector('summary').textContent};
}"""

OPENED_SOLUTION = """(box) => {
  const d = box.querySelector('details.bp-exercise-solution');
  const body = d.querySelector('.bp-exercise-solution-body');
  return {
    open: d.open,
    shown: body.checkVisibility() && body.getBoundingClientRect().height > 0,
    text: body.innerText,
    math: Array.from(body.querySelectorAll('math'))
      .filter(m => m.getBoundingClientRect().width > 0).length,
  };
}"""


def _open_solution(box: Any, state: dict[str, Any]) -> dict[str, Any] | None:
    """Open the exercise's solution as a reader would (a click on its summary), if it has one."""
    before = box.evaluate(READ_SOLUTION)
    if before is None:
        return None
    box.locator("details.bp-exercise-solution > summary").click()
    after = box.evaluate(OPENED_SOLUTION)
    expected = str(state.get("solution_html", "")).count("<math")
    return {**before, **after, "expected_math": expected}


def _python_verdict(state: dict[str, Any], text: str) -> dict[str, str] | None:
    """What the Python side says of ``text`` for the widget whose saved state is ``state``
    (None in the student edition, whose state carries no answer)."""
    kind, spec = state.get("kind", "number"), state.get("spec") or {}
    if kind == "bug":
        if not spec.get("bug"):
            return None
        notes = {int(k): v for k, v in spec.get("notes", {}).items()}
        fb = check_bug(text, spec["bug"], len(spec["listing"]), notes)
    elif kind == "formula":
        if not spec.get("formula"):
            return None
        variables = [Variable.from_json(v) for v in spec["variables"]]
        fb = check_formula(text, spec["formula"], variables, state["rtol"], state["atol"])
    else:
        answer = [float(a) for a in state["answer"]]
        if not answer:
            return None
        fb = check_answer(text, answer, float(state["rtol"]), float(state["atol"]))
    return {"verdict": fb.verdict, "message": fb.message}


def _tries(state: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind of try, input) for an exercise: right, wrong and nonsense, per kind."""
    kind, spec = state.get("kind", "number"), state.get("spec") or {}
    if kind == "bug":
        lines = len(spec.get("listing", []))
        bug = int(spec.get("bug") or 1)
        return [("right", str(bug)), ("wrong", str(bug % lines + 1))]
    if kind == "formula":
        f = spec.get("formula") or "x"
        return [
            ("right", f),
            ("factor", f"2*({f})"),
            ("wrong", f"({f}) + 1"),
            ("nonsense", "(banana"),
        ]
    answer = [float(a) for a in state["answer"]]
    if not answer:
        return [("right", "1")]
    return [
        ("right", ", ".join(repr(a) for a in answer)),
        ("wrong", _wrong(answer)),
        ("nonsense", ", ".join(["banana"] * len(answer))),
    ]


def try_exercises(page: Any, models: dict[str, Any], views: list[str]) -> list[dict[str, Any]]:
    """Give every exercise a right, a wrong and a nonsense answer as a reader would (type
    and press Enter or click Check; for a listing, click a line); read the verdicts.

    Each result carries what the Python side says about the same input.
    """
    page.evaluate(MARK_SUBAREAS)
    out = []
    for model_id in views:
        model = models.get(model_id, {})
        state = model.get("state", {})
        if not (model.get("model_module") == "anywidget" and "answer" in state):
            continue
        box = page.locator(f'.widget-subarea[data-bp-model="{model_id}"] .bp-exercise')
        kind, spec = state.get("kind", "number"), state.get("spec") or {}
        answer = [float(a) for a in state["answer"]]
        entry: dict[str, Any] = {
            "key": state.get("key", model_id),
            "kind": kind,
            "answer": answer,
            # The book edition's state carries the answer (code: the worked solution).
            "has_answer": bool(
                answer
                or spec.get("bug")
                or spec.get("formula")
                or (kind == "code" and state.get("solution_html"))
            ),
            "tries": [],
        }
        entry["question"] = box.evaluate(READ_QUESTION)
        entry["question"]["expected_math"] = str(state.get("question_html", "")).count("<math")
        entry["solution"] = _open_solution(box, state)
        if kind == "code":
            entry["code"] = {
                "template": box.locator("pre.bp-code-template").inner_text(),
                "how": box.locator(".bp-code-how").inner_text(),
                "tests": box.locator(".bp-code-tests li").all_inner_texts(),
            }
        for try_kind, text in [] if kind == "code" else _tries(state):
            if kind == "bug":
                box.locator(f'button.bp-bug-line[data-line="{text}"]').click()
            else:
                field = box.locator("input.bp-exercise-input")
                field.fill(text)
                if try_kind == "right":
                    field.press("Enter")  # a reader presses Enter ...
                else:
                    box.locator("button.bp-exercise-check").click()  # ... or clicks Check
            got = _feedback(box)
            if kind == "formula":
                preview = box.locator(".bp-formula-preview")
                got["preview"] = preview.get_attribute("data-state") or ""
                got["preview_math"] = preview.locator("math").count()
            entry["tries"].append(
                {"kind": try_kind, "input": text, **got, "python": _python_verdict(state, text)}
            )
        hints = list(state.get("hints", []))
        if hints:
            box.locator("button.bp-exercise-hint").click()
            entry["first_hint_shown"] = box.locator(".bp-exercise-hints li").all_inner_texts()
            entry["first_hint"] = hints[0]
        out.append(entry)
    return out


COLLECT_DOM = r"""() => {
  const skip = 'pre, code, script, style, textarea, mjx-container, mjx-assistive-mml';
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const p = node.parentElement;
    if (!p || p.closest(skip) || !p.getClientRects().length) continue;
    if (getComputedStyle(p).visibility === 'hidden') continue;
    parts.push(node.textContent);
  }
  const text = parts.join(' ');
  const raw = [];
  const res = [/\$\$/g, /\\(frac|dfrac|sum|partial|mathbf|mathrm|cdot|sigma|delta|nabla|left|right|begin|end|quad|top|odot|times)(?![a-zA-Z])/g];
  for (const re of res) {
    let m;
    while ((m = re.exec(text))) raw.push(text.slice(Math.max(0, m.index - 40), m.index + 40));
  }
  const maths = Array.from(document.querySelectorAll('.math'));
  return {
    math: {
      elements: maths.length,
      containers: document.querySelectorAll('mjx-container').length,
      untypeset: maths.filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 80)),
      raw: raw.slice(0, 10),
    },
    images_without_alt: Array.from(document.images)
      .filter(i => !(i.getAttribute('alt') || '').trim())
      .map(i => i.outerHTML.slice(0, 160)),
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id)
      .concat(Array.from(document.querySelectorAll('a[name]')).map(a => a.name)),
  };
}"""


PHONE_OVERFLOW = r"""() => {
  const W = document.documentElement.clientWidth;
  window.scrollTo(10000, window.scrollY);
  const scrolled = window.scrollX;
  window.scrollTo(0, window.scrollY);
  const offenders = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= W + 1) continue;
    let p = e.parentElement, clipped = false;
    while (p && p !== document.body) {
      const o = getComputedStyle(p).overflowX;
      if (o !== 'visible' && p.getBoundingClientRect().right <= W + 1) { clipped = true; break; }
      p = p.parentElement;
    }
    if (clipped || getComputedStyle(e).position === 'fixed') continue;
    const cls = (typeof e.className === 'string' ? e.className : '').trim().split(/\s+/).slice(0, 3).join('.');
    offenders.push(`${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${cls ? '.' + cls : ''} right=${Math.round(r.right)}`);
  }
  return {clientWidth: W, scrollWidth: document.documentElement.scrollWidth, scrollX: scrolled,
          offenders: offenders.slice(0, 12)};
}"""


def phone_overflow(page: Any) -> dict[str, Any]:
    return page.evaluate(PHONE_OVERFLOW)


def redraw(page: Any, root: Any, act: Any, timeout: int = 10_000) -> None:
    """Do ``act()`` and wait until the explorer ``root`` has drawn another frame (its
    ``data-frames`` counter, which every explorer's front end raises after a redraw)."""
    before = int(root.get_attribute("data-frames") or 0)
    act()
    page.wait_for_function(
        "([el, n]) => Number(el.dataset.frames) > n",
        arg=[root.element_handle(), before],
        timeout=timeout,
    )
