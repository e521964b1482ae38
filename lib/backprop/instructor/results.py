"""The grades: one :class:`Result` per student (or per file nobody in the key owns),
and :func:`write_grades`, the CSV file an instructor opens."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .key import StudentKey

#: The columns of the grades file before the one-per-exercise marks, and after them.
LEAD_COLUMNS = ("student_id", "name", "file")
TAIL_COLUMNS = ("total", "max", "reasons")


@dataclass
class Result:
    """The grade of one submission (or of a missing one)."""

    student_id: str
    name: str
    file: str
    marks: dict[str, int]
    reasons: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
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


def write_grades(results: Sequence[Result], path: str | Path) -> None:
    """One row per result: id, name, file, a mark per exercise, total, max, reasons."""
    keys: list[str] = []
    for r in results:
        keys.extend(k for k in r.marks if k not in keys)
    with Path(path).open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([*LEAD_COLUMNS, *keys, *TAIL_COLUMNS])
        for r in results:
            marks = (r.marks.get(k, "") for k in keys)
            writer.writerow([r.student_id, r.name, r.file, *marks, r.total, r.max, r.reason_text])
