"""A chapter's visible code is the computation its prose explains and its self-checks; the
plumbing that feeds the prose (``glue`` calls, display formatting, LaTeX strings) sits in
cells tagged ``remove-input``, whose output the page shows without their code."""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from tools.colab_cells import CHAPTERS, ROOT, first_code_cell

#: The notebooks of the book: the chapters and the notebook appendices.
NOTEBOOKS = [*CHAPTERS, *sorted((ROOT / "appendices").glob("*.ipynb"))]
HIDDEN = {"remove-input", "remove-cell"}
#: Longest code line of a visible cell: what a phone shows without scrolling sideways.
MAX_LINE = 88


def _ids(paths):
    return [p.relative_to(ROOT).with_suffix("").as_posix() for p in paths]


def _visible_code(nb):
    """(index, cell) of the code cells whose input a reader sees, but the Colab cell."""
    colab = first_code_cell(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or cell is colab:
            continue
        if HIDDEN & set(cell.metadata.get("tags", [])):
            continue
        yield i, cell


def calls_glue(source: str) -> bool:
    """Whether ``source`` calls ``glue(...)`` (any form: ``glue``, ``myst_nb.glue``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython syntax (magics): read the text
        return re.search(r"\bglue\s*\(", source) is not None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if (isinstance(f, ast.Name) and f.id == "glue") or (
                isinstance(f, ast.Attribute) and f.attr == "glue"
            ):
                return True
    return False


def test_calls_glue_sees_every_form():
    assert calls_glue('glue("x", 1, display=False)')
    assert calls_glue('for k in range(2):\n    glue(f"x{k}", k, display=False)')
    assert calls_glue('import myst_nb\nmyst_nb.glue("x", 1)')
    assert calls_glue('%pip install x\nglue("x", 1)')
    assert not calls_glue("x = 1  # glue(...) is in the next cell")
    assert not calls_glue('text = "glue("')


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 9 and any("common_slips" in p.name for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_no_visible_code_cell_calls_glue(path):
    nb = nbformat.read(path, as_version=4)
    visible = [i for i, cell in _visible_code(nb) if calls_glue(cell.source)]
    assert not visible, (
        f"{path.name}: code cells {visible} call glue() where the reader sees it; move the "
        "glue calls (and the formatting they need) to the next cell, tagged remove-input"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_visible_code_fits_a_phone(path):
    nb = nbformat.read(path, as_version=4)
    long = [
        (i, line)
        for i, cell in _visible_code(nb)
        if "bp.exercises.make(" not in cell.source  # the exercise cells, collapsed
        for line in cell.source.splitlines()
        if len(line) > MAX_LINE
    ]
    assert not long, f"{path.name}: lines over {MAX_LINE} characters: {long}"
