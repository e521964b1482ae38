"""The handouts show every question as the book's widget does: headed "Exercise N (title)",
the whole question (Markdown and $ math, which Jupyter renders), then what to type; and the
grader still reads the question back from such a cell (and from an older one, untitled)."""

from __future__ import annotations

from backprop import exercises as E
from backprop.instructor.assign import student_notebook
from backprop.instructor.key import question_sha
from backprop.instructor.submission import QUESTION
from backprop.instructor.variants import Student


def test_each_question_cell_is_titled_and_holds_the_whole_question():
    variants = [E.make(k, 7) for k in ("ch01.composite", "ch02.layer", "ch09.softmax-loss")]
    nb = student_notebook(Student("ada"), variants)
    cells = [c for c in nb.cells if c.metadata.get("backprop", {}).get("role") == "question"]
    assert len(cells) == len(variants)
    for i, (cell, ex) in enumerate(zip(cells, variants, strict=True), start=1):
        assert cell.source.startswith(f"## Exercise {i} ({ex.title})\n\n{ex.question}\n\n")
        m = QUESTION.match(cell.source)
        assert m is not None and question_sha(m["q"]) == question_sha(ex.question)


def test_an_untitled_cell_of_an_older_handout_still_reads():
    ex = E.make("ch05.steepest", 2)
    m = QUESTION.match(f"## Exercise 3\n\n{ex.question}\n\n*Answer:* {ex.prompt} (2 numbers)")
    assert m is not None and m["q"] == ex.question
