"""Grading a course of real size: several sandboxes at once (``--jobs``), the roster
split into shards graded apart (``--shard i/N``) and joined again (``merge``); each
gives the same grades file as one plain run."""

from __future__ import annotations

import importlib
import shutil
import threading
import time

import nbformat
import pytest
from backprop.instructor.cli import main
from backprop.instructor.results import Result, merge_files, parse_shard, shard_of
from instructor_helpers import CELL, NOTEBOOK, answer_cell

grade_module = importlib.import_module("backprop.instructor.grade")


def _grade(tmp, out, *files, options=()):
    argv = ["grade", "--key", str(tmp / "hw" / "key.csv"), "--out", str(out)]
    argv += ["--timeout", str(NOTEBOOK), "--cell-timeout", str(CELL), *options]
    return main([*argv, *map(str, files)])


def _submissions(course, tmp_path):
    """ada.l all right, cy-3 as handed out, bo missing, a file of nobody's, and a second
    (worse) file of ada.l's."""
    tmp, keys, key = course
    nb = nbformat.read(tmp / "hw" / "handout" / "ada.l.ipynb", as_version=4)
    for it in key["ada.l"].items:
        answer_cell(nb, it.key).source = f"answer = {list(it.answer)!r}"
    nbformat.write(nb, tmp_path / "ada.l.ipynb")
    shutil.copy(tmp / "hw" / "handout" / "ada.l.ipynb", tmp_path / "x_1_2_ada.l.ipynb")
    shutil.copy(tmp / "hw" / "handout" / "cy-3.ipynb", tmp_path / "cy-3.ipynb")
    (tmp_path / "homework.ipynb").write_text("not a notebook")
    names = ("ada.l.ipynb", "x_1_2_ada.l.ipynb", "cy-3.ipynb", "homework.ipynb")
    return [tmp_path / n for n in names]


def test_jobs_finish_out_of_order_and_give_the_same_rows(course, tmp_path, monkeypatch):
    tmp, keys, key = course
    files = _submissions(course, tmp_path)
    running, most = set(), []

    def slow(path, sk, *args, **kwargs):
        running.add(path.name)
        most.append(len(running))
        # The first file takes longest: with two jobs the others finish before it.
        time.sleep(0.3 if path.name == "ada.l.ipynb" else 0.05)
        running.discard(path.name)
        total = len(path.name) % 3  # different totals: the best file must win
        marks = {it.key: int(i < total) for i, it in enumerate(sk.items)}
        return Result(
            sk.student_id, sk.name, path.name, marks, {}, [threading.current_thread().name]
        )

    monkeypatch.setattr(grade_module, "grade_submission", slow)
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert _grade(tmp, one, *files, options=("--jobs", "1")) == 0
    assert max(most) == 1
    most.clear()
    assert _grade(tmp, two, *files, options=("--jobs", "2")) == 0
    assert max(most) == 2
    strip = lambda text: text.replace("grade_0", "grade_N").replace("grade_1", "grade_N")  # noqa: E731
    assert strip(one.read_text()) == strip(two.read_text())
    # Rows are written as each file is graded: one save per file.
    saves = []
    grade_module.grade(files, key, jobs=2, sandboxed=False, on_graded=saves.append)
    assert len(saves) == len(files)


def test_bad_jobs_and_shards_are_errors(course, tmp_path, capsys):
    tmp, keys, key = course
    for options, message in (
        (("--jobs", "0"), "--jobs must be at least 1"),
        (("--shard", "3/2"), "i must lie in 1 .. N"),
        (("--shard", "half"), "a shard is written i/N"),
    ):
        with pytest.raises(SystemExit):
            _grade(tmp, tmp_path / "g.csv", tmp_path / "none.ipynb", options=options)
        assert message in capsys.readouterr().err
    assert parse_shard("2/8") == (2, 8)
    # Every student is in exactly one shard, the same one every time.
    for n in (1, 2, 3, 5):
        shards = [list(shard_of(key, i, n)) for i in range(1, n + 1)]
        assert sorted(s for shard in shards for s in shard) == sorted(key)
        assert max(map(len, shards)) - min(map(len, shards)) <= 1


def test_two_shards_merged_equal_one_run(course, tmp_path, capsys):
    tmp, keys, key = course
    files = _submissions(course, tmp_path)
    whole = tmp_path / "whole.csv"
    assert _grade(tmp, whole, *files, options=("--jobs", "2")) == 0
    parts = [tmp_path / f"part-{i}.csv" for i in (1, 2)]
    for i, part in enumerate(parts, start=1):
        assert _grade(tmp, part, *files, options=("--shard", f"{i}/2", "--jobs", "1")) == 0
        left_out = "3 of other shards left out" in capsys.readouterr().err
        assert left_out == (i == 2)  # shard 2 is bo alone, who submitted nothing
    # Shard 1 of 2 is ada.l and cy-3 (first and third in the roster) and the orphan.
    assert "ada.l" in parts[0].read_text() and "bo," not in parts[0].read_text()
    assert "homework.ipynb" in parts[0].read_text()
    assert "bo,Bo,,0" in parts[1].read_text() and "homework" not in parts[1].read_text()
    merged = tmp_path / "merged.csv"
    argv = ["merge", "--key", str(tmp / "hw" / "key.csv"), "--out", str(merged)]
    assert main([*argv, *map(str, reversed(parts))]) == 0
    assert merged.read_text() == whole.read_text()
    assert "merged 2 grades files: 3 students (1 without a submission)" in capsys.readouterr().err
    # A shard merged twice, and a file of another assignment, are refused.
    with pytest.raises(ValueError, match="both grade student 'ada.l'"):
        merge_files([parts[0], parts[0]], key)
    other = tmp_path / "other.csv"
    other.write_text("student_id,name,file,ch09.x,total,max,reasons\nbo,Bo,bo.ipynb,1,1,1,\n")
    with pytest.raises(SystemExit):
        main([*argv, str(parts[0]), str(other)])
    assert "holds the grades of another assignment" in capsys.readouterr().err
