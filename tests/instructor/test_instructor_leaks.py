"""The leak check must find leaks: each kind in a small made-up site, and none in a clean one;
short answers and what a question shows are not leaks."""

from __future__ import annotations

import nbformat
import pytest
from backprop import exercises as E
from backprop.instructor.leaks import find_leaks
from instructor_helpers import fake_site, widget_html


def test_find_leaks_passes_a_clean_site(tmp_path):
    ex = E.make("ch05.steepest")
    site = fake_site(tmp_path, f"<p>{ex.question}</p>" + widget_html([]))
    leaks, seen = find_leaks(site, ["ch05.steepest"])
    assert leaks == [] and seen["widgets"] == 1 and seen["files"] == 1


@pytest.mark.parametrize(
    "make_html",
    [
        lambda ex: widget_html(list(ex.answer), ex.key),
        lambda ex: f"<div>{ex.solution}</div>",
        lambda ex: f"<p>The answer is {ex.answer_text}.</p>",
        lambda ex: '<div class="solution dropdown admonition">…</div>',
        lambda ex: "Search.setIndex({'alltitles': {'Solution to Exercise 1': []}})",
    ],
    ids=["widget-state", "solution-text", "answer", "solution-block", "search-index"],
)
def test_find_leaks_finds_each_kind_of_leak(tmp_path, make_html):
    # An answer with digits enough to search for: (0.11419519938459449, 2.1698460195562856).
    ex = E.make("ch09.softmax-loss")
    leaks, _ = find_leaks(fake_site(tmp_path, make_html(ex)), [ex.key])
    assert leaks, make_html(ex)


def test_find_leaks_skips_short_answers_and_what_the_question_shows(tmp_path):
    # "-0.6, 0.8" could be on any page; the question's own numbers are shown on purpose.
    ex = E.make("ch05.steepest")
    site = fake_site(tmp_path, f"<p>{ex.answer_text}</p><p>{ex.question}</p>")
    assert find_leaks(site, [ex.key])[0] == []
    # An exercise the text works out: its number is allowed in the text, not in a widget.
    ex = E.make("ch01.composite")
    site = fake_site(tmp_path / "b", f"<p>{ex.answer[0]!r}</p>")
    assert find_leaks(site, [ex.key], worked_in_text=[ex.key])[0] == []
    assert find_leaks(site, [ex.key], worked_in_text=[])[0]
    (site / "chapters" / "page.html").write_text(widget_html(list(ex.answer), ex.key))
    assert find_leaks(site, [ex.key], worked_in_text=[ex.key])[0]


def test_find_leaks_finds_a_rounded_answer_on_the_exercises_own_page(tmp_path):
    ex = E.make("ch07.cost")  # 134 forward passes
    page = widget_html([], ex.key) + "<p>The gradient takes <b>134</b> forward passes.</p>"
    site = fake_site(tmp_path, page)
    [leak] = find_leaks(site, [ex.key], worked_in_text=[])[0]
    assert "the answer of ch07.cost (134) is in the page's text" in leak.what
    assert find_leaks(site, [ex.key], worked_in_text=[ex.key])[0] == []
    # On a page without that exercise the number may be anything.
    other = fake_site(tmp_path / "other", "<p>134 forward passes</p>")
    assert find_leaks(other, [ex.key], worked_in_text=[])[0] == []
    # Rounded decimals too: ch09.softmax-loss is (0.1142, 2.170) to 4 digits.
    ex = E.make("ch09.softmax-loss")
    site = fake_site(tmp_path / "c", widget_html([], ex.key) + "<p>p = 0.1142</p>")
    assert find_leaks(site, [ex.key], worked_in_text=[])[0]


def test_find_leaks_reads_notebooks(tmp_path):
    ex = E.make("ch05.steepest")
    site = fake_site(tmp_path, "")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('glue("ch05_steepest_sol", Markdown(ex.solution))')
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": ex.solution})]
    nb.cells = [cell]
    nbformat.write(nb, site / "chapters" / "page.ipynb")
    leaks, seen = find_leaks(site, ["ch05.steepest"])
    whats = " | ".join(lk.what for lk in leaks)
    assert seen["notebooks"] == 1
    assert "glued solution" in whats and "stored outputs" in whats and "solution of" in whats


def _state_html(ex: E.Exercise, student: bool) -> str:
    """The saved state of ``ex``'s answer box as the book (or student) edition writes it."""
    import json

    state = {"key": ex.key, "kind": ex.kind, "answer": [], "spec": ex.spec(student)}
    blob = {"state": {"m1": {"model_name": "AnyModel", "state": state}}}
    return (
        '<script type="application/vnd.jupyter.widget-state+json">' + json.dumps(blob) + "</script>"
    )


@pytest.mark.parametrize("kind", ["formula", "bug", "code"])
def test_the_new_kinds_leak_through_their_widget_state_only_in_the_book_edition(tmp_path, kind):
    ex = next(E.make(k) for k in E.keys() if E.make(k).kind == kind)
    clean = fake_site(tmp_path / "student", f"<p>{ex.question}</p>" + _state_html(ex, True))
    assert find_leaks(clean, [ex.key])[0] == []
    if kind != "code":  # a code exercise's state holds only the task: nothing to give away
        book = fake_site(tmp_path / "book", _state_html(ex, False))
        whats = [leak.what for leak in find_leaks(book, [ex.key])[0]]
        assert any(f"the widget of {ex.key} carries" in w for w in whats), whats


def test_a_formula_answer_or_a_line_of_reference_code_in_a_page_is_a_leak(tmp_path):
    formula = next(E.make(k) for k in E.keys() if E.make(k).kind == "formula")
    site = fake_site(tmp_path / "f", f"<p>So the answer is {formula.formula}.</p>")
    assert find_leaks(site, [formula.key])[0]
    code = next(E.make(k) for k in E.keys() if E.make(k).kind == "code")
    given = {line.strip() for line in code.template.splitlines()}
    own = next(
        line
        for line in code.reference.splitlines()
        if len(line.strip()) >= 20 and line.strip() not in given
    )
    site = fake_site(tmp_path / "c", f"<pre>{own}</pre>")
    assert find_leaks(site, [code.key])[0]
    # The starter code is on the page on purpose.
    site = fake_site(tmp_path / "t", f"<pre>{code.template}</pre><p>{code.question}</p>")
    assert find_leaks(site, [code.key])[0] == []


def test_widget_state_holding_escaped_html_is_read_not_skipped(tmp_path):
    """A saved state whose strings hold HTML entities (a solution's code block writes quotes
    as &quot;) is JSON as it stands: unescaping it first would break it, and a state the check
    cannot read must be reported, never skipped."""
    import json

    ex = E.make("ch05.steepest")
    state = {
        "key": ex.key,
        "answer": list(ex.answer),
        "solution_html": "<code>f(&quot;x&quot;)</code>",
    }
    blob = json.dumps({"state": {"m1": {"model_name": "AnyModel", "state": state}}})
    page = f'<script type="application/vnd.jupyter.widget-state+json">{blob}</script>'
    leaks, seen = find_leaks(fake_site(tmp_path / "a", page), [ex.key])
    assert seen["widgets"] == 1 and any("carries its answer" in leak.what for leak in leaks)
    broken = '<script type="application/vnd.jupyter.widget-state+json">{"state": </script>'
    leaks, _ = find_leaks(fake_site(tmp_path / "b", broken), [ex.key])
    assert [leak.what for leak in leaks] == [
        "widget state that cannot be read (so it cannot be checked)"
    ]
