"""``key.csv``: written by ``assign`` and read by ``grade`` through one module,
:mod:`backprop.instructor.key`."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest
from backprop import exercises as E
from backprop.exercises import check_answer
from backprop.instructor.key import (
    KEY_COLUMNS,
    KeyItem,
    StudentKey,
    question_sha,
    read_key,
    write_key,
)
from backprop.instructor.variants import variant


def _student(sid="ada", keys=("ch05.steepest", "ch04.masked-delta")):
    items = [KeyItem.of(variant("s", sid, k)) for k in keys]
    return StudentKey(sid, "Ada Lovelace", f"{sid}.ipynb", "f" * 16, items)


def test_the_key_holds_answers_that_pass_the_books_check(course):
    tmp, keys, key = course
    for sk in key.values():
        for it in sk.items:
            text = ", ".join(repr(v) for v in it.answer)
            assert check_answer(text, it.answer, it.rtol, it.atol).correct


def test_the_courses_key_has_every_column_and_row(course):
    tmp, keys, key = course
    with (tmp / "hw" / "key.csv").open(newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    assert tuple(reader.fieldnames) == KEY_COLUMNS
    assert len(rows) == 3 * len(keys)
    for row in rows:
        ex = E.make(row["exercise"], int(row["seed"]))
        assert row["answer"] == ex.answer_text
        assert json.loads(row["answer_json"]) == list(ex.answer)
        assert row["question_sha"] == question_sha(ex.question)
        item = key[row["student_id"]].item(row["exercise"])
        assert item == KeyItem.of(ex)


def test_write_then_read_gives_the_same_key(tmp_path):
    students = [_student("ada"), _student("bo", ("ch05.steepest",))]
    path = write_key(students, tmp_path / "key.csv")
    assert read_key(path) == {sk.student_id: sk for sk in students}
    # One row per student and exercise, in order.
    with path.open(newline="") as f:
        pairs = [(r["student_id"], r["exercise"]) for r in csv.DictReader(f)]
    assert pairs == [
        ("ada", "ch05.steepest"),
        ("ada", "ch04.masked-delta"),
        ("bo", "ch05.steepest"),
    ]


def test_question_sha_is_a_short_hash_of_the_question():
    q = E.make("ch05.steepest", 3).question
    assert question_sha(q) == hashlib.sha256(q.encode()).hexdigest()[:16]
    assert question_sha(q) != question_sha(E.make("ch05.steepest", 4).question)


def test_a_key_without_question_sha_still_reads(tmp_path):
    path = write_key([_student()], tmp_path / "key.csv")
    with path.open(newline="") as f:
        rows = list(csv.DictReader(f))
    older = tmp_path / "old.csv"
    with older.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=[c for c in KEY_COLUMNS if c != "question_sha"])
        writer.writeheader()
        writer.writerows({k: v for k, v in r.items() if k != "question_sha"} for r in rows)
    [sk] = read_key(older).values()
    assert [it.question_sha for it in sk.items] == ["", ""]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("student_id,name\nada,Ada\n", "not a key written by assign"),
        (",".join(KEY_COLUMNS) + "\n", "lists no students"),
        (",".join(KEY_COLUMNS) + "\nada,A,a.ipynb,f,ch05.steepest,1,x,[oops,0.1,0,s\n", "line 2"),
    ],
)
def test_read_key_errors_say_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "key.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        read_key(path)
