r"""The grades: one :class:`Result` per student (or per file nobody in the key owns),
and :func:`write_grades`, the CSV file an instructor opens.

A mark is the share of an exercise earned: 1 right, 0 not, :math:`j/k` for an answer
of :math:`k` numbers with :math:`j` right (partial credit). The grades file holds
marks rounded to 4 decimals; reading it back snaps each to the nearest :math:`j/k`
with :math:`k \le` :data:`MAX_ENTRIES`, so sums do not drift.

Beside the grades file ``NAME.csv``, :func:`write_grades` keeps ``NAME.answers.jsonl``
(:func:`answers_path`, readable only by the instructor): one JSON line per row with
everything the CSV cannot hold, each exercise's answer as the grader read it and its
own reason. It is a separate file, not more columns, so the grades file stays one
short line per student that a spreadsheet opens and an LMS import reads, while the
students' answers (free text, up to 2000 characters each, any character) are kept
exactly. :func:`read_grades` reads it back, so ``grade --resume``, ``merge`` and
``report`` have every row as a full run made it.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from .key import StudentKey

#: The columns of the grades file before the one-per-exercise marks, and after them.
LEAD_COLUMNS = ("student_id", "name", "file")
TAIL_COLUMNS = ("total", "max", "reasons")
#: The most numbers an answer has, for reading rounded marks back as j/k.
MAX_ENTRIES = 12


def mark_text(mark: float) -> str:
    """A mark or total as the grades file writes it: at most 4 decimals, no trailing zeros."""
    text = f"{mark:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def read_mark(text: str) -> float:
    r"""A mark written by :func:`mark_text`, snapped to the nearest :math:`j/k`
    (:math:`k \le` :data:`MAX_ENTRIES`) within :math:`10^{-4}`; ``ValueError`` if it is
    not a number."""
    value = float(text)
    near = Fraction(value).limit_denominator(MAX_ENTRIES)
    if abs(float(near) - value) <= 1e-4:
        return int(near) if near.denominator == 1 else float(near)
    return value


@dataclass
class Result:
    """The grade of one submission (or of a missing one); ``answers`` holds, per exercise,
    the answer as the grader read it (the student's text; kept in :func:`answers_path`).
    A mark is the share of the exercise earned, from 0 to 1."""

    student_id: str
    name: str
    file: str
    marks: dict[str, float]
    reasons: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return sum(self.marks.values())

    @property
    def max(self) -> int:
        return len(self.marks)

    @property
    def reason_text(self) -> str:
        parts = list(self.problems) + [f"{k}: {r}" for k, r in self.reasons.items() if r]
        return "; ".join(parts)


def zero(sk: StudentKey, file: str, problem: str) -> Result:
    """No mark for any of ``sk``'s exercises, for one reason."""
    return Result(sk.student_id, sk.name, file, {it.key: 0 for it in sk.items}, {}, [problem])


def answers_path(path: str | Path) -> Path:
    """The file of answers and reasons kept beside the grades file ``path``:
    ``grades.csv`` -> ``grades.answers.jsonl``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.answers.jsonl")


def write_grades(results: Sequence[Result], path: str | Path) -> None:
    """One row per result: id, name, file, a mark per exercise, total, max, reasons;
    and every result in full (answers, reasons per exercise) in :func:`answers_path`.

    Both are written to a temporary file first and moved into place, so an interrupted
    run never leaves half a file."""
    keys: list[str] = []
    for r in results:
        keys.extend(k for k in r.marks if k not in keys)
    path = Path(path)
    part = path.with_name(path.name + ".part")
    with part.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([*LEAD_COLUMNS, *keys, *TAIL_COLUMNS])
        for r in results:
            marks = (mark_text(r.marks[k]) if k in r.marks else "" for k in keys)
            total = mark_text(r.total)
            writer.writerow([r.student_id, r.name, r.file, *marks, total, r.max, r.reason_text])
    side = answers_path(path)
    side_part = side.with_name(side.name + ".part")
    fd = os.open(side_part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        for r in results:
            f.write(json.dumps(asdict(r), ensure_ascii=False, sort_keys=True) + "\n")
    os.replace(side_part, side)
    os.replace(part, path)


def _details(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """The records of :func:`answers_path` by (student id, file); none if it is missing."""
    side = answers_path(path)
    if not side.is_file():
        return {}
    found: dict[tuple[str, str], dict[str, Any]] = {}
    with side.open(encoding="utf-8") as f:
        for line, text in enumerate(f, start=1):
            try:
                rec = json.loads(text)
                found[(str(rec["student_id"]), str(rec["file"]))] = rec
            except (ValueError, KeyError, TypeError):
                raise ValueError(f"{side}, line {line}: not a record written by grade") from None
    return found


def read_grades(path: str | Path) -> list[Result]:
    """The results of a grades file written by :func:`write_grades`, with the answers
    and reasons of :func:`answers_path` where it has the row with the same marks (else
    the row's reasons as one problem); ``ValueError`` if it is not a grades file."""
    details = _details(Path(path))
    with Path(path).open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        if tuple(header[:3]) != LEAD_COLUMNS or tuple(header[-3:]) != TAIL_COLUMNS:
            raise ValueError(f"{path}: not a grades file written by grade")
        keys = header[3:-3]
        results = []
        for line, row in enumerate(reader, start=2):
            if len(row) != len(header):
                raise ValueError(f"{path}, line {line}: {len(row)} columns, not {len(header)}")
            try:
                marks = {k: read_mark(v) for k, v in zip(keys, row[3:-3], strict=True) if v}
            except ValueError:
                raise ValueError(f"{path}, line {line}: a mark is not a number") from None
            reasons = [row[-1]] if row[-1] else []
            result = Result(row[0], row[1], row[2], marks, {}, reasons)
            rec = details.get((row[0], row[2]))
            if rec is not None:
                result.answers = {str(k): str(v) for k, v in rec.get("answers", {}).items()}
                if rec.get("marks") == marks:
                    result.reasons = {str(k): str(v) for k, v in rec.get("reasons", {}).items()}
                    result.problems = [str(p) for p in rec.get("problems", [])]
            results.append(result)
    return results


def merge(
    previous: Sequence[Result], new: Sequence[Result], key: dict[str, StudentKey]
) -> list[Result]:
    """The grades of ``key``'s students: ``new`` where a student was graded now, else
    ``previous``, else "no submission"; then the files nobody owns, new and old."""
    now = {r.student_id: r for r in new if r.student_id and r.file}
    before = {r.student_id: r for r in previous if r.student_id and r.file}
    out = [
        now.get(sid) or before.get(sid) or zero(sk, "", "no submission") for sid, sk in key.items()
    ]
    orphans = [r for r in new if not r.student_id]
    names = {r.file for r in orphans}
    return out + orphans + [r for r in previous if not r.student_id and r.file not in names]


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/N"`` as ``(i, N)`` with ``1 <= i <= N``; ``ValueError`` otherwise."""
    part, _, whole = text.partition("/")
    try:
        i, n = int(part), int(whole)
    except ValueError:
        raise ValueError(f"a shard is written i/N, such as 2/8, not {text!r}") from None
    if not 1 <= i <= n:
        raise ValueError(f"shard {text!r}: i must lie in 1 .. N")
    return i, n


def shard_of(key: dict[str, StudentKey], i: int, n: int) -> dict[str, StudentKey]:
    """The students of shard ``i`` of ``n``: every ``n``-th student of the key (its roster
    order), starting at the ``i``-th, so the shards are of sizes that differ by at most one
    and the same key always splits the same way."""
    return {sid: sk for j, (sid, sk) in enumerate(key.items()) if j % n == i - 1}


def grade_columns(path: str | Path) -> list[str]:
    """The exercise columns of a grades file (``ValueError`` if it is not one)."""
    with Path(path).open(newline="", encoding="utf-8") as f:
        header = next(csv.reader(f), [])
    if tuple(header[:3]) != LEAD_COLUMNS or tuple(header[-3:]) != TAIL_COLUMNS:
        raise ValueError(f"{path}: not a grades file written by grade")
    return header[3:-3]


def merge_files(paths: Sequence[str | Path], key: dict[str, StudentKey]) -> list[Result]:
    """The grades of ``key``'s students from the grades files of its shards (``grade
    --shard``), in the key's order, as one unsharded run writes them.

    ``ValueError`` if a file is not a grades file, holds another assignment's
    exercises, or grades a student that another file graded too."""
    exercises = [it.key for it in next(iter(key.values())).items]
    merged: list[Result] = []
    where: dict[str, str] = {}
    for path in paths:
        columns = grade_columns(path)
        if sorted(columns) != sorted(exercises):
            strange = sorted(set(columns) ^ set(exercises))
            raise ValueError(
                f"{path} holds the grades of another assignment (exercise {strange[0]!r} is "
                "in one of it and the key, not both)"
            )
        rows = read_grades(path)
        for r in rows:
            if r.student_id and r.file:
                if r.student_id in where:
                    raise ValueError(
                        f"{path} and {where[r.student_id]} both grade student {r.student_id!r}"
                    )
                where[r.student_id] = str(path)
            if r.student_id and r.student_id not in key:
                raise ValueError(f"{path}: student {r.student_id!r} is not in the key")
        merged = merge(merged, rows, key)
    return merged
