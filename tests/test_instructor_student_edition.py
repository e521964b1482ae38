"""The student edition of the website has no solution and no answer anywhere: not in
the pages, the widget state, the search index or the downloadable notebooks.

Uses the site in $BACKPROP_STUDENT_SITE, else a prebuilt _build/student (``make
book-student`` runs first in ``make test``), else builds it once into a temporary
folder, which takes minutes."""

from __future__ import annotations

import fcntl
import json
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest
from backprop import exercises as E
from backprop.instructor.student_edition import BANNER, WORKED_IN_TEXT, build, find_leaks

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))
from toc import notebooks  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    given = os.environ.get("BACKPROP_STUDENT_SITE")
    if given:
        return Path(given)
    prebuilt = ROOT / "_build" / "student"
    if (prebuilt / "index.html").is_file():
        return prebuilt
    # Built once even when pytest-xdist runs these tests in several workers: they share
    # the parent of their temporary folders, and a lock makes the others wait.
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "student-site"
    shared.mkdir(exist_ok=True)
    out = shared / "html"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "index.html").is_file():
            # Not strict: this test is about answers; `make book` checks the warnings.
            build(ROOT, out, strict=False)
    return out


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
