"""Grades for a learning-management system to import: ``grade --format``.

The grades file of :mod:`.results` (one mark per exercise: the share earned, 0 to 1,
with partial credit :math:`j/k` for :math:`j` of :math:`k` numbers right) is what
``grade`` and ``merge`` keep; an export is written beside it, with ``points`` per
exercise (default 1; an exercise earns its mark times its points), rounded to 2
decimals, in the layout each system imports:

- ``canvas``: Canvas's gradebook columns ``Student``, ``ID``, ``SIS User ID``,
  ``SIS Login ID``, ``Section``, then one column for the assignment, after a
  ``Points Possible`` row, as Canvas exports and imports them;
- ``moodle``: ``First name``, ``Surname``, ``ID number``, ``Email address``, the
  assignment and ``Feedback`` (the reasons), for Moodle's CSV grade import (match on
  ID number or email address);
- ``gradescope``: ``Name``, ``SID``, ``Email``, ``Total Score``, Gradescope's roster
  columns (it matches students by email) and the score;
- ``plain``: the student id, name, points per exercise, total, maximum and reasons,
  written UTF-8 with a byte-order mark, so spreadsheets open it with its accents.

The student columns come from the roster the students were assigned from
(:func:`~.variants.read_roster` keeps each row), when it is given; else the id is put
where each system looks for a login (Canvas's SIS Login ID, Moodle's ID number,
Gradescope's SID).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from .results import Result
from .variants import Student

# The columns, checked against each system's documentation:
# - Canvas's gradebook import takes the student columns of its own export (name, Canvas
#   ID or SIS User ID, SIS Login ID, Section) and one column per assignment, a new name
#   creating an assignment: https://teaching.resources.osu.edu/toolsets/carmencanvas/
#   guides/calculating-final-grades/import-csv-file-carmen-grades
# - Moodle imports the layout of its CSV export; the columns are mapped at the import
#   (ID number -> useridnumber or Email address -> useremail), and feedback is imported
#   with its grade, which it overwrites: https://docs.moodle.org/311/en/Grade_import
# - Gradescope's roster needs a name (Name, or first and last) and a unique email, the
#   SID optional: https://guides.gradescope.com/hc/en-us/articles/21926598776333
FORMATS = ("canvas", "moodle", "gradescope", "plain")
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_COLUMNS = ("First name", "Surname", "ID number", "Email address")
GRADESCOPE_COLUMNS = ("Name", "SID", "Email", "Total Score")


def parse_points(specs: Sequence[str], exercises: Sequence[str]) -> dict[str, float]:
    """Points per exercise from ``specs``: a number (every exercise) or ``KEY=NUMBER``
    (one exercise, over the number); 1 for the others. ``ValueError`` for an unknown key
    or a number that is not one."""
    points = dict.fromkeys(exercises, 1.0)
    default: float | None = None
    each: dict[str, float] = {}
    for spec in specs:
        key, sep, number = spec.rpartition("=")
        try:
            value = float(number)
        except ValueError:
            raise ValueError(f"--points: {spec!r} is not NUMBER or KEY=NUMBER") from None
        if value < 0:
            raise ValueError(f"--points: {spec!r}: points cannot be negative")
        if not sep:
            default = value
        elif key not in points:
            raise ValueError(f"--points: {key!r} is not an exercise of this assignment")
        else:
            each[key] = value
    if default is not None:
        points = dict.fromkeys(exercises, default)
    return {**points, **each}


def _number(x: float) -> str:
    """Points as the exports write them: rounded to 2 decimals (partial credit of an
    answer of 3 numbers, 2 right: 0.67), no trailing zeros."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def write_export(
    results: Sequence[Result],
    path: str | Path,
    fmt: str,
    points: dict[str, float],
    assignment: str,
    roster: Sequence[Student] = (),
) -> Path:
    """Write the students' rows of ``results`` in the layout ``fmt`` (one of
    :data:`FORMATS`) to ``path``; returns ``path``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    rows = {s.student_id: dict(s.row) for s in roster}
    students = [r for r in results if r.student_id]
    exercises = list(points)
    most = sum(points.values())

    def score(r: Result) -> float:
        return sum(points.get(k, 1.0) * m for k, m in r.marks.items())

    path = Path(path)
    encoding = "utf-8-sig" if fmt == "plain" else "utf-8"
    with path.open("w", newline="", encoding=encoding) as f:
        w = csv.writer(f)
        if fmt == "canvas":
            w.writerow([*CANVAS_COLUMNS, assignment])
            w.writerow(["    Points Possible", "", "", "", "", _number(most)])
            for r in students:
                row = rows.get(r.student_id, {})
                login = row.get("sis login id", r.student_id)
                w.writerow(
                    [
                        row.get("student", r.name),
                        row.get("id", ""),
                        row.get("sis user id", ""),
                        login,
                        row.get("section", ""),
                        _number(score(r)),
                    ]
                )
        elif fmt == "moodle":
            w.writerow([*MOODLE_COLUMNS, assignment, "Feedback"])
            for r in students:
                row = rows.get(r.student_id, {})
                first, _, last = r.name.partition(" ")
                w.writerow(
                    [
                        row.get("first name", first),
                        row.get("surname", row.get("last name", last)),
                        row.get("id number", r.student_id),
                        row.get("email address", r.student_id if "@" in r.student_id else ""),
                        _number(score(r)),
                        r.reason_text,
                    ]
                )
        elif fmt == "gradescope":
            w.writerow(GRADESCOPE_COLUMNS)
            for r in students:
                row = rows.get(r.student_id, {})
                email = next((row[c] for c in ("email address", "email") if row.get(c)), "")
                if not email and "@" in r.student_id:
                    email = r.student_id
                w.writerow([r.name, r.student_id, email, _number(score(r))])
        else:
            w.writerow(["student_id", "name", *exercises, "total", "max", "reasons"])
            for r in students:
                marks = [_number(points[k] * r.marks[k]) if k in r.marks else "" for k in exercises]
                w.writerow(
                    [r.student_id, r.name, *marks, _number(score(r)), _number(most), r.reason_text]
                )
    return path
