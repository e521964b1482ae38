"""Reading a submitted notebook: whose it is, and which cell answers which exercise.

Nothing here runs the student's code. Every function takes what a student may
have broken (a file that is not a notebook, metadata removed, cells deleted,
copied, moved or pasted in from another student's notebook) and says so in
words that go into the grade's reasons.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import nbformat

from .key import StudentKey, question_sha
from .variants import safe_name

#: A question cell as ``assign`` writes it; ``q`` is the question's text.
#: (The heading may carry the exercise's title: "## Exercise 1 (A composite function)".)
QUESTION = re.compile(r"^## Exercise \d+(?: \([^\n]*\))?\n\n(?P<q>.*?)\n\n\*Answer:\*", re.S)


def load_submission(path: Path) -> nbformat.NotebookNode:
    """The notebook at ``path``; ``ValueError`` saying why if it is not one."""
    return parse_submission(Path(path).read_bytes())


def parse_submission(data: bytes) -> nbformat.NotebookNode:
    """The notebook whose file holds ``data``; ``ValueError`` saying why if it is not one."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"not a notebook: not UTF-8 text ({e.reason})") from None
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"not a notebook: not valid JSON ({e.msg}, line {e.lineno})") from None
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as e:  # nbformat raises several kinds on malformed notebooks
        raise ValueError(f"not a notebook: {type(e).__name__}: {e}") from None
    if not isinstance(nb.get("cells"), list):
        raise ValueError("not a notebook: it has no list of cells")
    for i, cell in enumerate(nb.cells):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise ValueError(f"not a notebook: cell {i} is malformed")
        if not isinstance(cell.get("source", ""), str):
            raise ValueError(f"not a notebook: cell {i} has no text")
    return nb


def cell_meta(cell: dict[str, Any]) -> dict[str, Any]:
    """A cell's ``backprop`` metadata (empty if missing or not a mapping)."""
    meta = cell.get("metadata", {}).get("backprop", {})
    return meta if isinstance(meta, dict) else {}


#: The first line ``assign`` writes in each answer cell: found when an editor dropped
#: the cell's metadata (``n`` counts the exercises from 1).
ANSWER_MARKER = re.compile(r"^\s*#\s*Your answer to exercise (?P<n>\d+)\b", re.I)
#: The first line of the handout's last cell, "Check my answers' format".
CHECK_HEADER = "# Check my answers' format"
#: The answer line of an untouched answer cell.
HANDOUT_ANSWER = "answer = ...  # your answer here"
#: A question's heading, found the same way.
QUESTION_HEADING = re.compile(r"^\s*## Exercise (?P<n>\d+)\b")


def _numbered(pattern: re.Pattern[str], cell: dict[str, Any], keys: Sequence[str]) -> str | None:
    m = pattern.match(str(cell.get("source", "")))
    if m is None or not 1 <= int(m["n"]) <= len(keys):
        return None
    return keys[int(m["n"]) - 1]


def answer_cells(
    nb: nbformat.NotebookNode, keys: Sequence[str]
) -> tuple[dict[str, int], dict[str, str]]:
    """Which cell answers which exercise, and why some exercises have no usable cell.

    An answer cell is a code cell with metadata role "answer" or, when an editor
    dropped its metadata, one whose first line is the marker comment ``assign`` wrote
    (``# Your answer to exercise 2: ...``, ``keys`` in the order handed out). It must
    appear once and sit below its own question (after it, before the next exercise's
    question, found by metadata or by its heading ``## Exercise 2``).
    """
    found: dict[str, list[int]] = {k: [] for k in keys}
    section: dict[int, str | None] = {}
    questions: set[str | None] = set()
    current: str | None = None
    for i, cell in enumerate(nb.cells):
        meta = cell_meta(cell)
        kind = cell.get("cell_type")
        if meta.get("role") == "question":
            current = meta.get("key")
            questions.add(current)
        elif kind == "markdown" and not meta:
            heading = _numbered(QUESTION_HEADING, cell, keys)
            if heading is not None:
                current = heading
                questions.add(current)
        k = None
        if kind == "code" and meta.get("role") == "answer":
            k = meta.get("key")
        elif kind == "code" and not meta:
            k = _numbered(ANSWER_MARKER, cell, keys)
        if k in found:
            found[k].append(i)
            section[i] = current
    cells: dict[str, int] = {}
    problems: dict[str, str] = {}
    for k, where in found.items():
        if not where:
            problems[k] = "answer cell missing (deleted, or its metadata and first line removed)"
        elif len(where) > 1:
            problems[k] = f"{len(where)} answer cells for this exercise (cells copied?)"
        elif k in questions and section[where[0]] != k:
            problems[k] = "the answer cell is no longer below its question (cells moved)"
        else:
            cells[k] = where[0]
    return cells, problems


def foreign_questions(
    nb: nbformat.NotebookNode, sk: StudentKey, others: dict[str, StudentKey]
) -> dict[str, str]:
    """Exercises whose question cell holds another student's question: key -> that student."""
    theirs = {
        (it.key, it.question_sha): o.student_id
        for o in others.values()
        if o.student_id != sk.student_id
        for it in o.items
        if it.question_sha
    }
    own = {it.key: it.question_sha for it in sk.items}
    found: dict[str, str] = {}
    for cell in nb.cells:
        meta = cell_meta(cell)
        k = meta.get("key")
        m = QUESTION.match(str(cell.get("source", "")))
        if meta.get("role") != "question" or k not in own or m is None:
            continue
        sha = question_sha(m["q"])
        if sha != own[k] and (k, sha) in theirs:
            found[k] = theirs[(k, sha)]
    return found


def not_theirs(nb: nbformat.NotebookNode, sk: StudentKey) -> str:
    """Why ``nb`` is not ``sk``'s assignment notebook ("" if it is)."""
    meta = nb.metadata.get("backprop")
    if not isinstance(meta, dict):
        return "not an assignment notebook (its metadata is missing)"
    owner = str(meta.get("student_id", ""))
    if owner != sk.student_id:
        return f"this file is the variant of student {owner!r}, not of {sk.student_id!r}"
    if meta.get("fingerprint") != sk.fingerprint:
        return "the notebook's variant does not match the key (fingerprint differs)"
    return ""


#: A file name as Canvas (and similar systems) download it:
#: ``<name>[_LATE]_<user id>_<submission id>_<the student's file name>``, where the
#: student's file name may carry ``-1``, ``-2``... for a resubmission.
DOWNLOADED = re.compile(r"^[^_]+(?:_late)?_\d+_\d+_(?P<original>.+)$", re.I)


def attribute(path: Path, students: dict[str, StudentKey]) -> str | None:
    """Whose submission ``path`` is, from its name (as handed out, or as a learning-
    management system renamed it on download) or a parent folder's (nbgrader layout)."""
    by_name = {safe_name(sid).lower(): sid for sid in students}
    names = [path.stem]
    m = DOWNLOADED.match(path.stem)
    if m is not None:
        names += [m["original"], re.sub(r"-\d+$", "", m["original"])]
    for part in [*names, *(p.name for p in list(path.parents)[:3])]:
        if part in students:
            return part
        if part.lower() in by_name:
            return by_name[part.lower()]
    return None


def code_print(nb: nbformat.NotebookNode, handout: Collection[str] = ()) -> str:
    """A hash of the code a student wrote in ``nb`` (every code cell, blank lines, the
    handout's own lines, those of ``handout`` (its answer cells' starter code) and its check
    cell left out; "" if they wrote none): two students' notebooks with the same print hold
    the same code."""
    given = {line.strip() for text in handout for line in text.splitlines()}
    lines = []
    for cell in nb.cells:
        source = str(cell.get("source", ""))
        if cell.get("cell_type") != "code" or source.startswith(CHECK_HEADER):
            continue
        for line in source.splitlines():
            line = line.strip()
            if (
                line
                and not ANSWER_MARKER.match(line)
                and line != HANDOUT_ANSWER
                and line not in given
            ):
                lines.append(line)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest() if lines else ""


def whose(
    path: Path, students: dict[str, StudentKey], nb: nbformat.NotebookNode | None = None
) -> tuple[str | None, nbformat.NotebookNode | None]:
    """Whose submission ``path`` is (``None`` if nobody's in ``students``), and the notebook
    if it had to be read to tell: by :func:`attribute`, else by the id inside the file
    (``nb``, if it was read already)."""
    sid = attribute(path, students)
    if sid is not None:
        return sid, nb
    try:
        nb = load_submission(path) if nb is None else nb
        meta = nb.metadata.get("backprop", {})
        owner = meta.get("student_id") if isinstance(meta, dict) else None
    except Exception:
        return None, None
    return (owner if owner in students else None), nb
