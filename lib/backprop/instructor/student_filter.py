"""Filtering the book's sources for the student edition: no solutions, no outputs.

:func:`strip_solutions` deletes the ``{solution}`` blocks of MyST text (colon,
backtick and tilde fences, nested fences, and sphinx-exercise's gated
``{solution-start}`` ... ``{solution-end}`` blocks); :func:`strip_glue` deletes
the ``glue(...)`` calls whose names only those blocks displayed;
:func:`filter_notebook` and :func:`filter_tree` apply both to notebooks (and
clear their stored outputs and widget state) and Markdown files.

Text that differs between the editions is written with Sphinx's ``only`` directive and
the tag :data:`STUDENT_TAG`: ``:::{only} not student_edition`` ... ``:::`` holds what
only the full edition says (the launch buttons, the worked solutions, the instructors'
page), ``:::{only} student_edition`` ... ``:::`` what the student edition says instead.
The full edition's build never sets the tag, so Sphinx shows the first and hides the
second; :func:`resolve_editions` (part of :func:`filter_notebook` and
:func:`filter_tree`) turns the copy's text into the student edition's own, so that its
sources (which the site publishes) say one thing too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import nbformat

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>:{3,}|`{3,}|~{3,})\{(?P<name>[A-Za-z0-9_:-]+)\}")
_CLOSE = re.compile(r"^[ \t]*(?P<fence>:{3,}|`{3,}|~{3,})[ \t]*$")
_PLAIN_OPEN = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")
_GLUE_REF = re.compile(r"\{glue(?::[a-z]+)?\}(?:`|[ \t]+)(?P<name>[A-Za-z0-9_.-]+)")


def strip_solutions(text: str) -> tuple[str, list[str]]:
    """``text`` without its ``{solution}`` blocks, and the glue names those blocks used.

    Handles MyST colon fences (``:::{solution} label`` ... ``:::``), backtick and
    tilde fences, nested fences inside a solution, and sphinx-exercise's gated
    blocks (``{solution-start}`` ... ``{solution-end}``, everything in between).
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    removed: list[str] = []
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if m is None or m["name"] not in ("solution", "solution-start"):
            out.append(lines[i])
            i += 1
            continue
        end = _block_end(lines, i)
        if m["name"] == "solution-start":
            # Gated: drop everything up to and including the {solution-end} block.
            j = end + 1
            while j < len(lines):
                g = _OPEN.match(lines[j])
                if g is not None and g["name"] == "solution-end":
                    end = _block_end(lines, j)
                    break
                j += 1
            else:
                raise ValueError(
                    f"a {{solution-start}} block (line {i + 1}) has no {{solution-end}}"
                )
        block = "".join(lines[i : end + 1])
        removed.extend(m2["name"] for m2 in _GLUE_REF.finditer(block))
        i = end + 1
        # Drop one blank line after the block so no double gap remains.
        if i < len(lines) and not lines[i].strip() and out and not out[-1].strip():
            i += 1
    return "".join(out), removed


def _block_end(lines: Sequence[str], start: int) -> int:
    """The index of the line that closes the fenced block opened at ``start``.

    Inside a directive (or a colon fence) fences nest; inside a plain code fence
    nothing does. A bare fence of the same kind, at least as long, closes.
    """
    m = _OPEN.match(lines[start])
    assert m is not None
    stack: list[tuple[str, bool]] = [(m["fence"], True)]
    for j in range(start + 1, len(lines)):
        fence, nests = stack[-1]
        c = _CLOSE.match(lines[j])
        if c is not None and c["fence"][0] == fence[0] and len(c["fence"]) >= len(fence):
            stack.pop()
            if not stack:
                return j
            continue
        if nests:
            o = _OPEN.match(lines[j])
            if o is not None:
                stack.append((o["fence"], True))
            elif (p := _PLAIN_OPEN.match(lines[j])) is not None:
                stack.append((p["fence"], False))
    raise ValueError(f"the block opened on line {start + 1} is never closed")


#: The tag of the student edition in ``{only}`` directives (see the module's docstring).
STUDENT_TAG = "student_edition"
_ONLY_ARG = re.compile(rf"^\s*(?P<neg>not\s+)?{STUDENT_TAG}\s*$")


def resolve_editions(text: str) -> str:
    """``text`` as the student edition has it.

    ``{only} student_edition`` blocks are replaced by their body and ``{only} not
    student_edition`` blocks are removed (any fence: colon, backtick, tilde); ``only``
    blocks with other expressions are left to Sphinx.
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        arg = _ONLY_ARG.match(lines[i][m.end() :]) if m is not None else None
        if m is None or m["name"] != "only" or arg is None:
            out.append(lines[i])
            i += 1
            continue
        end = _block_end(lines, i)
        if not arg["neg"]:
            out.append(resolve_editions("".join(lines[i + 1 : end])))
        i = end + 1
        # Drop one blank line after a removed block so no double gap remains.
        if arg["neg"] and i < len(lines) and not lines[i].strip() and out and not out[-1].strip():
            i += 1
    return "".join(out)


def strip_glue(source: str, names: Iterable[str]) -> str:
    """``source`` (a code cell) without the ``glue("name", ...)`` calls of ``names``."""
    names = set(names)
    if not names or "glue" not in source:
        return source
    lines = source.splitlines(keepends=True)
    drop: set[int] = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython syntax: fall back to one-line calls
        for n, line in enumerate(lines):
            m = re.match(r"""^\s*glue\(\s*["']([^"']+)["']""", line)
            if m and m[1] in names:
                drop.add(n)
    else:
        for node in tree.body:
            call = node.value if isinstance(node, ast.Expr) else None
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id == "glue"
                and call.args
                and isinstance(call.args[0], ast.Constant)
                and call.args[0].value in names
            ):
                drop.update(range(node.lineno - 1, (node.end_lineno or node.lineno)))
    return "".join(line for n, line in enumerate(lines) if n not in drop)


def _blocks(text: str) -> int:
    """How many solution blocks ``text`` opens."""
    return text.count("{solution}") + text.count("{solution-start}")


def filter_notebook(nb: nbformat.NotebookNode) -> int:
    """Strip solutions from ``nb`` in place and clear all outputs; returns blocks removed."""
    removed: list[str] = []
    count = 0
    for cell in nb.cells:
        if cell.cell_type in ("markdown", "raw"):
            cell.source = resolve_editions(cell.source)
            new, names = strip_solutions(cell.source)
            if new != cell.source:
                count += _blocks(cell.source)
            cell.source, removed = new, removed + names
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = strip_glue(cell.source, removed)
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    # Cells left empty by the filtering are dropped.
    nb.cells = [c for c in nb.cells if c.source.strip() or c.cell_type == "code" and c.outputs]
    nb.metadata.pop("widgets", None)
    return count


def filter_tree(root: Path) -> int:
    """Filter every notebook and Markdown file below ``root`` in place; returns blocks removed."""
    count = 0
    for path in sorted(root.rglob("*")):
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            count += filter_notebook(nb)
            nbformat.write(nb, path)
        elif path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
            new, _ = strip_solutions(resolve_editions(text))
            if new != text:
                count += _blocks(text)
                path.write_text(new, encoding="utf-8")
    return count
