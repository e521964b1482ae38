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
import yaml
from backprop import exercises as E
from backprop.instructor.cli import main
from backprop.instructor.leaks import WORKED_IN_TEXT, find_leaks
from backprop.instructor.student_build import (
    BANNER,
    STUDENT_OMITS,
    build,
    left_out_chapters,
    omit_pages,
    prepare,
    unlink_text,
)
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


#: What the student edition must not tell its readers: it has no launch (Binder, Colab)
#: or repository buttons, no worked solutions, no verdicts, and no instructors' page.
OFFERS_NOT = {
    "the launch buttons": re.compile(r"Binder|rocket icon|launch button", re.I),
    "a verdict": re.compile(r"press \*\*Check\*\*|whether it is right", re.I),
    "the worked solutions": re.compile(r"Show the solution|worked solution is", re.I),
    "the repository": re.compile(r"git clone|<this repository>", re.I),
    "the instructors' page": re.compile(r"\{doc\}`[^`]*instructors|instructors\.(md|html)"),
    "the other edition's text": re.compile(r"\{only\}\s*(not\s+)?student_edition"),
}


def _toc_pages(node):
    if isinstance(node, dict):
        if "file" in node:
            yield node["file"]
        for value in node.values():
            yield from _toc_pages(value)
    elif isinstance(node, list):
        for value in node:
            yield from _toc_pages(value)


def _page_texts(book):
    """(page, text a reader is shown) of every page of the book at ``book`` (_toc.yml's)."""
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    for page in [toc["root"], *_toc_pages(toc["parts"])]:
        path = next(book / (page + s) for s in (".md", ".ipynb") if (book / (page + s)).is_file())
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        else:
            text = path.read_text(encoding="utf-8")
        yield path.relative_to(book).as_posix(), text


def test_the_student_edition_says_only_what_it_offers(tmp_path):
    book = tmp_path / "book"
    prepare(ROOT, book)
    # No instructors' page: not its file, its _toc.yml entry or its caption.
    assert STUDENT_OMITS == ("instructors",)
    assert not (book / "instructors.md").exists()
    toc = (book / "_toc.yml").read_text(encoding="utf-8")
    assert "instructors" not in toc and "For instructors" not in toc
    parts = yaml.safe_load(toc)["parts"]
    assert [p["caption"] for p in parts] == ["Backpropagation", "Appendices"]
    assert all(p["chapters"] for p in parts)
    # No page promises a button, a verdict, a solution or a page this edition lacks ...
    said = [
        f"{page}: {what}: {m[0]!r}"
        for page, text in _page_texts(book)
        for what, pattern in OFFERS_NOT.items()
        for m in pattern.finditer(text)
    ]
    assert not said, "\n".join(said)
    # ... and the buttons are off indeed (the download button stays: the intro names it).
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    assert "binderhub_url" not in config["launch_buttons"]
    assert "colab_url" not in config["launch_buttons"]
    assert config["html"]["use_repository_button"] is False
    intro = (book / "intro.md").read_text(encoding="utf-8")
    assert "download icon" in intro and "checked in class" in intro


def test_the_full_edition_keeps_its_own_text():
    # The patterns above find what the full edition says: the test is not vacuous.
    intro = (ROOT / "intro.md").read_text(encoding="utf-8")
    for what in ("the launch buttons", "a verdict", "the worked solutions", "the repository"):
        assert OFFERS_NOT[what].search(intro), what
    assert (ROOT / "instructors.md").is_file() and "instructors" in (ROOT / "_toc.yml").read_text()


def test_a_link_to_a_left_out_page_is_an_error(tmp_path):
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n  - caption: Book\n    chapters:\n"
        "      - file: a\n  - caption: For teachers\n    chapters:\n      - file: t\n"
    )
    (tmp_path / "intro.md").write_text("# Intro\n\nSee {doc}`the teachers' page <t>`.\n")
    (tmp_path / "a.md").write_text("# A\n")
    (tmp_path / "t.md").write_text("# T\n")
    with pytest.raises(ValueError, match=r"intro\.md: \{doc\}`the teachers' page <t>`"):
        omit_pages(tmp_path, ["t"])
    (tmp_path / "intro.md").write_text("# Intro\n\nSee [a](a.md).\n")
    omit_pages(tmp_path, ["t"])
    assert not (tmp_path / "t.md").exists()
    toc = yaml.safe_load((tmp_path / "_toc.yml").read_text())
    assert toc["parts"] == [{"caption": "Book", "chapters": [{"file": "a"}]}]
    with pytest.raises(ValueError, match="root page"):
        omit_pages(tmp_path, ["intro"])


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
    # No instructors' page, and no page says what this edition does not offer.
    assert not (site / "instructors.html").exists()
    for page in [
        site / "intro.html",
        *(site / p.relative_to(ROOT).with_suffix(".html") for p in notebooks()),
    ]:
        html = page.read_text(encoding="utf-8")
        assert "instructors.html" not in html and "For instructors" not in html, page
        assert "btn-launch" not in html and "mybinder" not in html, page  # no buttons
        assert "btn-source-repository-button" not in html, page
        text = re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)
        said = [w for w, p in OFFERS_NOT.items() if p.search(text)]
        assert not said, (page, said)
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


def test_a_course_edition_keeps_its_chapters_and_title(tmp_path):
    book = tmp_path / "book"
    prepare(ROOT, book, title="ML 101: backprop", chapters=["1", "2", "5"])
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    assert config["title"] == "ML 101: backprop"
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    kept = list(_toc_pages(toc["parts"]))
    chapters = [p for p in kept if p.startswith("chapters/")]
    assert [p[:11] for p in chapters] == ["chapters/01", "chapters/02", "chapters/05"]
    assert [p for p in kept if p.startswith("appendices/")] == [
        "appendices/notation",
        "appendices/common_slips",
        "appendices/api",
    ]
    assert sorted(p.name[:2] for p in (book / "chapters").glob("*.ipynb")) == ["01", "02", "05"]
    # No link is left to a chapter this edition lacks; the text of each link stays.
    gone = re.compile(r"\{doc\}`[^`]*(0[346789]_)[^`]*`")
    for page, text in _page_texts(book):
        assert not gone.search(text), (page, gone.search(text)[0])
    full = (ROOT / "chapters" / "05_gradient_descent.ipynb").read_text(encoding="utf-8")
    assert "{doc}`Chapter 3 <03_backward_pass>`" in full  # the full edition links there ...
    ch5 = (book / "chapters" / "05_gradient_descent.ipynb").read_text(encoding="utf-8")
    assert "{doc}`Chapter 3 <03_backward_pass>`" not in ch5 and "Chapter 3" in ch5  # ... not this
    assert "{doc}`" in ch5 or "{doc}`" not in full  # links to kept pages stay links


def test_links_to_left_out_pages_become_their_text(tmp_path):
    titles = {"chapters/03_x": "Three"}
    omit = set(titles)
    page = "chapters/05_y"
    for text, want in (
        ("see {doc}`Chapter 3 <03_x>`.", "see Chapter 3."),
        ("see {doc}`03_x`.", "see Three."),
        ("see {doc}`/chapters/03_x` and {doc}`../chapters/03_x`", "see Three and Three"),
        ("see [ch. 3](03_x.ipynb#top).", "see ch. 3."),
        ("{doc}`Chapter 4 <04_z>` and [web](https://x.org/03_x)", None),
        ("![a figure](03_x.png)", None),
    ):
        assert unlink_text(text, page, omit, titles) == (text if want is None else want)
    # From the root page the same chapter is chapters/03_x.
    assert unlink_text("{doc}`chapters/03_x`", "intro", omit, titles) == "Three"


def test_unknown_chapters_and_empty_titles_are_refused(tmp_path, capsys):
    with pytest.raises(ValueError, match=r"no chapter '12' \(its chapters: 1, 2, .*9\)"):
        left_out_chapters(ROOT, ["1", "12"])
    for argv, message in (
        (["--chapters", "0"], "the book has no chapter '0'"),
        (["--title", " "], "the title is empty"),
    ):
        with pytest.raises(SystemExit):
            main(["student-edition", "--root", str(ROOT), "--out", str(tmp_path), *argv])
        assert message in capsys.readouterr().err
    assert not any(tmp_path.iterdir())  # nothing built


def test_a_course_edition_builds_strictly(tmp_path):
    """The one build of these tests (about 20 s: two chapters, the appendices): strict
    (-W -n), so a link left to a chapter the edition lacks would fail it."""
    out = tmp_path / "site"
    seen = build(ROOT, out, strict=True, title="ML 101", chapters=[1, 5])
    assert seen["files"] > 0
    assert sorted(p.name for p in (out / "chapters").glob("*.html")) == [
        "01_chain_rule.html",
        "05_gradient_descent.html",
    ]
    assert not (out / "instructors.html").exists()
    page = (out / "chapters" / "05_gradient_descent.html").read_text(encoding="utf-8")
    assert "<title>Gradient descent &#8212; ML 101</title>" in page
    # Links stay to the kept pages; none to a chapter left out.
    intro = (out / "intro.html").read_text(encoding="utf-8")
    assert 'href="chapters/01_chain_rule.html"' in intro
    assert not re.search(r'href="[^"]*0[2346789]_[a-z_]+\.html', intro)
