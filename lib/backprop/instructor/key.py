"""The answer key, ``key.csv``: every student's correct answers, written by ``assign``
and read by ``grade``.

One row per student and exercise, with the columns :data:`KEY_COLUMNS`: the
student (``student_id``, ``name``, the ``notebook`` handed out and its variant's
``fingerprint``), the exercise, its ``seed``, the correct answer as the book
prints it (``answer``) and as a JSON list of floats (``answer_json``), the
tolerances ``rtol`` and ``atol`` of :func:`backprop.exercises.check_answer`, and
``question_sha``, a short hash of the question's text that names the variant
(so a question pasted in from another student's notebook is recognised).
Keep the file private: it holds every answer.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..exercises import Exercise

KEY_COLUMNS = (
    "student_id",
    "name",
    "notebook",
    "fingerprint",
    "exercise",
    "seed",
    "answer",
    "answer_json",
    "rtol",
    "atol",
    "question_sha",
    "check_seed",
)
#: Columns that keys written by older versions of ``assign`` may lack.
OPTIONAL_COLUMNS = ("question_sha", "check_seed")


def question_sha(question: str) -> str:
    """A short hash of a question's text: the key names each variant's question by it."""
    return hashlib.sha256(question.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class KeyItem:
    """One exercise of one student's key: the correct answer and its tolerances."""

    key: str
    answer: tuple[float, ...]
    rtol: float
    atol: float
    question_sha: str = ""
    seed: int = 0
    answer_text: str = ""
    #: For a code exercise, the seed of a second set of test inputs that only the grader
    #: uses (drawn from the instructor's secret): outputs hard-coded for the tests a student
    #: can run do not pass these. 0: none.
    check_seed: int = 0

    @classmethod
    def of(cls, ex: Exercise, check_seed: int = 0) -> KeyItem:
        """The key's entry for the exercise variant ``ex``."""
        return cls(
            ex.key,
            ex.answer,
            ex.rtol,
            ex.atol,
            question_sha(ex.question),
            ex.seed,
            ex.answer_text,
            check_seed,
        )


@dataclass
class StudentKey:
    """A student's part of ``key.csv``."""

    student_id: str
    name: str
    notebook: str
    fingerprint: str
    items: list[KeyItem] = field(default_factory=list)

    def item(self, key: str) -> KeyItem:
        """The entry of exercise ``key``."""
        return next(it for it in self.items if it.key == key)


def _row(sk: StudentKey, it: KeyItem) -> dict[str, str]:
    return {
        "student_id": sk.student_id,
        "name": sk.name,
        "notebook": sk.notebook,
        "fingerprint": sk.fingerprint,
        "exercise": it.key,
        "seed": str(it.seed),
        "answer": it.answer_text,
        "answer_json": json.dumps(list(it.answer)),
        "rtol": repr(it.rtol),
        "atol": repr(it.atol),
        "question_sha": it.question_sha,
        "check_seed": str(it.check_seed),
    }


def write_key(students: Sequence[StudentKey], path: str | Path) -> Path:
    """Write ``key.csv`` (one row per student and exercise, in the given order)."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=KEY_COLUMNS)
        writer.writeheader()
        writer.writerows(_row(sk, it) for sk in students for it in sk.items)
    return path


def _item(row: dict[str, str]) -> KeyItem:
    answer = tuple(float(v) for v in json.loads(row["answer_json"]))
    return KeyItem(
        row["exercise"],
        answer,
        float(row["rtol"]),
        float(row["atol"]),
        row.get("question_sha") or "",
        int(row["seed"]),
        row["answer"],
        int(row.get("check_seed") or 0),
    )


def read_key(path: str | Path) -> dict[str, StudentKey]:
    """The answer key written by ``assign``: student id -> :class:`StudentKey`.

    Raises ``ValueError`` for a file that is not such a key, or lists no students.
    """
    path = Path(path)
    out: dict[str, StudentKey] = {}
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        have = reader.fieldnames or []
        missing = [c for c in KEY_COLUMNS if c not in have and c not in OPTIONAL_COLUMNS]
        if missing:
            raise ValueError(f"{path}: not a key written by assign (no column {missing[0]!r})")
        for line, row in enumerate(reader, start=2):
            sid = row["student_id"]
            sk = out.setdefault(
                sid, StudentKey(sid, row["name"], row["notebook"], row["fingerprint"])
            )
            try:
                sk.items.append(_item(row))
            except (TypeError, ValueError) as e:
                raise ValueError(f"{path}, line {line}: a malformed row ({e})") from None
    if not out:
        raise ValueError(f"{path}: the key lists no students")
    return out
