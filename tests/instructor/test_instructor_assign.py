"""``assign``: one notebook per student with that student's numbers and no answers, the
key beside them, reproducible byte for byte; its progress bar and summary."""

from __future__ import annotations

import csv
import json

import nbformat
import pytest
from backprop.instructor.cli import main
from instructor_helpers import answer_cell, assign_cli


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
            cell = answer_cell(nb, it.key)
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
    assign_cli(tmp / "roster.csv", tmp_path, "--chapters", "1", "4", "5")
    for sid in key:
        assert (tmp_path / f"{sid}.ipynb").read_bytes() == (
            tmp / "hw" / f"{sid}.ipynb"
        ).read_bytes()
    assert (tmp_path / "key.csv").read_bytes() == (tmp / "hw" / "key.csv").read_bytes()
