"""Partial credit in every place marks go (grades file, exports, pages), the answers kept
beside the grades file, and ``report``: the pages of a grades file without running any
notebook again, the same whether it came from one run or from shards joined by merge."""

from __future__ import annotations

import csv
import importlib
import json
import re
import shutil
import stat

import pytest
from backprop.instructor.cli import main
from backprop.instructor.export import write_export
from backprop.instructor.feedback import feedback_page, histogram_counts, report_page
from backprop.instructor.grade import mark
from backprop.instructor.results import (
    Result,
    answers_path,
    mark_text,
    read_grades,
    read_mark,
    write_grades,
)

grade_module = importlib.import_module("backprop.instructor.grade")


def _multi(sk):
    """The first exercise of ``sk`` whose answer has 2 numbers or more."""
    return next(it for it in sk.items if len(it.answer) > 1)


def _partial_text(item, wrong=1):
    """``item``'s answer with its last ``wrong`` entries off by 1000."""
    values = list(item.answer)
    for j in range(len(values) - wrong, len(values)):
        values[j] += 1000
    return ", ".join(repr(v) for v in values)


def test_marks_round_trip_as_shares_and_sum_without_drift(tmp_path):
    for j, k in ((1, 3), (2, 3), (1, 2), (5, 12), (0, 4), (4, 4)):
        assert read_mark(mark_text(j / k)) == j / k
    assert mark_text(2 / 3) == "0.6667" and mark_text(1.0) == "1" and mark_text(0) == "0"
    r = Result("a", "A", "a.ipynb", {"x": 2 / 3, "y": 2 / 3, "z": 2 / 3}, {"x": "partly"}, [])
    r.answers = {"x": "1, 2, 3\n<b>"}
    path = tmp_path / "g.csv"
    write_grades([r], path)
    rows = list(csv.reader(path.open(newline="")))
    assert rows[1][3:7] == ["0.6667", "0.6667", "0.6667", "2"]
    [back] = read_grades(path)
    assert back == r  # answers and per-exercise reasons come back from the side file
    assert stat.S_IMODE(answers_path(path).stat().st_mode) == 0o600
    # A mark changed by hand in the grades file wins; the answers are still shown.
    text = path.read_text().replace("0.6667,0.6667,0.6667,2", "1,0.6667,0.6667,2.3333")
    path.write_text(text)
    [edited] = read_grades(path)
    assert edited.marks["x"] == 1 and edited.answers == r.answers
    assert edited.reasons == {} and edited.problems == ["x: partly"]
    # Without the side file the grades file alone is read.
    answers_path(path).unlink()
    assert read_grades(path)[0].answers == {}
    answers_path(path).write_text("not json\n")
    with pytest.raises(ValueError, match=r"g.answers.jsonl, line 1: not a record"):
        read_grades(path)


def test_partial_credit_reaches_exports_feedback_and_report(course, tmp_path):
    _, keys, key = course
    sk = key["ada.l"]
    item = _multi(sk)
    k = len(item.answer)
    got, why = mark(item, {"status": "text", "text": _partial_text(item)})
    assert got == (k - 1) / k and why.startswith(f"partly right ({k - 1} of {k} entries)")
    marks = {it.key: 1 for it in sk.items} | {item.key: got}
    r = Result(sk.student_id, sk.name, "ada.l.ipynb", marks, {item.key: why}, [])
    r.answers = {item.key: _partial_text(item)}
    points = {it.key: 1.0 for it in sk.items} | {item.key: 3.0}
    full = sum(points.values())
    for fmt in ("canvas", "moodle", "gradescope", "plain"):
        out = write_export([r], tmp_path / f"{fmt}.csv", fmt, points, "hw", [])
        table = list(csv.reader(out.open(newline="", encoding="utf-8-sig")))
        want = f"{full - 3 + 3 * got:.2f}".rstrip("0").rstrip(".")
        assert want in table[-1], (fmt, table)
        if fmt == "plain":
            col = table[0].index(item.key)
            assert table[1][col] == f"{3 * got:.2f}".rstrip("0").rstrip(".")
    page = report_page([r], key | {}, "hw")
    n = len(sk.items)
    total = mark_text(n - 1 + got)
    assert f"<td>{total} / {n}</td>" in page
    assert re.search(rf"<td>{re.escape(item.key)}</td><td>0/1 \(0%\)</td>", page)
    assert f"{got:.2f}</td>" in page  # the mean mark beside its bar

    fb = feedback_page(r, sk, "hw")
    assert f"partly right ({mark_text(got)} of 1)" in fb and f"{total} / {n}" in fb


def test_the_report_has_a_histogram_of_totals(course):
    _, keys, key = course
    assert histogram_counts([0, 0.5, 1, 2.5, 3 - 1e-12, 3], 3) == [2, 1, 1, 2]
    results = [
        Result(sk.student_id, sk.name, "f", {it.key: int(i < j) for i, it in enumerate(sk.items)})
        for j, sk in enumerate(key.values())
    ]
    page = report_page(results, key, "hw")
    svg = page[page.index('aria-label="histogram of the totals"') :]
    svg = svg[: svg.index("</svg>")]
    # One bar per total 0 .. n (n = full marks), each titled with its count.
    n = len(keys)
    assert svg.count("<rect") == n + 1
    for j in range(3):
        assert f"<title>{j}\u2013{j + 1}: 1</title>" in svg
    assert f"<title>{n}: 0</title>" in svg
    assert page == report_page(results, key, "hw")  # the same bytes every time


def _stub(path, sk, *args, **kwargs):
    """A stand-in for running a notebook: ada.l all right, cy-3 one exercise partly
    right and the others doubled (a slip the report names)."""
    marks, reasons, answers = {}, {}, {}
    for i, it in enumerate(sk.items):
        if sk.student_id == "ada.l":
            marks[it.key], answers[it.key] = 1, it.answer_text
        elif len(it.answer) > 1 and i == len(sk.items) - 1:
            text = _partial_text(it)
            answers[it.key] = text
            marks[it.key], reasons[it.key] = mark(it, {"status": "text", "text": text})
        else:
            text = ", ".join(repr(2 * v) for v in it.answer)
            answers[it.key] = text
            marks[it.key], reasons[it.key] = mark(it, {"status": "text", "text": text})
    return Result(sk.student_id, sk.name, path.name, marks, reasons, [], answers)


def test_shards_merged_then_reported_equal_one_run(course, tmp_path, monkeypatch, capsys):
    tmp, keys, key = course
    monkeypatch.setattr(grade_module, "grade_submission", _stub)
    files = []
    for sid in ("ada.l", "cy-3"):
        shutil.copy(tmp / "hw" / "handout" / f"{sid}.ipynb", tmp_path / f"{sid}.ipynb")
        files.append(str(tmp_path / f"{sid}.ipynb"))
    key_csv = str(tmp / "hw" / "key.csv")

    def grade(out, *options):
        argv = ["grade", "--key", key_csv, "--out", str(out), "--jobs", "1", *options]
        assert main([*argv, *files]) == 0

    one = tmp_path / "one"
    grade(tmp_path / "hw.csv", "--feedback", str(one / "fb"), "--report", str(one / "r.html"))
    # Two shards joined by merge, then report: the same pages as the one run.
    for i in (1, 2):
        grade(tmp_path / f"part{i}.csv", "--shard", f"{i}/2")
    merged = tmp_path / "merged" / "hw.csv"
    merged.parent.mkdir()
    argv = ["merge", "--key", key_csv, "--out", str(merged)]
    assert main([*argv, str(tmp_path / "part1.csv"), str(tmp_path / "part2.csv")]) == 0
    assert merged.read_text() == (tmp_path / "hw.csv").read_text()
    two = tmp_path / "two"
    argv = ["report", "--key", key_csv, "--grades", str(merged)]
    assert main([*argv, "--html", str(two / "r.html"), "--feedback", str(two / "fb")]) == 0
    assert "2 feedback pages" in capsys.readouterr().err
    assert (two / "r.html").read_bytes() == (one / "r.html").read_bytes()
    assert sorted(p.name for p in (two / "fb").iterdir()) == ["ada.l.html", "cy-3.html"]
    for page in (one / "fb").iterdir():
        assert (two / "fb" / page.name).read_bytes() == page.read_bytes(), page.name
    text = (two / "fb" / "cy-3.html").read_text("utf-8")
    assert "partly right" in text and "a factor 2" in (two / "r.html").read_text("utf-8")
    # --resume carries rows over with their answers: the pages stay the same.
    three = tmp_path / "three"
    grade(tmp_path / "hw.csv", "--resume", "--feedback", str(three / "fb"))
    assert "2 graded before and skipped" in capsys.readouterr().err
    for page in (one / "fb").iterdir():
        assert (three / "fb" / page.name).read_bytes() == page.read_bytes(), page.name
    records = [json.loads(line) for line in answers_path(merged).read_text().splitlines()]
    assert [r["student_id"] for r in records] == list(key)


def test_report_refuses_what_it_cannot_use(course, tmp_path, capsys):
    tmp, _, key = course
    key_csv = str(tmp / "hw" / "key.csv")
    other = tmp_path / "other.csv"
    other.write_text("student_id,name,file,ch09.x,total,max,reasons\nbo,Bo,bo.ipynb,1,1,1,\n")
    for argv, message in (
        (["--grades", str(other), "--html", "r.html"], "another assignment"),
        (["--grades", str(tmp_path / "none.csv"), "--html", "r.html"], "none.csv"),
        (["--grades", str(other)], "nothing to write"),
    ):
        with pytest.raises(SystemExit):
            main(["report", "--key", key_csv, *argv])
        assert message in capsys.readouterr().err
