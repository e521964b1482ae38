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
        text = (tmp / "hw" / "handout" / f"{sid}.ipynb").read_text()
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
    assert f"notebooks in {tmp_path / 'handout'}/ (hand out only these)" in err
    assert f"key {tmp_path / 'key.csv'}, readable only by you" in err
    with pytest.raises(SystemExit):
        main([*argv, "--exercises", "ch05.nope", "--out", str(tmp_path)])
    assert "unknown exercise 'ch05.nope'" in capsys.readouterr().err


def test_assign_is_reproducible(course, tmp_path):
    tmp, keys, key = course
    assign_cli(tmp / "roster.csv", tmp_path, "--exercises", *keys)
    for sid in key:
        assert (tmp_path / "handout" / f"{sid}.ipynb").read_bytes() == (
            tmp / "hw" / "handout" / f"{sid}.ipynb"
        ).read_bytes()
    assert (tmp_path / "key.csv").read_bytes() == (tmp / "hw" / "key.csv").read_bytes()


def test_the_key_is_private_and_not_among_the_handouts(course):
    tmp, keys, key = course
    out = tmp / "hw"
    assert (out / "key.csv").stat().st_mode & 0o777 == 0o600
    handed_out = sorted(p.name for p in (out / "handout").iterdir())
    assert handed_out == sorted(f"{sid}.ipynb" for sid in key)
    assert sorted(p.name for p in out.iterdir()) == ["handout", "key.csv"]


def test_the_check_cell_says_whether_each_answer_can_be_read(course, capsys):
    """The handout's last cell, run as a student would (answers typed in, then run
    from IPython's ``In``), reads answers as the grader does, and never says if one
    is right."""
    tmp, keys, key = course
    nb = nbformat.read(tmp / "hw" / "handout" / "bo.ipynb", as_version=4)
    check = nb.cells[-1]
    assert check.metadata["backprop"]["role"] == "check"
    assert check.source.startswith("# Check my answers' format")
    sizes = [len(it.answer) for it in key["bo"].items]
    typed = {
        0: "answer = " + repr(", ".join(["1/4"] * sizes[0])),
        1: "answer = " + repr([True] * sizes[1]),
        2: "answer = " + repr(" ".join(["2"] * (sizes[2] + 1))),
        3: "answer = {'x': 1}",
        4: "answer = 1 / 0",
        5: "import numpy as np\nanswer = np.zeros(" + str(sizes[5]) + ")",
    }
    history = [""]
    for i, k in enumerate(keys):
        cell = answer_cell(nb, k)
        if i in typed:
            history.append(cell.source.splitlines()[0] + "\n" + typed[i])
        elif i == 6:
            history.append(cell.source)  # run, but still `answer = ...`
    namespace = {"In": history}
    exec(check.source, namespace)
    lines = capsys.readouterr().out.splitlines()
    n = {i: "one number" if s == 1 else f"{s} numbers" for i, s in enumerate(sizes)}
    got = "one number" if sizes[2] + 1 == 1 else f"{sizes[2] + 1} numbers"
    assert lines[0] == f"exercise 1: can be read ({n[0]})"
    assert lines[1] == f"exercise 2: can be read ({n[1]})"
    assert lines[2] == f"exercise 3: cannot be read: expected {n[2]}, got {got}"
    assert lines[3] == f"exercise 4: cannot be read: it is a dict, not {n[3]}"
    assert lines[4] == "exercise 5: its cell raises ZeroDivisionError: division by zero"
    assert lines[5] == f"exercise 6: can be read ({n[5]})"
    assert lines[6] == "exercise 7: not answered yet (answer = ...)"
    assert all(line.endswith("not run yet (run its answer cell)") for line in lines[7:])
    assert len(lines) == len(keys)
    assert not any("right" in line or "correct" in line for line in lines)
