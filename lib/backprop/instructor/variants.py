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
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import exercises
from ..exercises import Exercise

#: Seeds lie in 1 .. 2**32 - 1 (0 is the book's variant).
SEED_RANGE = 2**32 - 1
#: Column names accepted for the student id in a roster (first match wins).
ID_COLUMNS = ("student_id", "id", "student", "username", "login", "email")


@dataclass(frozen=True)
class Student:
    """One row of a roster: an identifier, an optional display name, and the row as the
    roster had it (header in lower case -> value), for grades files an LMS imports."""

    student_id: str
    name: str = ""
    row: tuple[tuple[str, str], ...] = field(default=(), compare=False)


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
    book = exercises.make(key, 0).identity
    for counter in range(100):
        seed = _hmac_seed(secret, student_id, key, counter)
        if exercises.make(key, seed).identity != book:
            return seed
    raise ValueError(f"exercise {key!r} has no variant other than the book's")


def check_seed(secret: str, student_id: str, key: str) -> int:
    """The seed of the test inputs only the grader uses for ``student_id``'s code exercise
    ``key`` (another HMAC of the secret: a student cannot tell it from their variant)."""
    message = f"{student_id}\x1f{key}\x1fhidden tests"
    digest = hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()
    return 1 + int.from_bytes(digest[:8], "big") % SEED_RANGE


def variant(secret: str, student_id: str, key: str) -> Exercise:
    """``student_id``'s variant of exercise ``key``."""
    return exercises.make(key, variant_seed(secret, student_id, key))


def fingerprint(student_id: str, variants: Sequence[Exercise]) -> str:
    """A short hash of a student's questions: it names the variant without revealing it.

    The grader compares the fingerprint a notebook carries with the key's, so a
    file made for another student (or edited to claim another id) is detected.
    """
    payload = json.dumps(
        {"student_id": student_id, "exercises": [[ex.key, ex.identity] for ex in variants]},
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


#: A Canvas gradebook export: the columns that name a student, ids best first.
CANVAS_IDS = ("sis login id", "sis user id", "id")
#: A Moodle export (participants or grades): ids best first.
MOODLE_IDS = ("id number", "username", "email address")


def _decode(path: Path, data: bytes) -> str:
    """The text of a roster: UTF-8 (with or without a byte-order mark), UTF-16 with its
    mark (Excel's "Unicode text"), else Latin-1 (older Excel and Moodle exports)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _delimiter(header_line: str) -> str:
    """The delimiter of a roster: whichever of comma, semicolon and tab its header has most
    of (a comma if none)."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass(frozen=True)
class _Layout:
    """Where a roster keeps the id and the name: ``kind`` (canvas, moodle, plain), the id
    column, and the columns joined into the name."""

    kind: str
    id_column: str
    name_columns: tuple[str, ...]


def _layout(
    path: Path, header: list[str], rows: list[dict[str, str]], id_column: str | None
) -> _Layout:
    def present(names: Sequence[str]) -> list[str]:
        return [c for c in names if c in header]

    def filled(names: Sequence[str]) -> str | None:
        """The first of ``names`` given for every student (``None`` if none is)."""
        have = present(names)
        return next((c for c in have if all(r.get(c) for r in rows)), have[0] if have else None)

    if "sis login id" in header or "sis user id" in header:
        kind, ids, names = "canvas", CANVAS_IDS, ("student",)
    elif "first name" in header and ("surname" in header or "last name" in header):
        kind, ids = "moodle", MOODLE_IDS
        names = ("first name", "surname" if "surname" in header else "last name")
    else:
        kind, ids, names = "plain", ID_COLUMNS, ("name",)
    if id_column is not None:
        wanted = id_column.strip().lower()
        if wanted not in header:
            raise ValueError(
                f"{path}: no column {id_column!r} (--id-column); its columns: "
                + ", ".join(repr(h) for h in header)
            )
        column: str | None = wanted
    else:
        column = filled(ids)
    if column is None:
        raise ValueError(
            f"{path}, line 1: the roster needs a header row with a student id column; "
            f"its header has {', '.join(repr(h) for h in header) or 'no columns'}. Name one with "
            f"--id-column, or use a column {', '.join(ID_COLUMNS)} (a Canvas gradebook or "
            "Moodle export is recognised as it is)"
        )
    return _Layout(kind, column, tuple(present(names)))


def read_roster(path: str | Path, id_column: str | None = None) -> list[Student]:
    """Students from a roster with a header row, as a learning-management system exports it.

    Recognised as they come: a Canvas gradebook export (columns Student, ID, SIS User
    ID, SIS Login ID, Section; its "Points Possible" row and test student skipped; the
    id is the SIS login, else the SIS user id, else Canvas's ID, whichever every student
    has), a Moodle export (First name, Surname or Last name, ID number, Username, Email
    address: the ID number, else the username, else the email) and a plain CSV file
    whose id column is the first of ``student_id``, ``id``, ``student``, ``username``,
    ``login``, ``email`` present, with an optional ``name``. ``id_column`` names the id
    column of any other layout. Comma, semicolon or tab separated; UTF-8 with or
    without a byte-order mark, UTF-16 with one, or Latin-1. Ids must be unique and
    non-empty. ``ValueError`` with the file and line for anything unreadable.
    """
    path = Path(path)
    text = _decode(path, path.read_bytes())
    first = text.splitlines()[0] if text.strip() else ""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first), strict=True)
    table: list[tuple[int, list[str]]] = []  # (line where the row starts, its fields)
    try:
        start = 1
        for cells in reader:
            table.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as e:
        raise ValueError(
            f"{path}, line {start}: not readable as CSV ({e}; a quote left open?)"
        ) from None
    if not table or not any(h.strip() for h in table[0][1]):
        raise ValueError(f"{path}: the roster is empty (it needs a header row)")
    header = [h.strip().lower() for h in table[0][1]]
    rows: list[tuple[int, dict[str, str]]] = []
    for line, cells in table[1:]:
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            raise ValueError(
                f"{path}, line {line}: {len(cells)} fields but the header has {len(header)} "
                "(a delimiter or a quote out of place?)"
            )
        row = {h: c.strip() for h, c in zip(header, cells, strict=False)}
        who = row.get("student", "")
        if who == "Points Possible" or who.lower() in ("student, test", "test student"):
            continue  # Canvas: the maximum points, and the test student
        rows.append((line, row))
    layout = _layout(path, header, [r for _, r in rows], id_column)
    students: list[Student] = []
    seen: set[str] = set()
    folded: dict[str, tuple[str, int]] = {}
    for line, row in rows:
        sid = row.get(layout.id_column, "")
        if not sid:
            raise ValueError(
                f"{path}, line {line}: the student id is empty (column {layout.id_column!r})"
            )
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
        name = " ".join(row[c] for c in layout.name_columns if row.get(c))
        students.append(Student(sid, name, tuple((h, row.get(h, "")) for h in header)))
    if not students:
        raise ValueError(f"{path}: the roster lists no students")
    return students


def safe_name(student_id: str) -> str:
    """A file name for a student's notebook: the id with unsafe characters replaced."""
    name = re.sub(r"[^A-Za-z0-9._@-]", "_", student_id).strip(".")
    return name or "student"
