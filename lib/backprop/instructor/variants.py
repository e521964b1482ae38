"""Per-student variants of the book's exercises, fixed by a student id and a secret.

A student's variant of exercise ``key`` is the exercise generated from the seed

    seed = 1 + int(HMAC-SHA256(secret, student_id + "\\x1f" + key)[:8]) mod (2**32 - 1)

so the same id always gets the same numbers, and without the instructor's secret
nobody (a student included) can compute another student's seed. Seed 0 is the
book's own variant, whose solution is on the website: a derived seed that gives
the book's question is skipped (the HMAC is redrawn with a counter).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import exercises
from ..exercises import Exercise

#: Seeds lie in 1 .. 2**32 - 1 (0 is the book's variant).
SEED_RANGE = 2**32 - 1
#: Column names accepted for the student id in a roster (first match wins).
ID_COLUMNS = ("student_id", "id", "student", "username", "login", "email")


@dataclass(frozen=True)
class Student:
    """One row of a roster: an identifier and an optional display name."""

    student_id: str
    name: str = ""


def _hmac_seed(secret: str, student_id: str, key: str, counter: int) -> int:
    message = f"{student_id}\x1f{key}" + (f"\x1f{counter}" if counter else "")
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return 1 + int.from_bytes(digest[:8], "big") % SEED_RANGE


def variant_seed(secret: str, student_id: str, key: str) -> int:
    """The seed of ``student_id``'s variant of exercise ``key`` (never the book's variant)."""
    if not secret:
        raise ValueError("the instructor's secret must not be empty")
    if not student_id:
        raise ValueError("the student id must not be empty")
    book = exercises.make(key, 0).question
    for counter in range(100):
        seed = _hmac_seed(secret, student_id, key, counter)
        if exercises.make(key, seed).question != book:
            return seed
    raise ValueError(f"exercise {key!r} has no variant other than the book's")


def variant(secret: str, student_id: str, key: str) -> Exercise:
    """``student_id``'s variant of exercise ``key``."""
    return exercises.make(key, variant_seed(secret, student_id, key))


def fingerprint(student_id: str, variants: Sequence[Exercise]) -> str:
    """A short hash of a student's questions: it names the variant without revealing it.

    The grader compares the fingerprint a notebook carries with the key's, so a
    file made for another student (or edited to claim another id) is detected.
    """
    payload = json.dumps(
        {"student_id": student_id, "exercises": [[ex.key, ex.question] for ex in variants]},
        sort_keys=True,
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def chapter_keys(chapters: Iterable[int | str]) -> list[str]:
    """Every registered exercise key of the given chapters (``3`` or ``"ch03"``), in order."""
    known = exercises.keys()
    out: list[str] = []
    for ch in chapters:
        text = str(ch).strip().lower().removeprefix("ch")
        if not text.isdigit():
            raise ValueError(f"a chapter is a number such as 3, not {ch!r}")
        prefix = f"ch{int(text):02d}."
        keys = [k for k in known if k.startswith(prefix)]
        if not keys:
            have = sorted({int(k[2:4]) for k in known if re.match(r"ch\d\d\.", k)})
            raise ValueError(
                f"chapter {int(text)} has no exercises; chapters with exercises: "
                + ", ".join(map(str, have))
            )
        out.extend(k for k in keys if k not in out)
    return out


def read_roster(path: str | Path) -> list[Student]:
    """Students from a CSV file with a header row (an id column and optionally ``name``).

    The id column is the first of ``student_id``, ``id``, ``student``, ``username``,
    ``login``, ``email`` present. Ids must be unique and non-empty.
    """
    path = Path(path)
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        column = next((c for c in ID_COLUMNS if c in header), None)
        if column is None:
            raise ValueError(
                f"{path}: the roster needs a header row with one of the columns "
                f"{', '.join(ID_COLUMNS)}; found {header or 'no header'}"
            )
        students: list[Student] = []
        seen: set[str] = set()
        folded: dict[str, tuple[str, int]] = {}
        for line, row in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
            sid = row.get(column, "")
            if not sid:
                if any(row.values()):
                    raise ValueError(f"{path}, line {line}: the student id is empty")
                continue  # a blank line
            if sid in seen:
                raise ValueError(f"{path}, line {line}: student id {sid!r} appears twice")
            other = folded.get(safe_name(sid).lower())
            if other is not None:
                raise ValueError(
                    f"{path}, line {line}: student ids {other[0]!r} (line {other[1]}) and "
                    f"{sid!r} differ only in case or punctuation, so their notebooks would "
                    "get the same file name; make the ids differ in letters or digits"
                )
            seen.add(sid)
            folded[safe_name(sid).lower()] = (sid, line)
            students.append(Student(sid, row.get("name", "")))
    if not students:
        raise ValueError(f"{path}: the roster lists no students")
    return students


def safe_name(student_id: str) -> str:
    """A file name for a student's notebook: the id with unsafe characters replaced."""
    name = re.sub(r"[^A-Za-z0-9._@-]", "_", student_id).strip(".")
    return name or "student"
