"""The chapters' exercises: each is a numbered exercise on the website (sphinx-exercise's
gated ``exercise-start`` ... ``exercise-end`` around one widget cell) whose widget shows the
title, the question and the solution itself, in every host. The title lives in the bank
(``Exercise.title``) and the directive repeats it: they must agree. No question is glued
into the page any more (the widget shows it), so none shows twice."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from backprop import exercises as E

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").glob("0*.ipynb"))
START = re.compile(r"\A:::\{exercise-start\} (?P<title>.+)\n:label: (?P<label>\S+)\n:::\Z")
MAKE = re.compile(r'(?P<var>ex\d+) = bp\.exercises\.make\("(?P<key>[^"]+)"\)')


def exercises_of(path: Path) -> list[dict]:
    nb = nbformat.read(path, as_version=4)
    cells, found = nb.cells, []
    made = {}
    for i, cell in enumerate(cells):
        if cell.cell_type == "code":
            made.update({m["var"]: m["key"] for m in MAKE.finditer(cell.source)})
        m = START.match(cell.source) if cell.cell_type == "markdown" else None
        if m is None:
            continue
        widget, end = cells[i + 1], cells[i + 2]
        call = re.search(r"(ex\d+)\.widget\(\)\s*\Z", widget.source)
        if widget.cell_type == "code":
            made.update({m2["var"]: m2["key"] for m2 in MAKE.finditer(widget.source)})
        found.append(
            {
                "title": m["title"],
                "label": m["label"],
                "widget": widget,
                "key": made.get(call[1]) if call else None,
                "end": end.cell_type == "markdown" and end.source == ":::{exercise-end}\n:::",
            }
        )
    return found


ALL = {p.name: exercises_of(p) for p in CHAPTERS}


def test_every_exercise_of_the_bank_is_in_exactly_one_chapter():
    keys = [ex["key"] for exs in ALL.values() for ex in exs]
    assert sorted(keys) == E.keys()


@pytest.mark.parametrize("name", sorted(ALL))
def test_each_exercise_is_a_gated_directive_around_its_widget(name):
    assert ALL[name], f"{name} has no exercise"
    for ex in ALL[name]:
        assert ex["key"] is not None, f"{name}: {ex['label']} is not followed by a widget cell"
        assert ex["end"], f"{name}: {ex['label']} has no exercise-end after its widget"
        assert ex["label"] == "ex-" + ex["key"].replace(".", "-")
        assert ex["title"] == E.make(ex["key"]).title, f"{name}: {ex['key']}'s title"
        assert "remove-input" in ex["widget"].metadata.get("tags", [])


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_question_or_solution_is_glued_into_the_page(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert not re.search(r"\{glue:md\}\s+\w+_(q|sol)\b", text)
    assert not re.search(r"glue\(\s*\"\w+_(q|sol)\"", text)
    assert "{solution}" not in text and "{exercise}" not in text


@pytest.mark.parametrize("name", sorted(ALL))
def test_the_stored_fallback_says_run_the_cell_and_gives_the_question(name):
    for ex in ALL[name]:
        [out] = [o for o in ex["widget"].outputs if o.get("output_type") == "execute_result"]
        text = out["data"]["text/plain"]
        made = E.make(ex["key"])
        assert text.startswith(f"Exercise: {made.title}. Run this cell to show the answer box.")
        assert made.question in text
