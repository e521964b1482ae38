"""The instructor's whole loop on a synthetic class of six, as the instructors' page walks
through it: a Canvas gradebook export (with its "Points Possible" row and test student)
-> assign (chapter 1: numbers, a formula and code) -> the students' answers (right, wrong,
partly right, unanswered, code left unfinished, one file missing) -> grade with --jobs 2 as two shards, each notebook in the sandbox -> merge ->
every export format -> report (the class report and a feedback page per student)."""

from __future__ import annotations

import csv
import os
import re

import nbformat
import pytest
from backprop.instructor import read_key
from backprop.instructor.cli import main
from backprop.instructor.results import read_grades
from backprop.instructor.sandbox import sandbox_problem
from instructor_helpers import CELL, NOTEBOOK, answer_cell, assign_cli, right_source

pytestmark = pytest.mark.skipif(
    bool(sandbox_problem()) and os.environ.get("CI") != "true",
    reason=f"no sandbox here: {sandbox_problem()}",
)

ROSTER = (
    "Student,ID,SIS User ID,SIS Login ID,Section\n"
    "    Points Possible,,,,\n"
    '"Lovelace, Ada",101,S001,ada,Section 1\n'
    '"Noether, Emmy",102,S002,emmy,Section 1\n'
    '"Gauß, Carl",103,S003,carl,Section 2\n'
    '"Hopper, Grace",104,S004,grace,Section 2\n'
    '"Turing, Alan",105,S005,alan,Section 1\n'
    '"Germain, Sophie",106,S006,sophie,Section 2\n'
    '"Student, Test",999,,,Section 1\n'
)
#: Points: 2 per exercise, 3 for the one with two numbers (ch01.gradient).
POINTS = ["2", "ch01.gradient=3"]
MOST = 4 * 2 + 3


def _write(tmp_path, key, sid, answers):
    """``sid``'s handout with ``answers`` (exercise -> source of its answer cell)."""
    nb = nbformat.read(tmp_path / "hw" / "handout" / f"{sid}.ipynb", as_version=4)
    for k, source in answers.items():
        answer_cell(nb, k).source = source
    # Canvas's download name: name_canvasid_submissionid_<the handout's name>.
    path = tmp_path / "submissions" / f"x_{sid}_7_{sid}.ipynb"
    nbformat.write(nb, path)
    return path


def _table(path, encoding="utf-8"):
    with path.open(newline="", encoding=encoding) as f:
        return list(csv.reader(f))


def test_the_whole_loop(tmp_path, capsys):
    roster = tmp_path / "canvas-export.csv"
    roster.write_bytes(ROSTER.encode("utf-8-sig"))  # as Canvas writes it: a BOM
    status = assign_cli(
        roster,
        tmp_path / "hw",
        "--chapters",
        "1",
        "--title",
        "Homework 1",
        "--deadline",
        "Friday 17:00",
    )
    assert status == 0
    key = read_key(tmp_path / "hw" / "key.csv")
    assert list(key) == ["ada", "emmy", "carl", "grace", "alan", "sophie"]  # no test student
    keys = [it.key for it in key["ada"].items]
    assert keys == [
        "ch01.chain-code",
        "ch01.composite",
        "ch01.derivative-formula",
        "ch01.gradient",
        "ch01.three-links",
    ]

    (tmp_path / "submissions").mkdir()

    def right(sid):
        return {it.key: right_source(it) for it in key[sid].items}

    items = {sid: {it.key: it for it in sk.items} for sid, sk in key.items()}
    doubled = [2 * v for v in items["carl"]["ch01.composite"].answer]
    g = list(items["grace"]["ch01.gradient"].answer)
    files = [
        _write(tmp_path, key, "ada", right("ada")),
        _write(tmp_path, key, "emmy", right("emmy")),
        # carl: an answer twice the right one (a slip the report names), and the code
        # exercise's function left as handed out (it raises NotImplementedError).
        _write(
            tmp_path,
            key,
            "carl",
            {k: v for k, v in right("carl").items() if k != "ch01.chain-code"}
            | {"ch01.composite": f"answer = {doubled}"},
        ),
        # grace: the gradient's second entry wrong: half its points.
        _write(
            tmp_path, key, "grace", right("grace") | {"ch01.gradient": f"answer = {g[0]!r}, 99.0"}
        ),
        # alan: the handout as it was, nothing answered; sophie: no file at all.
        _write(tmp_path, key, "alan", {}),
    ]

    key_csv = str(tmp_path / "hw" / "key.csv")
    for i in (1, 2):
        argv = ["grade", "--key", key_csv, "--out", str(tmp_path / f"part{i}.csv")]
        argv += ["--jobs", "2", "--shard", f"{i}/2", "--timeout", str(NOTEBOOK)]
        argv += ["--cell-timeout", str(CELL)]
        assert main([*argv, *map(str, files)]) == 0
    capsys.readouterr()

    grades = tmp_path / "hw1.csv"
    parts = [str(tmp_path / "part1.csv"), str(tmp_path / "part2.csv")]
    for fmt in ("canvas", "moodle", "gradescope", "plain"):
        argv = ["merge", "--key", key_csv, "--out", str(grades), "--format", fmt]
        argv += ["--roster", str(roster), "--assignment", "Homework 1"]
        argv += [f"--points={p}" for p in POINTS]
        assert main([*argv, *parts]) == 0
    assert "merged 2 grades files: 6 students (1 without a submission)" in capsys.readouterr().err

    # The grades file: a mark (the share earned) per exercise.
    rows = {r.student_id: r for r in read_grades(grades)}
    assert rows["ada"].marks == dict.fromkeys(keys, 1) and rows["emmy"].total == 5
    assert rows["carl"].marks["ch01.composite"] == 0
    assert rows["grace"].marks["ch01.gradient"] == 0.5
    assert "partly right (1 of 2 entries)" in rows["grace"].reasons["ch01.gradient"]
    assert rows["alan"].total == 0 and "not answered" in rows["alan"].reason_text
    assert rows["sophie"].file == "" and rows["sophie"].problems == ["no submission"]
    assert "it still raises NotImplementedError" in rows["carl"].reasons["ch01.chain-code"]
    assert rows["ada"].marks["ch01.derivative-formula"] == 1
    score = {"ada": 11, "emmy": 11, "carl": 7, "grace": 9.5, "alan": 0, "sophie": 0}

    canvas = _table(tmp_path / "hw1-canvas.csv")
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Homework 1"]
    assert canvas[1] == ["    Points Possible", "", "", "", "", str(MOST)]
    assert canvas[2] == ["Lovelace, Ada", "101", "S001", "ada", "Section 1", "11"]
    assert canvas[4] == ["Gauß, Carl", "103", "S003", "carl", "Section 2", "7"]
    assert {r[3]: r[5] for r in canvas[2:]} == {s: f"{v:g}" for s, v in score.items()}

    moodle = _table(tmp_path / "hw1-moodle.csv")
    assert moodle[0] == [
        "First name",
        "Surname",
        "ID number",
        "Email address",
        "Homework 1",
        "Feedback",
    ]
    assert {r[2]: r[4] for r in moodle[1:]} == {s: f"{v:g}" for s, v in score.items()}
    grace = next(r for r in moodle if r[2] == "grace")
    assert "partly right" in grace[5]

    gradescope = _table(tmp_path / "hw1-gradescope.csv")
    assert gradescope[0] == ["Name", "SID", "Email", "Total Score"]
    assert {r[1]: r[3] for r in gradescope[1:]} == {s: f"{v:g}" for s, v in score.items()}

    plain_path = tmp_path / "hw1-plain.csv"
    assert plain_path.read_bytes().startswith(b"\xef\xbb\xbf")
    plain = _table(plain_path, "utf-8-sig")
    assert plain[0] == ["student_id", "name", *keys, "total", "max", "reasons"]
    by_id = {r[0]: r for r in plain[1:]}
    assert by_id["grace"][2:9] == ["2", "2", "2", "1.5", "2", "9.5", "11"]
    assert by_id["carl"][1] == "Gauß, Carl" and by_id["carl"][2:7] == ["0", "0", "2", "3", "2"]

    # The report and the feedback pages, from the merged file alone.
    argv = ["report", "--key", key_csv, "--grades", str(grades)]
    argv += ["--html", str(tmp_path / "report.html"), "--feedback", str(tmp_path / "feedback")]
    assert main(argv) == 0
    pages = sorted(p.name for p in (tmp_path / "feedback").iterdir())
    assert pages == ["ada.html", "alan.html", "carl.html", "emmy.html", "grace.html"]
    page = (tmp_path / "feedback" / "grace.html").read_text("utf-8")
    assert "partly right (0.5 of 1)" in page and "99.0" in page
    assert "Total: <strong>4.5 / 5</strong>" in page
    report = (tmp_path / "report.html").read_text("utf-8")
    assert "5 of 6 students submitted" in report
    assert "<em>a factor 2 too many (twice the answer)</em>: 1" in report
    assert re.search(r"<td>ch01.composite</td><td>3/6 \(50%\)</td>", report)
    assert 'aria-label="histogram of the totals"' in report
    assert "<td>sophie</td><td>Germain, Sophie</td><td>0 / 5</td><td>no submission</td>" in report
