"""The reader notebooks in a real JupyterLab 4 and Notebook 7, as a student on Binder uses
them: open a chapter, Run All, read the page.

For every chapter: the markdown renders with no MyST left (no glue roles, no directive
fences, no raw roles), the math is typeset, every cell runs without an error, every widget
renders, and each exercise box says "Correct" for the right answer
(``backprop.exercises.make(key).answer_text`` typed in, or for a listing its wrong line
clicked; a code exercise shows its starter code). The same for one chapter in Notebook 7.
The browser talks to the local server only.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import nbformat
import pytest
from backprop import exercises

from tools.reader_notebooks import toc_notebooks

CHAPTERS = [doc for doc in toc_notebooks() if doc.startswith("chapters/")]
RAW_MYST = re.compile(
    r"\{glue|:::\{|```\{|\{(doc|ref|numref|eq|math|note|exercise|solution)\}|\x00"
)
HOST = "127.0.0.1"
# The notebook on show (JupyterLab keeps other tabs in the DOM, hidden).
NB = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
INDICATOR = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator"
RUN_TIMEOUT = 120  # seconds for one chapter's Run All

STATE = r"""(NB) => {
  const cells = [...document.querySelectorAll(NB + ' .jp-Cell')];
  const prompts = cells.filter(c => c.classList.contains('jp-CodeCell'))
    .map(c => (c.querySelector('.jp-InputPrompt')?.textContent || '').trim());
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const indicator = panel?.querySelector('.jp-Notebook-ExecutionIndicator');
  const errors = [...document.querySelectorAll(
      NB + ' .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map(e => e.innerText.slice(-600));
  return {cells: cells.length, prompts, errors,
          idle: !indicator || indicator.dataset.status === 'idle'};
}"""

READ = r"""(NB) => {
  const cells = [...document.querySelectorAll(NB + ' .jp-Cell')];
  return cells.map(c => ({
    kind: c.classList.contains('jp-MarkdownCell') ? 'markdown' : 'code',
    rendered: !!c.querySelector('.jp-RenderedMarkdown'),
    text: c.classList.contains('jp-MarkdownCell')
      ? (c.querySelector('.jp-RenderedMarkdown')?.innerText || '') : '',
    math: c.querySelectorAll('mjx-container').length,
    details: c.querySelectorAll('details').length,
    errors: [...c.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
      .map(e => e.innerText).filter(t => /Error|Traceback/.test(t)),
    widgets: [...c.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]')]
      .map(w => ({text: w.innerText, height: w.getBoundingClientRect().height})),
    exercises: c.querySelectorAll('.bp-exercise').length,
  }));
}"""


@pytest.fixture(scope="module")
def context(browser: Any, jupyter: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.foreign: list[str] = []  # type: ignore[attr-defined]

    def route(r: Any) -> None:
        if r.request.url.startswith(f"http://{HOST}:"):
            r.continue_()
        else:
            ctx.foreign.append(r.request.url)  # type: ignore[attr-defined]
            r.abort()

    ctx.route("**/*", route)
    yield ctx
    ctx.close()


def _exercise_cells(nb: nbformat.NotebookNode) -> dict[int, str]:
    """cell index -> exercise key, for the cells that show an exercise widget."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    made = dict(re.findall(r"(\w+)\s*=\s*bp\.exercises\.make\(\s*\"([^\"]+)\"", code))
    out = {}
    for i, cell in enumerate(nb.cells):
        m = (
            re.fullmatch(r"\s*(\w+)\.widget\(\)\s*", cell.source)
            if cell.cell_type == "code"
            else None
        )
        if m and m.group(1) in made:
            out[i] = made[m.group(1)]
    return out


def _api(jupyter: Any, path: str, method: str = "GET") -> Any:
    request = urllib.request.Request(
        f"{jupyter.url}api/{path}",
        method=method,
        headers={"Authorization": f"token {jupyter.token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        body = r.read()
    return json.loads(body) if body else None


def end_sessions(jupyter: Any) -> None:
    for session in _api(jupyter, "sessions"):
        _api(jupyter, f"sessions/{session['id']}", "DELETE")


def wait_kernel_connected(page: Any, jupyter: Any, path: str, timeout: float = 60) -> None:
    """Until the server says the notebook's kernel is idle and has a connection.

    (Waits with the page's timer: the request router runs in this thread.)"""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sessions = _api(jupyter, "sessions")
        kernels = [s["kernel"] for s in sessions if s.get("path") == path]
        if (
            kernels
            and kernels[0].get("execution_state") == "idle"
            and kernels[0].get("connections", 0) > 0
        ):
            return
        page.wait_for_timeout(300)
    pytest.fail(f"{path}: the kernel did not start and connect in {timeout} s")


def click_run_all(page: Any) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()


def run_all(page: Any, jupyter: Any, url_path: str, nb: nbformat.NotebookNode) -> None:
    """Open the notebook, Run All from the menu, wait until every code cell has run."""
    page.goto(jupyter.page_url(url_path) + "&reset", wait_until="domcontentloaded")
    page.wait_for_selector(f"{NB} .jp-Cell", timeout=60_000)
    n_cells = len(nb.cells)
    # Cells with their input collapsed show no prompt: count the others.
    n_code = sum(
        c.cell_type == "code" and not c.metadata.get("jupyter", {}).get("source_hidden")
        for c in nb.cells
    )
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length === n",
        arg=[f"{NB} .jp-Cell", n_cells],
        timeout=30_000,
    )
    # The kernel first: started, connected to this page and idle.
    page.wait_for_selector(f"{INDICATOR}[data-status='idle']", timeout=60_000)
    wait_kernel_connected(page, jupyter, url_path.split("/", 1)[1].removeprefix("tree/"))
    # Clear the stored outputs first (prompts back to [ ]), so what is checked below is
    # what this run shows.
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Edit$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Clear Outputs of All Cells$")).click()
    page.wait_for_function(
        "sel => ![...document.querySelectorAll(sel)].some(p => /\\d/.test(p.textContent))",
        arg=f"{NB} .jp-CodeCell .jp-InputPrompt",
        timeout=10_000,
    )
    click_run_all(page)
    deadline = time.monotonic() + RUN_TIMEOUT
    stalled, retried = time.monotonic(), False
    while True:
        state = page.evaluate(STATE, NB)
        done = [p for p in state["prompts"] if re.fullmatch(r"\[\d+\]:", p)]
        if len(done) == n_code and "[*]:" not in state["prompts"]:
            break
        if "[*]:" not in state["prompts"] and state["idle"] and time.monotonic() > stalled + 3:
            if not done and not retried:  # the click came before the kernel took requests
                retried = True
                click_run_all(page)
                stalled = time.monotonic()
                continue
            pytest.fail(f"{url_path}: Run All stopped: {state['errors'] or state['prompts']}")
        if "[*]:" in state["prompts"] or not state["idle"]:
            stalled = time.monotonic()
        if time.monotonic() > deadline:
            pytest.fail(
                f"{url_path}: Run All did not finish in {RUN_TIMEOUT} s: prompts {state['prompts']}"
            )
        page.wait_for_timeout(250)
    page.wait_for_selector(f"{INDICATOR}[data-status='idle']", timeout=30_000)
    page.wait_for_timeout(500)  # late renders: MathJax, widget views


def check_page(page: Any, doc: str, nb: nbformat.NotebookNode) -> list[dict[str, Any]]:
    cells = page.evaluate(READ, NB)
    assert [c["kind"] for c in cells] == [c.cell_type for c in nb.cells], f"{doc}: cells differ"
    for i, cell in enumerate(cells):
        if cell["kind"] == "markdown":
            assert cell["rendered"], f"{doc} cell {i}: markdown not rendered"
            assert not RAW_MYST.search(cell["text"]), (
                f"{doc} cell {i}: raw MyST: {cell['text'][:300]!r}"
            )
            assert "$$" not in cell["text"] and "\\begin{" not in cell["text"], (
                f"{doc} cell {i}: math not typeset: {cell['text'][:300]!r}"
            )
        assert not cell["errors"], f"{doc} cell {i}: {cell['errors']}"
        for w in cell["widgets"]:
            assert w["height"] > 0, f"{doc} cell {i}: a widget has no size"
            assert (
                "Error displaying widget" not in w["text"] and "Loading widget" not in w["text"]
            ), f"{doc} cell {i}: {w['text'][:200]!r}"
    assert sum(c["math"] for c in cells) > 0, f"{doc}: no math typeset"
    return cells


def question_words(question: str) -> str:
    """A few plain words of an exercise's question (no math, no markup): the widget shows them."""
    prose = re.split(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|[*_\\\[\]()|]", question, flags=re.S)
    longest = max((" ".join(p.split()).strip(" .,;:") for p in prose), key=len)
    return " ".join(longest.split()[:5])


def try_exercises(
    page: Any, doc: str, nb: nbformat.NotebookNode, cells: list[dict[str, Any]]
) -> int:
    found = _exercise_cells(nb)
    assert found, f"{doc}: no exercise widget found"
    for i, key in found.items():
        assert cells[i]["exercises"] == 1, f"{doc} cell {i}: the exercise {key} did not render"
        box = page.locator(f"{NB} .jp-Cell").nth(i).locator(".bp-exercise")
        exercise = exercises.make(key)
        words = question_words(exercise.question)
        assert words in re.sub(r"\s+", " ", box.inner_text()), (
            f"{doc}: {key} does not show its question"
        )
        if exercise.kind == "code":  # no box: the task, and the cells that run its check
            assert exercise.function in box.locator("pre.bp-code-template").inner_text(), key
            continue
        if exercise.kind == "bug":  # a click on the wrong line
            box.locator(f'button.bp-bug-line[data-line="{exercise.bug}"]').click()
        else:
            box.locator("input.bp-exercise-input").fill(exercise.answer_text)
            box.locator("button.bp-exercise-check").click()
        feedback = box.locator(".bp-exercise-feedback")
        feedback.filter(has_text=re.compile(r"\S")).wait_for(timeout=10_000)
        assert "Correct" in feedback.inner_text(), f"{doc}: {key}: {feedback.inner_text()!r}"
    return len(found)


def complete_code_exercise(page: Any, nb: nbformat.NotebookNode) -> str:
    """As a student does: replace the first code exercise's starter code with a working
    function (the exercise's reference, pasted in), run it and the check under it; return
    what the check shows."""
    made = {}
    for cell in nb.cells:
        made.update(re.findall(r"bp\.exercises\.check_code\(\s*\"([^\"]+)\",\s*(\w+)", cell.source))
    key, function = next(iter(made.items()))
    ex = exercises.make(key)
    [i] = [
        j
        for j, c in enumerate(nb.cells)
        if c.cell_type == "code" and c.source.lstrip().startswith(f"def {function}(")
    ]
    cell = page.locator(f"{NB} .jp-Cell").nth(i)
    editor = cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(ex.reference.rstrip())
    page.keyboard.press("Shift+Enter")  # runs the function's cell, selects the check's
    check = page.locator(f"{NB} .jp-Cell").nth(i + 1)
    assert function in check.inner_text() and "check_code" in check.inner_text()
    page.keyboard.press("Shift+Enter")
    report = check.locator(".bp-code-report")
    report.filter(has_text="passed").wait_for(timeout=20_000)
    return report.inner_text()


@pytest.mark.parametrize("doc", CHAPTERS, ids=[d.split("/")[-1] for d in CHAPTERS])
def test_chapter_in_jupyterlab(context: Any, jupyter: Any, doc: str) -> None:
    nb = nbformat.read(jupyter.root / f"{doc}.ipynb", as_version=4)
    page = context.new_page()
    try:
        run_all(page, jupyter, f"lab/tree/{doc}.ipynb", nb)
        cells = check_page(page, doc, nb)
        try_exercises(page, doc, nb, cells)
        if doc == CHAPTERS[2]:  # a code exercise, completed and checked in the kernel
            shown = complete_code_exercise(page, nb)
            assert re.search(r"All \d+ tests passed\.", shown), shown
    finally:
        page.close()
        end_sessions(jupyter)  # one kernel at a time on the shared server
    assert context.foreign == [], f"requests off this machine: {context.foreign}"


def test_chapter_in_notebook7(context: Any, jupyter: Any) -> None:
    doc = CHAPTERS[0]
    nb = nbformat.read(jupyter.root / f"{doc}.ipynb", as_version=4)
    page = context.new_page()
    try:
        run_all(page, jupyter, f"notebooks/{doc}.ipynb", nb)
        cells = check_page(page, doc, nb)
        try_exercises(page, doc, nb, cells)
    finally:
        page.close()
        end_sessions(jupyter)  # one kernel at a time on the shared server
    assert context.foreign == [], f"requests off this machine: {context.foreign}"
