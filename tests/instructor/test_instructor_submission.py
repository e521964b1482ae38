"""Reading a submitted notebook without running it: is it a notebook, whose is it, which
cell answers which exercise."""

from __future__ import annotations

import nbformat
import pytest
from backprop.instructor.submission import (
    answer_cells,
    attribute,
    foreign_questions,
    load_submission,
    not_theirs,
    whose,
)
from instructor_helpers import answer_cell


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe not text", "not UTF-8 text"),
        (b"this is not JSON {", "not valid JSON"),
        (b'{"cells": "none"}', "not a notebook"),
        (
            b'{"cells": [{"cell_type": "widget"}], "metadata": {}, "nbformat": 4, '
            b'"nbformat_minor": 5}',
            "not a notebook",
        ),
    ],
)
def test_load_submission_says_why_a_file_is_not_a_notebook(tmp_path, data, message):
    path = tmp_path / "x.ipynb"
    path.write_bytes(data)
    with pytest.raises(ValueError, match=message):
        load_submission(path)


def test_answer_cells_finds_deleted_copied_and_moved_cells(course):
    tmp, keys, key = course
    nb = nbformat.read(tmp / "hw" / "handout" / "bo.ipynb", as_version=4)
    a, b, c, d = keys[:4]
    assert answer_cells(nb, keys) == ({k: nb.cells.index(answer_cell(nb, k)) for k in keys}, {})
    nb.cells.remove(answer_cell(nb, a))
    nb.cells.append(nbformat.from_dict(dict(answer_cell(nb, b))))  # copied to the end
    cc, dd = answer_cell(nb, c), answer_cell(nb, d)
    ic, id_ = nb.cells.index(cc), nb.cells.index(dd)
    nb.cells[ic], nb.cells[id_] = dd, cc  # moved under each other's question
    cells, problems = answer_cells(nb, keys)
    assert set(cells) == set(keys[4:])
    assert problems[a].startswith("answer cell missing")
    assert problems[b].startswith("2 answer cells")
    assert "no longer below its question" in problems[c] and problems[c] == problems[d]


def test_whose_notebook_it_is(course, tmp_path):
    tmp, keys, key = course
    nb = nbformat.read(tmp / "hw" / "handout" / "ada.l.ipynb", as_version=4)
    assert not_theirs(nb, key["ada.l"]) == ""
    assert "variant of student 'ada.l', not of 'bo'" in not_theirs(nb, key["bo"])
    nb.metadata["backprop"]["student_id"] = "bo"
    assert "fingerprint differs" in not_theirs(nb, key["bo"])
    del nb.metadata["backprop"]
    assert "metadata is missing" in not_theirs(nb, key["bo"])
    # By name, by a folder's name (nbgrader), else by the id inside.
    assert attribute(tmp_path / "ADA.L.ipynb", key) == "ada.l"
    assert attribute(tmp_path / "submitted" / "cy-3" / "hw" / "x.ipynb", key) == "cy-3"
    renamed = tmp_path / "homework.ipynb"
    renamed.write_bytes((tmp / "hw" / "handout" / "bo.ipynb").read_bytes())
    assert attribute(renamed, key) is None
    sid, read = whose(renamed, key)
    assert sid == "bo" and read.metadata["backprop"]["student_id"] == "bo"
    (tmp_path / "junk.ipynb").write_text("{")
    assert whose(tmp_path / "junk.ipynb", key) == (None, None)


def test_foreign_questions_are_recognised(course):
    tmp, keys, key = course
    nb = nbformat.read(tmp / "hw" / "handout" / "ada.l.ipynb", as_version=4)
    assert foreign_questions(nb, key["ada.l"], key) == {}
    assert foreign_questions(nb, key["cy-3"], key) == {k: "ada.l" for k in keys}


def test_answer_cells_without_metadata_are_found_by_their_marker(course):
    """Editors that drop cell metadata (or a student who retyped the cell) keep the
    first line: the marker comment and the question's heading find the cells."""
    tmp, keys, key = course
    nb = nbformat.read(tmp / "hw" / "handout" / "bo.ipynb", as_version=4)
    where = {k: nb.cells.index(answer_cell(nb, k)) for k in keys}
    for cell in nb.cells:
        cell.metadata = {}
    assert answer_cells(nb, keys) == (where, {})
    # Without the marker too, the cell is missing; under another heading, moved.
    first, second = nb.cells[where[keys[0]]], nb.cells[where[keys[1]]]
    first.source = "answer = 1"
    second.source = second.source.replace("exercise 2", "exercise 3")
    cells, problems = answer_cells(nb, keys)
    assert problems[keys[0]].startswith("answer cell missing")
    assert problems[keys[2]].startswith("2 answer cells")
    assert keys[1] not in cells and keys[1] in problems
