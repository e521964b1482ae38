"""Grading end to end: fill in the course's notebooks (all right, half right, broken in
many ways), grade them with the command line, and check every mark and reason; then
the pieces the grader is made of (the plan of cells, marks, reasons) on their own.
Small time limits keep it fast (an endless loop costs CELL seconds)."""

from __future__ import annotations

import csv
import shutil

import nbformat
import pytest
from backprop.instructor.grade import (
    CAPTURE,
    RESET,
    Sheet,
    Step,
    failure,
    grade_submission,
    mark,
    plan,
    read_capture,
)
from backprop.instructor.kernel import Reply
from backprop.instructor.key import KeyItem, StudentKey
from backprop.instructor.preamble import ANSWER_MIME
from backprop.instructor.submission import attribute
from instructor_helpers import CELL, NOTEBOOK, answer_cell, grade_cli


def _fill(tmp, key):
    """Write the three submissions; return the expected (marks, reason fragments) per student."""
    sub = tmp / "submissions"
    sub.mkdir(exist_ok=True)
    expected = {}

    # ada.l: everything right, typed in the forms a student would use.
    sk = key["ada.l"]
    nb = nbformat.read(tmp / "hw" / "handout" / "ada.l.ipynb", as_version=4)
    for i, it in enumerate(sk.items):
        value = list(it.answer) if i % 2 else ", ".join(repr(v) for v in it.answer)
        if len(it.answer) == 1 and i % 2:
            value = it.answer[0]
        answer_cell(nb, it.key).source = f"answer = {value!r}"
    nbformat.write(nb, sub / "ada.l.ipynb")
    expected["ada.l"] = ({it.key: 1 for it in sk.items}, {})

    # bo: every other answer right, the others wrong (computed in a helper cell first).
    sk = key["bo"]
    nb = nbformat.read(tmp / "hw" / "handout" / "bo.ipynb", as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell("import numpy as np\noffset = 10.0"))
    marks, reasons = {}, {}
    for i, it in enumerate(sk.items):
        if i % 2 == 0:
            answer_cell(nb, it.key).source = f"answer = np.array({list(it.answer)!r})"
            marks[it.key] = 1
        else:
            answer_cell(nb, it.key).source = f"answer = [v + offset for v in {list(it.answer)!r}]"
            marks[it.key] = 0
            reasons[it.key] = "wrong: Not quite"
    nbformat.write(nb, sub / "bo.ipynb")
    expected["bo"] = (marks, reasons)

    # cy-3: broken in every way the grader must survive.
    sk = key["cy-3"]
    items = sk.items
    nb = nbformat.read(tmp / "hw" / "handout" / "cy-3.ipynb", as_version=4)
    answer_cell(nb, items[0].key).source = "answer = (1, 2"  # syntax error
    answer_cell(nb, items[1].key).source = "answer = 0\nwhile True:\n    pass"  # endless loop
    nb.cells.remove(answer_cell(nb, items[2].key))  # deleted cell
    answer_cell(nb, items[3].key).source = "answer = {'x': 1}"  # wrong type
    # Two answer cells swapped (each now sits under the other's question).
    a, b = answer_cell(nb, items[4].key), answer_cell(nb, items[5].key)
    a.source, b.source = (
        f"answer = {list(items[4].answer)!r}",
        f"answer = {list(items[5].answer)!r}",
    )
    ia, ib = nb.cells.index(a), nb.cells.index(b)
    nb.cells[ia], nb.cells[ib] = b, a
    # A scratch cell that tries the network, an error in a scratch cell, then a right
    # answer that depends on the network being blocked.
    last = answer_cell(nb, items[6].key)
    at = nb.cells.index(last)
    nb.cells.insert(at, nbformat.v4.new_code_cell("1 / 0  # a scratch cell that fails"))
    nb.cells.insert(
        at,
        nbformat.v4.new_code_cell(
            "import socket\ntry:\n    socket.create_connection(('93.184.216.34', 80), timeout=2)\n"
            "    net = 'open'\nexcept OSError as e:\n    net = str(e)"
        ),
    )
    last.source = (
        f"answer = {list(items[6].answer)!r} if net == 'network access is disabled while grading' "
        "else 'network was open'"
    )
    # A scratch cell that kills the kernel: the grader restarts it and goes on, so the
    # next answer (typed as a string) still counts.
    crash = answer_cell(nb, items[7].key)
    nb.cells.insert(nb.cells.index(crash), nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    crash.source = f"answer = {', '.join(repr(v) for v in items[7].answer)!r}"
    # An answer of the right type but the wrong number of entries.
    answer_cell(nb, items[8].key).source = f"answer = {list(items[8].answer) + [1.0]!r}"
    nbformat.write(nb, sub / "cy-3.ipynb")
    marks = {it.key: 0 for it in items}
    marks[items[6].key] = 1
    marks[items[7].key] = 1
    reasons = {
        items[0].key: "raised SyntaxError",
        items[1].key: "ran past the time limit",
        items[2].key: "answer cell missing",
        items[3].key: "wrong type: the answer is a dict",
        items[4].key: "no longer below its question",
        items[5].key: "no longer below its question",
        items[8].key: "invalid answer: Expected",
        **{it.key: "not answered" for it in items[9:]},
    }
    expected["cy-3"] = (marks, reasons)
    return sub, expected


def _rows(path):
    with path.open() as f:
        return list(csv.DictReader(f))


def test_grade_all_right_half_right_and_broken(course, capsys):
    tmp, keys, key = course
    sub, expected = _fill(tmp, key)
    out = tmp / "grades.csv"
    status = grade_cli(tmp, out, *(str(sub / f"{s}.ipynb") for s in ("ada.l", "bo", "cy-3")))
    assert status == 0
    err = capsys.readouterr().err
    assert "graded 3 files for 3 students" in err.splitlines()[-1]
    rows = {r["student_id"]: r for r in _rows(out)}
    assert sorted(rows) == ["ada.l", "bo", "cy-3"]
    for sid, (marks, reasons) in expected.items():
        row = rows[sid]
        assert {k: int(row[k]) for k in keys} == marks, (sid, row)
        assert int(row["total"]) == sum(marks.values())
        assert int(row["max"]) == len(keys)
        for k, fragment in reasons.items():
            assert f"{k}: " in row["reasons"], (sid, k, row["reasons"])
            part = row["reasons"].split(f"{k}: ", 1)[1]
            assert fragment in part.split(";")[0], (sid, k, row["reasons"])
    assert rows["ada.l"]["reasons"] == ""
    assert "a cell of yours crashed the kernel" in rows["cy-3"]["reasons"]
    # bo's score is exactly the number of right answers: ceil(n / 2).
    assert int(rows["bo"]["total"]) == (len(keys) + 1) // 2


def test_grade_files_that_are_not_the_students_own(course, capsys):
    tmp, keys, key = course
    sub = tmp / "wrong-files"
    sub.mkdir()
    (sub / "ada.l.ipynb").write_text("this is not JSON {")
    shutil.copy(
        tmp / "hw" / "handout" / "cy-3.ipynb", sub / "bo.ipynb"
    )  # another student's variant
    # cy-3 takes ada.l's notebook, answered, under cy-3's own metadata: the questions
    # give it away.
    nb = nbformat.read(tmp / "hw" / "handout" / "ada.l.ipynb", as_version=4)
    nb.metadata = nbformat.read(tmp / "hw" / "handout" / "cy-3.ipynb", as_version=4).metadata
    for it in key["ada.l"].items:
        answer_cell(nb, it.key).source = f"answer = {list(it.answer)!r}"
    nbformat.write(nb, sub / "cy-3.ipynb")
    (sub / "stranger.ipynb").write_text("{}")
    out = tmp / "grades2.csv"
    files = [str(p) for p in sorted(sub.iterdir())]
    assert grade_cli(tmp, out, *files) == 0
    rows = _rows(out)
    by_id = {r["student_id"]: r for r in rows}
    for sid in key:
        assert int(by_id[sid]["total"]) == 0
        assert all(by_id[sid][k] == "0" for k in keys)
    assert "not valid JSON" in by_id["ada.l"]["reasons"]
    assert "variant of student 'cy-3', not of 'bo'" in by_id["bo"]["reasons"]
    for k in keys:
        assert f"{k}: the question is the one of student 'ada.l'" in by_id["cy-3"]["reasons"]
    assert by_id[""]["file"] == "stranger.ipynb"
    assert "cannot tell whose" in by_id[""]["reasons"]


def test_a_loop_that_ignores_interrupts_is_stopped_and_grading_goes_on(course, tmp_path):
    tmp, keys, key = course
    sk = key["bo"]
    nb = nbformat.read(tmp / "hw" / "handout" / "bo.ipynb", as_version=4)
    first, second = sk.items[0], sk.items[1]
    answer_cell(
        nb, first.key
    ).source = "while True:\n    try:\n        pass\n    except KeyboardInterrupt:\n        pass"
    answer_cell(nb, second.key).source = f"answer = {list(second.answer)!r}"
    nbformat.write(nb, tmp_path / "bo.ipynb")
    r = grade_submission(tmp_path / "bo.ipynb", sk, NOTEBOOK, CELL, others=key)
    assert r.marks[first.key] == 0 and "ran past the time limit" in r.reasons[first.key]
    # The kernel was replaced, and the next answer still counts.
    assert r.marks[second.key] == 1 and r.total == 1


def test_an_edited_id_is_caught_by_the_fingerprint(course, tmp_path):
    tmp, keys, key = course
    nb = nbformat.read(tmp / "hw" / "handout" / "ada.l.ipynb", as_version=4)
    nb.metadata["backprop"]["student_id"] = "cy-3"
    nbformat.write(nb, tmp_path / "cy-3.ipynb")
    r = grade_submission(tmp_path / "cy-3.ipynb", key["cy-3"], NOTEBOOK, CELL, others=key)
    assert r.total == 0 and set(r.marks) == set(keys)
    assert "fingerprint differs" in r.reason_text


def test_a_missing_submission_and_attribution(course, tmp_path):
    tmp, keys, key = course
    out = tmp_path / "g.csv"
    # bo handed in through an nbgrader-like folder with another file name.
    folder = tmp_path / "submitted" / "bo" / "hw"
    folder.mkdir(parents=True)
    shutil.copy(tmp / "hw" / "handout" / "bo.ipynb", folder / "homework.ipynb")
    assert attribute(folder / "homework.ipynb", key) == "bo"
    assert grade_cli(tmp, out, str(folder / "homework.ipynb")) == 0
    by_id = {r["student_id"]: r for r in _rows(out)}
    assert by_id["ada.l"]["reasons"] == "no submission"
    assert by_id["bo"]["file"] == "homework.ipynb"
    # Untouched notebook: every item "not answered".
    assert all(f"{k}: not answered" in by_id["bo"]["reasons"] for k in keys)


# ---- the pieces, without a kernel ------------------------------------------------------


def test_plan_wraps_each_answer_cell_in_a_reset_and_a_capture():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Exercise 1"),
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("answer = x"),
        nbformat.v4.new_raw_cell("raw"),
        nbformat.v4.new_code_cell("y = 2"),
    ]
    assert plan(nb, {"k": 2}) == [
        Step("student", "x = 1"),
        Step("reset", RESET, "k"),
        Step("answer", "answer = x", "k"),
        Step("capture", CAPTURE, "k"),
        Step("student", "y = 2"),
    ]


ITEM = KeyItem("k", (0.5, -2.0), 1e-3, 1e-6)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"status": "numbers", "values": ["0.5", "-2.0"]}, (1, "")),
        ({"status": "text", "text": "1/2, -2"}, (1, "")),
        # One of two entries right: half the mark (partial credit), the reason says which.
        ({"status": "numbers", "values": ["0.5", "2.0"]}, (0.5, "partly right (1 of 2 entries)")),
        ({"status": "text", "text": "1, 2"}, (0, "wrong: ")),
        ({"status": "text", "text": "-0.5, 2"}, (0, "wrong: Not quite: check the sign")),
        ({"status": "text", "text": "half"}, (0, "invalid answer: ")),
        ({"status": "missing"}, (0, "the answer cell does not set `answer`")),
        ({"status": "unanswered"}, (0, "not answered (`answer = ...`)")),
        ({"status": "type", "type": "dict"}, (0, "wrong type: the answer is a dict, expected 2")),
        ({"status": "???"}, (0, "the grader could not read the answer")),
        (None, (0, "the grader could not read the answer")),
    ],
)
def test_mark_follows_the_books_rules(record, expected):
    got, why = mark(ITEM, record)
    assert got == expected[0] and why.startswith(expected[1]), why


def test_read_capture_finds_the_record_among_the_outputs():
    record = {"status": "numbers", "values": ["1.0"]}
    stream = {"output_type": "stream", "name": "stdout", "text": "hello"}
    shown = {"output_type": "display_data", "data": {ANSWER_MIME: record}}
    assert read_capture([stream, shown]) == record
    assert read_capture([{"output_type": "display_data", "data": {ANSWER_MIME: '{"a": 1}'}}]) == {
        "a": 1
    }
    assert read_capture([stream]) is None


def test_failure_says_why_without_temporary_file_names():
    assert failure(Reply("timeout"), 2.6) == "ran past the time limit (3 s) and was stopped"
    assert failure(Reply("dead"), 3) == "crashed the kernel (restarted)"
    reply = Reply("error", "SyntaxError", "'(' was never closed (3141.py, line 1)")
    assert failure(reply, 3) == "raised SyntaxError: '(' was never closed (line 1)"
    assert failure(Reply("error"), 3) == "raised Error"


def test_the_sheet_marks_what_was_read_and_explains_the_rest():
    sk = StudentKey(
        "ada", "Ada", "ada.ipynb", "f", [KeyItem(k, (1.0,), 1e-3, 1e-6) for k in "abcde"]
    )
    sheet = Sheet(sk)
    ok = Reply("ok", outputs=[{"data": {ANSWER_MIME: {"status": "numbers", "values": ["1.0"]}}}])
    sheet.note(Step("capture", CAPTURE, "a"), ok, 3)
    sheet.note(Step("answer", "answer = (", "b"), Reply("error", "SyntaxError"), 3)
    sheet.note(Step("capture", CAPTURE, "b"), ok, 3)  # too late: b failed already
    sheet.note(Step("student", "1 / 0"), Reply("error", "ZeroDivisionError"), 3)
    sheet.note(Step("student", "os._exit(1)"), Reply("dead"), 3)
    sheet.note(Step("capture", CAPTURE, "c"), Reply("timeout"), 3)
    sheet.out_of_time(Step("reset", RESET, "d"), 60)
    result = sheet.result("ada.ipynb", {"e": "answer cell missing"})
    assert result.marks == {"a": 1, "b": 0, "c": 0, "d": 0, "e": 0}
    assert result.reasons == {
        "a": "",
        "b": "the answer cell raised SyntaxError",
        "c": "the grader could not read the answer",
        "d": "not run: the notebook's time limit (60 s) ran out",
        "e": "answer cell missing",
    }
    # A failing scratch cell costs nothing by itself; a crash is worth a note.
    assert result.problems == ["a cell of yours crashed the kernel (restarted)"]


INDICATOR = KeyItem("mask", (1.0, 0.0, 1.0), 0.0, 1e-9)


@pytest.mark.parametrize(
    ("item", "record", "expected"),
    [
        # Natural answers count: True/False for an indicator, spaces between numbers.
        (INDICATOR, {"status": "numbers", "values": ["1.0", "0.0", "1.0"], "bool": True}, ""),
        (INDICATOR, {"status": "text", "text": "1 0 1"}, ""),
        (INDICATOR, {"status": "text", "text": "[1 0 1]"}, ""),
        (ITEM, {"status": "text", "text": "0.5 -2"}, ""),
        # True/False are 1 and 0, as in Python, wherever they are typed.
        (ITEM, {"status": "numbers", "values": ["1.0", "0.0"], "bool": True}, "wrong: Not quite"),
        # A wrong count says what was expected and what was got, counted right.
        (
            ITEM,
            {"status": "text", "text": "0.5 -2 7"},
            "invalid answer: Expected 2 numbers separated by commas; got 3 numbers.",
        ),
        (
            ITEM,
            {"status": "numbers", "values": ["0.5"]},
            "invalid answer: Expected 2 numbers; got one number.",
        ),
        (
            INDICATOR,
            {"status": "numbers", "values": ["1.0"] * 4, "bool": True},
            "invalid answer: Expected 3 numbers; got 4 numbers.",
        ),
        # A fraction typed with spaces is not split.
        (KeyItem("q", (0.25,), 1e-3, 1e-6), {"status": "text", "text": "1 / 4"}, ""),
    ],
)
def test_natural_answers_and_clear_format_errors(item, record, expected):
    got, why = mark(item, record)
    assert why.startswith(expected) and (why == "") == (expected == "")
    assert got == (1 if expected == "" else 0)


def test_partial_credit_is_the_share_of_entries_right():
    item = KeyItem("k", (1.0, -2.0, 3.0), 1e-3, 1e-6)
    for text, share in (("1, -2, 3", 1), ("1, -2, 4", 2 / 3), ("1, 0, 0", 1 / 3), ("0, 0, 0", 0)):
        got, why = mark(item, {"status": "text", "text": text})
        assert got == pytest.approx(share), (text, why)
        assert (0 < got < 1) == why.startswith("partly right"), why
    # Within the tolerance counts as right, entry by entry.
    assert mark(item, {"status": "text", "text": "1.0005, -2, 30"})[0] == pytest.approx(2 / 3)
    # A one-number answer is right or wrong.
    single = KeyItem("k", (2.0,), 1e-3, 1e-6)
    assert mark(single, {"status": "text", "text": "2.5"})[0] == 0
