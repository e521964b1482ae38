"""The rough edges of real submissions: names as a learning-management system downloads
them, two students with the same code, ids that differ only in case, an interrupted
run carried on with ``--resume``, and grading one student into an existing grades
file. Marking is replaced by a stub that records what it was asked (the marking itself
is tested in test_instructor_grade.py), so these run without kernels."""

from __future__ import annotations

import csv
import importlib
import shutil

import nbformat
import pytest
from backprop.instructor.cli import main
from backprop.instructor.results import Result
from backprop.instructor.submission import attribute, code_print
from backprop.instructor.variants import read_roster
from instructor_helpers import answer_cell

grade_module = importlib.import_module("backprop.instructor.grade")


@pytest.fixture
def stub(monkeypatch):
    """Every submission gets full marks, without running it; ``calls`` lists the files."""
    calls = []

    def fake(path, sk, *args, **kwargs):
        calls.append(path.name)
        return Result(sk.student_id, sk.name, path.name, {it.key: 1 for it in sk.items})

    monkeypatch.setattr(grade_module, "grade_submission", fake)
    return calls


def _grade(tmp, out, *files, resume=False, jobs=1):
    argv = ["grade", "--key", str(tmp / "hw" / "key.csv"), "--out", str(out), "--jobs", str(jobs)]
    return main([*argv, *(["--resume"] if resume else []), *map(str, files)])


def _rows(path):
    with path.open() as f:
        return {r["student_id"]: r for r in csv.DictReader(f)}


def test_canvas_download_names_are_attributed(course, tmp_path):
    tmp, keys, key = course
    assert attribute(tmp_path / "lovelaceada_12345_67890_ada.l.ipynb", key) == "ada.l"
    assert attribute(tmp_path / "bobo_LATE_12345_67891_bo-1.ipynb", key) == "bo"
    assert attribute(tmp_path / "cy_1_2_CY-3.ipynb", key) == "cy-3"
    assert attribute(tmp_path / "someone_12345_67890_homework.ipynb", key) is None


def test_two_students_with_the_same_code_are_both_flagged(course, tmp_path, stub):
    tmp, keys, key = course
    for sid in key:
        nb = nbformat.read(tmp / "hw" / "handout" / f"{sid}.ipynb", as_version=4)
        for i, k in enumerate(keys):
            # ada.l and bo share their code; cy-3 wrote their own.
            answer_cell(nb, k).source += f"\nanswer = {i + (7 if sid == 'cy-3' else 0)}"
        nbformat.write(nb, tmp_path / f"{sid}.ipynb")
    untouched = nbformat.read(tmp / "hw" / "handout" / "bo.ipynb", as_version=4)
    assert code_print(untouched) == ""
    out = tmp_path / "g.csv"
    assert _grade(tmp, out, *sorted(tmp_path.glob("*.ipynb"))) == 0
    rows = _rows(out)
    assert "possible copy: the same code as the submission of 'bo'" in rows["ada.l"]["reasons"]
    assert "possible copy: the same code as the submission of 'ada.l'" in rows["bo"]["reasons"]
    assert "possible copy" not in rows["cy-3"]["reasons"]


def test_ids_that_differ_only_in_case_are_a_roster_error(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\nAda,Ada\nbo,Bo\nada,Ada too\n")
    with pytest.raises(ValueError, match=r"line 4: student ids 'Ada' \(line 2\) and 'ada' differ"):
        read_roster(roster)


def test_one_student_is_merged_into_an_existing_grades_file(course, tmp_path, stub):
    tmp, keys, key = course
    out = tmp_path / "g.csv"
    for sid in ("ada.l", "bo"):
        shutil.copy(tmp / "hw" / "handout" / f"{sid}.ipynb", tmp_path / f"{sid}.ipynb")
    assert _grade(tmp, out, tmp_path / "ada.l.ipynb") == 0
    assert _rows(out)["bo"]["reasons"] == "no submission"
    assert _grade(tmp, out, tmp_path / "bo.ipynb") == 0  # a late submission
    rows = _rows(out)
    assert rows["ada.l"]["file"] == "ada.l.ipynb" and rows["ada.l"]["total"] == str(len(keys))
    assert rows["bo"]["file"] == "bo.ipynb" and rows["bo"]["total"] == str(len(keys))
    assert rows["cy-3"]["reasons"] == "no submission"
    # A grades file of another assignment is not merged into.
    other = tmp_path / "other.csv"
    other.write_text("student_id,name,file,ch09.x,total,max,reasons\nbo,Bo,bo.ipynb,1,1,1,\n")
    with pytest.raises(SystemExit):
        _grade(tmp, other, tmp_path / "bo.ipynb")


def test_an_interrupted_run_keeps_its_rows_and_resumes(course, tmp_path, monkeypatch, capsys):
    tmp, keys, key = course
    files = []
    for sid in key:
        shutil.copy(tmp / "hw" / "handout" / f"{sid}.ipynb", tmp_path / f"{sid}.ipynb")
        files.append(tmp_path / f"{sid}.ipynb")
    calls = []

    def interrupted(path, sk, *args, **kwargs):
        if len(calls) == 2:
            raise KeyboardInterrupt
        calls.append(path.name)
        return Result(sk.student_id, sk.name, path.name, {it.key: 1 for it in sk.items})

    monkeypatch.setattr(grade_module, "grade_submission", interrupted)
    out = tmp_path / "g.csv"
    assert _grade(tmp, out, *files) == 130
    assert "--resume" in capsys.readouterr().err.splitlines()[-1]
    rows = _rows(out)
    assert [rows[sid]["file"] for sid in key] == ["ada.l.ipynb", "bo.ipynb", ""]
    calls.clear()
    assert _grade(tmp, out, *files, resume=True) == 0
    assert calls == ["cy-3.ipynb"]  # only the file not graded before
    assert "2 graded before and skipped" in capsys.readouterr().err
    rows = _rows(out)
    assert all(rows[sid]["total"] == str(len(keys)) for sid in key)
