"""End to end: assign chapters 1, 4 and 5 to a roster of three students, fill in their
notebooks (all right, half right, broken in many ways), grade, and check every mark and
reason. Small time limits keep it fast (an endless loop costs CELL seconds)."""

from __future__ import annotations

import csv
import json
import shutil

import nbformat
import pytest
from backprop.exercises import check_answer
from backprop.instructor import chapter_keys, read_key
from backprop.instructor.cli import main
from backprop.instructor.grade import attribute, grade_submission

ROSTER = "student_id,name\nada.l,Ada Lovelace\nbo,Bo\ncy-3,Cy\n"
# Small limits keep the suite fast: an endless loop costs CELL seconds.
CELL, NOTEBOOK = 3, 60


def _answer_cell(nb, key):
    [cell] = [
        c
        for c in nb.cells
        if c.metadata.get("backprop", {}).get("role") == "answer"
        and c.metadata["backprop"]["key"] == key
    ]
    return cell


def _wrong(values):
    """A clearly wrong answer of the right size (off by far more than any tolerance)."""
    return [v + 10.0 for v in values]


def _grade(tmp, out, *files) -> int:
    """Run ``grade`` on ``files`` against the course's key, with the tests' short time limits."""
    argv = ["grade", "--key", str(tmp / "hw" / "key.csv"), "--out", str(out)]
    argv += ["--timeout", str(NOTEBOOK), "--cell-timeout", str(CELL)]
    return main([*argv, *map(str, files)])


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("course")
    (tmp / "roster.csv").write_text(ROSTER)
    keys = chapter_keys([1, 4, 5])
    assert len(keys) >= 9  # enough exercises to break one each way
    status = main(
        [
            "assign",
            "--roster",
            str(tmp / "roster.csv"),
            "--secret",
            "s3cret",
            "--chapters",
            "1",
            "4",
            "5",
            "--out",
            str(tmp / "hw"),
        ]
    )
    assert status == 0
    key = read_key(tmp / "hw" / "key.csv")
    return tmp, keys, key


def test_assign_writes_notebooks_without_answers(course):
    tmp, keys, key = course
    assert sorted(key) == ["ada.l", "bo", "cy-3"]
    for sid, sk in key.items():
        assert [it.key for it in sk.items] == keys
        text = (tmp / "hw" / f"{sid}.ipynb").read_text()
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
        assert nb.metadata["backprop"]["student_id"] == sid
        assert nb.metadata["backprop"]["fingerprint"] == sk.fingerprint
        for it in sk.items:
            cell = _answer_cell(nb, it.key)
            assert "answer = ...  # your answer here" in cell.source
            # No answer anywhere in the student's file (formatted the ways the key holds it).
            if len(it.answer) > 1:
                assert json.dumps(list(it.answer)) not in text
        # No seed either: with it, the library would print the answer.
        with (tmp / "hw" / "key.csv").open() as f:
            for row in csv.DictReader(f):
                assert row["seed"] not in text
    # The three students got different numbers.
    prints = {sk.fingerprint for sk in key.values()}
    assert len(prints) == 3


def test_assign_prints_progress_and_a_summary(course, tmp_path, capsys):
    tmp, keys, key = course
    argv = ["assign", "--roster", str(tmp / "roster.csv"), "--secret", "s3cret"]
    assert main([*argv, "--exercises", "ch05.steepest", "--out", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "3/3" in err  # the progress bar
    assert err.splitlines()[-1].startswith("assigned 1 exercise to 3 students")
    with pytest.raises(SystemExit):
        main([*argv, "--exercises", "ch05.nope", "--out", str(tmp_path)])
    assert "unknown exercise 'ch05.nope'" in capsys.readouterr().err


def test_assign_is_reproducible(course, tmp_path):
    tmp, keys, key = course
    main(
        [
            "assign",
            "--roster",
            str(tmp / "roster.csv"),
            "--secret",
            "s3cret",
            "--chapters",
            "1",
            "4",
            "5",
            "--out",
            str(tmp_path),
        ]
    )
    for sid in key:
        assert (tmp_path / f"{sid}.ipynb").read_bytes() == (
            tmp / "hw" / f"{sid}.ipynb"
        ).read_bytes()
    assert (tmp_path / "key.csv").read_bytes() == (tmp / "hw" / "key.csv").read_bytes()


def _fill(tmp, key):
    """Write the three submissions; return the expected (marks, reason fragments) per student."""
    sub = tmp / "submissions"
    sub.mkdir(exist_ok=True)
    expected = {}

    # ada.l: everything right, typed in the forms a student would use.
    sk = key["ada.l"]
    nb = nbformat.read(tmp / "hw" / "ada.l.ipynb", as_version=4)
    for i, it in enumerate(sk.items):
        value = list(it.answer) if i % 2 else ", ".join(repr(v) for v in it.answer)
        if len(it.answer) == 1 and i % 2:
            value = it.answer[0]
        _answer_cell(nb, it.key).source = f"answer = {value!r}"
    nbformat.write(nb, sub / "ada.l.ipynb")
    expected["ada.l"] = ({it.key: 1 for it in sk.items}, {})

    # bo: every other answer right, the others wrong (computed in a helper cell first).
    sk = key["bo"]
    nb = nbformat.read(tmp / "hw" / "bo.ipynb", as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell("import numpy as np\noffset = 10.0"))
    marks, reasons = {}, {}
    for i, it in enumerate(sk.items):
        if i % 2 == 0:
            _answer_cell(nb, it.key).source = f"answer = np.array({list(it.answer)!r})"
            marks[it.key] = 1
        else:
            _answer_cell(nb, it.key).source = f"answer = [v + offset for v in {list(it.answer)!r}]"
            marks[it.key] = 0
            reasons[it.key] = "wrong: Not quite"
    nbformat.write(nb, sub / "bo.ipynb")
    expected["bo"] = (marks, reasons)

    # cy-3: broken in every way the grader must survive.
    sk = key["cy-3"]
    items = sk.items
    nb = nbformat.read(tmp / "hw" / "cy-3.ipynb", as_version=4)
    _answer_cell(nb, items[0].key).source = "answer = (1, 2"  # syntax error
    _answer_cell(nb, items[1].key).source = "answer = 0\nwhile True:\n    pass"  # endless loop
    nb.cells.remove(_answer_cell(nb, items[2].key))  # deleted cell
    _answer_cell(nb, items[3].key).source = "answer = {'x': 1}"  # wrong type
    # Two answer cells swapped (each now sits under the other's question).
    a, b = _answer_cell(nb, items[4].key), _answer_cell(nb, items[5].key)
    a.source, b.source = (
        f"answer = {list(items[4].answer)!r}",
        f"answer = {list(items[5].answer)!r}",
    )
    ia, ib = nb.cells.index(a), nb.cells.index(b)
    nb.cells[ia], nb.cells[ib] = b, a
    # A scratch cell that tries the network, an error in a scratch cell, then a right
    # answer that depends on the network being blocked.
    last = _answer_cell(nb, items[6].key)
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
    crash = _answer_cell(nb, items[7].key)
    nb.cells.insert(nb.cells.index(crash), nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    crash.source = f"answer = {', '.join(repr(v) for v in items[7].answer)!r}"
    # An answer of the right type but the wrong number of entries.
    _answer_cell(nb, items[8].key).source = f"answer = {list(items[8].answer) + [1.0]!r}"
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
    status = _grade(tmp, out, *(str(sub / f"{s}.ipynb") for s in ("ada.l", "bo", "cy-3")))
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
    shutil.copy(tmp / "hw" / "cy-3.ipynb", sub / "bo.ipynb")  # another student's variant
    # cy-3 takes ada.l's notebook, answered, under cy-3's own metadata: the questions
    # give it away.
    nb = nbformat.read(tmp / "hw" / "ada.l.ipynb", as_version=4)
    nb.metadata = nbformat.read(tmp / "hw" / "cy-3.ipynb", as_version=4).metadata
    for it in key["ada.l"].items:
        _answer_cell(nb, it.key).source = f"answer = {list(it.answer)!r}"
    nbformat.write(nb, sub / "cy-3.ipynb")
    (sub / "stranger.ipynb").write_text("{}")
    out = tmp / "grades2.csv"
    files = [str(p) for p in sorted(sub.iterdir())]
    assert _grade(tmp, out, *files) == 0
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
    nb = nbformat.read(tmp / "hw" / "bo.ipynb", as_version=4)
    first, second = sk.items[0], sk.items[1]
    _answer_cell(
        nb, first.key
    ).source = "while True:\n    try:\n        pass\n    except KeyboardInterrupt:\n        pass"
    _answer_cell(nb, second.key).source = f"answer = {list(second.answer)!r}"
    nbformat.write(nb, tmp_path / "bo.ipynb")
    r = grade_submission(tmp_path / "bo.ipynb", sk, NOTEBOOK, CELL, others=key)
    assert r.marks[first.key] == 0 and "ran past the time limit" in r.reasons[first.key]
    # The kernel was replaced, and the next answer still counts.
    assert r.marks[second.key] == 1 and r.total == 1


def test_an_edited_id_is_caught_by_the_fingerprint(course, tmp_path):
    tmp, keys, key = course
    nb = nbformat.read(tmp / "hw" / "ada.l.ipynb", as_version=4)
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
    shutil.copy(tmp / "hw" / "bo.ipynb", folder / "homework.ipynb")
    assert attribute(folder / "homework.ipynb", key) == "bo"
    assert _grade(tmp, out, str(folder / "homework.ipynb")) == 0
    by_id = {r["student_id"]: r for r in _rows(out)}
    assert by_id["ada.l"]["reasons"] == "no submission"
    assert by_id["bo"]["file"] == "homework.ipynb"
    # Untouched notebook: every item "not answered".
    assert all(f"{k}: not answered" in by_id["bo"]["reasons"] for k in keys)


def test_the_key_holds_answers_that_pass_the_books_check(course):
    tmp, keys, key = course
    for sk in key.values():
        for it in sk.items:
            text = ", ".join(repr(v) for v in it.answer)
            assert check_answer(text, it.answer, it.rtol, it.atol).correct


def test_help_explains_the_commands(capsys):
    for argv in (["--help"], ["assign", "--help"], ["grade", "--help"]):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 0
    out = capsys.readouterr().out
    assert "HMAC-SHA256" in out and "time limit" in out.lower() and "--roster" in out


def test_bad_input_is_an_error_message(tmp_path, capsys):
    (tmp_path / "r.csv").write_text("name\nAda\n")
    with pytest.raises(SystemExit) as e:
        main(
            [
                "assign",
                "--roster",
                str(tmp_path / "r.csv"),
                "--secret",
                "x",
                "--chapters",
                "4",
                "--out",
                str(tmp_path / "o"),
            ]
        )
    assert e.value.code == 2
    assert "student_id" in capsys.readouterr().err
    (tmp_path / "r.csv").write_text("student_id\nada\n")
    with pytest.raises(SystemExit):
        main(
            [
                "assign",
                "--roster",
                str(tmp_path / "r.csv"),
                "--secret",
                "x",
                "--chapters",
                "99",
                "--out",
                str(tmp_path / "o"),
            ]
        )
    assert "chapter 99 has no exercises" in capsys.readouterr().err
