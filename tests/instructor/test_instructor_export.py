"""Grades out for a learning-management system (``--format``): the headers each one
imports, points per exercise, and the student columns taken from the roster."""

from __future__ import annotations

import csv
import importlib
import shutil

import pytest
from backprop.instructor.cli import main
from backprop.instructor.export import parse_points, write_export
from backprop.instructor.results import Result

grade_module = importlib.import_module("backprop.instructor.grade")

CANVAS_ROSTER = (
    "Student,ID,SIS User ID,SIS Login ID,Section\n"
    "    Points Possible,,,,\n"
    '"Lovelace, Ada",101,S001,ada.l,Section 1\n'
    '"Bo, Bo",102,S002,bo,Section 2\n'
    '"Cy, Cy",103,S003,cy-3,Section 2\n'
)


@pytest.fixture
def graded(course, tmp_path, monkeypatch):
    """The course graded with a stub: ada.l all right, bo the first exercise only, cy-3
    missing; returns a function that runs grade with extra options."""
    tmp, keys, key = course

    def fake(path, sk, *args, **kwargs):
        right = len(sk.items) if sk.student_id == "ada.l" else 1
        marks = {it.key: int(i < right) for i, it in enumerate(sk.items)}
        return Result(sk.student_id, sk.name, path.name, marks)

    monkeypatch.setattr(grade_module, "grade_submission", fake)
    for sid in ("ada.l", "bo"):
        shutil.copy(tmp / "hw" / "handout" / f"{sid}.ipynb", tmp_path / f"{sid}.ipynb")

    def run(*options):
        argv = ["grade", "--key", str(tmp / "hw" / "key.csv"), "--out", str(tmp_path / "hw2.csv")]
        files = [str(tmp_path / "ada.l.ipynb"), str(tmp_path / "bo.ipynb")]
        return main([*argv, "--jobs", "1", *options, *files])

    return run


def _table(path, encoding="utf-8"):
    with path.open(newline="", encoding=encoding) as f:
        return list(csv.reader(f))


def test_canvas_gets_its_gradebook_columns_from_the_roster(course, tmp_path, graded):
    tmp, keys, key = course
    roster = tmp_path / "canvas.csv"
    roster.write_text(CANVAS_ROSTER)
    assert graded("--format", "canvas", "--roster", str(roster), "--points", "2") == 0
    table = _table(tmp_path / "hw2-canvas.csv")
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "hw2"]
    assert table[1] == ["    Points Possible", "", "", "", "", str(2 * len(keys))]
    assert table[2] == ["Lovelace, Ada", "101", "S001", "ada.l", "Section 1", str(2 * len(keys))]
    assert table[3] == ["Bo, Bo", "102", "S002", "bo", "Section 2", "2"]
    assert table[4][:4] == ["Cy, Cy", "103", "S003", "cy-3"] and table[4][5] == "0"
    assert not (tmp_path / "hw2.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_moodle_and_gradescope_headers(course, tmp_path, graded):
    tmp, keys, key = course
    assert graded("--format", "moodle", "--assignment", "Homework 2") == 0
    table = _table(tmp_path / "hw2-moodle.csv")
    assert table[0] == [
        "First name",
        "Surname",
        "ID number",
        "Email address",
        "Homework 2",
        "Feedback",
    ]
    assert table[1][:5] == ["Ada", "Lovelace", "ada.l", "", str(len(keys))]
    assert table[3][2] == "cy-3" and table[3][5] == "no submission"
    out = tmp_path / "scores.csv"
    assert graded("--format", "gradescope", "--export", str(out)) == 0
    table = _table(out)
    assert table[0] == ["Name", "SID", "Email", "Total Score"]
    assert table[1] == ["Ada Lovelace", "ada.l", "", str(len(keys))]


def test_plain_is_utf8_with_bom_and_points_per_exercise(course, tmp_path, graded):
    tmp, keys, key = course
    assert graded("--format", "plain", "--points", f"{keys[0]}=5,{keys[1]}=0.5") == 0
    path = tmp_path / "hw2-plain.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    table = _table(path, "utf-8-sig")
    assert table[0] == ["student_id", "name", *keys, "total", "max", "reasons"]
    most = 5 + 0.5 + (len(keys) - 2)
    assert table[1][-3:] == [f"{most:g}", f"{most:g}", ""]
    assert table[2][2:4] == ["5", "0"] and table[2][-3] == "5"  # bo: only the first right


def test_bad_points_and_formats_are_errors(course, tmp_path, graded, capsys):
    tmp, keys, key = course
    for options, message in (
        (("--format", "plain", "--points", "ch99.x=2"), "not an exercise of this assignment"),
        (("--format", "plain", "--points", "many"), "is not NUMBER or KEY=NUMBER"),
        (("--format", "excel"), "invalid choice: 'excel'"),
    ):
        with pytest.raises(SystemExit):
            graded(*options)
        assert message in capsys.readouterr().err
    assert parse_points(["2", f"{keys[0]}=3"], keys[:2]) == {keys[0]: 3.0, keys[1]: 2.0}
    with pytest.raises(ValueError, match="unknown format"):
        write_export([], tmp_path / "x.csv", "excel", {}, "a")
