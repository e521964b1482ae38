"""The student edition: the filtered copy of the book it is built from, and the built
site, which has no solution and no answer anywhere: not in the pages, the widget state,
the search index or the downloadable notebooks.

The site is the ``site`` fixture (conftest.py): $BACKPROP_STUDENT_SITE, else a prebuilt
_build/student, else built once into a temporary folder, which takes minutes."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from backprop import exercises as E
from backprop.instructor.leaks import WORKED_IN_TEXT, find_leaks
from backprop.instructor.student_build import BANNER, prepare
from instructor_helpers import ROOT

from tools.toc import notebooks

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_prepare_copies_and_filters_the_book(tmp_path):
    removed = prepare(ROOT, tmp_path / "book")
    book = tmp_path / "book"
    # The chapters' worked solutions live in their exercise widgets (which this edition
    # saves without them), so no solution block is left in the sources to remove.
    assert removed == 0
    assert not (book / "_build").exists() and not (book / ".venv").exists()
    assert "student edition" in (book / "_config.yml").read_text()
    assert "binderhub_url" not in (book / "_config.yml").read_text()
    for nb_path in book.rglob("*.ipynb"):
        nb = nbformat.read(nb_path, as_version=4)
        for cell in nb.cells:
            assert "{solution" not in cell.source, nb_path
            assert not re.search(r"""glue\(\s*["']\w+_sol["']""", cell.source), nb_path
            assert not cell.get("outputs"), nb_path
    assert "student edition" in (book / "intro.md").read_text()


def _book_exercises():
    """(page, exercise key, has a widget) of every exercise in the book's notebooks."""
    found = []
    for path in notebooks():
        nb = nbformat.read(path, as_version=4)
        page = path.relative_to(ROOT).with_suffix("").as_posix()
        names = {}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            for var, key in re.findall(
                r"""(\w+)\s*=\s*bp\.exercises\.make\(\s*["']([^"']+)["']\s*\)""", cell.source
            ):
                names[var] = key
            for var in re.findall(r"^(\w+)\.widget\(\)", cell.source, re.M):
                found.append((page, names[var]))
    return found


def test_no_solution_and_no_answer_anywhere(site):
    leaks, seen = find_leaks(site)
    assert leaks == [], "\n".join(map(str, leaks))
    # The check looked at everything there is: every exercise's widget, every notebook.
    exercises = _book_exercises()
    assert exercises, "the book has exercises"
    assert seen["widgets"] >= len(exercises)
    assert seen["notebooks"] >= len(notebooks())


def test_every_exercise_widget_is_saved_without_its_answer(site):
    for page, key in _book_exercises():
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        states = re.findall(
            r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>',
            html,
            re.S,
        )
        models = [
            m["state"]
            for blob in states
            for m in json.loads(blob)["state"].values()
            if m.get("state", {}).get("key") == key
        ]
        assert models, (page, key)  # the widget is on the page ...
        for state in models:  # ... with no answer, but with its question's size and hints
            assert state["answer"] == [], (page, key)
            ex = E.make(key)
            assert state["size"] == ex.size and state["hints"] == list(ex.hints)


def test_the_pages_are_there_and_say_they_are_the_student_edition(site):
    for path in notebooks():
        page = site / path.relative_to(ROOT).with_suffix(".html")
        assert page.is_file(), page
        text = page.read_text(encoding="utf-8")
        assert "(student edition)" in text  # the title
        assert 'class="solution' not in text and "Solution to Exercise" not in text
    intro = (site / "intro.html").read_text(encoding="utf-8")
    assert "student edition" in intro and "checked in class" in intro
    assert "Solution to" not in (site / "searchindex.js").read_text(encoding="utf-8")
    assert BANNER.count(":::") == 2


def test_downloadable_notebooks_have_no_outputs_and_no_solutions(site):
    sources = sorted((site / "_sources").rglob("*.ipynb"))
    assert len(sources) >= len(notebooks())
    for path in sources:
        nb = nbformat.read(path, as_version=4)
        assert all(not c.get("outputs") for c in nb.cells), path
        text = path.read_text(encoding="utf-8")
        assert "{solution" not in text and '_sol\\"' not in text and "_sol'" not in text


def test_worked_in_text_lists_only_answers_the_text_really_works_out(site):
    # Each entry exempts an answer from the page-text search: it must still be needed.
    leaks, _ = find_leaks(site, worked_in_text=[])
    found = " | ".join(lk.what for lk in leaks)
    for key in WORKED_IN_TEXT:
        assert f"the answer of {key} " in found, (
            f"{key}'s answer is no longer in the text: remove it from WORKED_IN_TEXT"
        )
    # And nothing else leaks, with or without the exemptions.
    assert {lk.what.split(" ")[3] for lk in leaks} <= set(WORKED_IN_TEXT), found
