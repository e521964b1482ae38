"""Feedback pages (one per student), the class report and the handouts' course facts:
on the course assigned once, with synthetic grades and one graded run end to end."""

from __future__ import annotations

import re

import nbformat
import pytest
from backprop.exercises import make
from backprop.instructor.feedback import (
    _markup,
    feedback_page,
    report_page,
    slip,
    write_feedback,
)
from backprop.instructor.results import Result
from instructor_helpers import answer_cell, assign_cli, grade_cli


def _result(sk, marks, answers, file="x.ipynb"):
    return Result(sk.student_id, sk.name, file, marks, {}, [], answers)


def _synthetic(key):
    """ada.l all right; bo every answer doubled; cy-3 the first answer with a script."""
    out = []
    for sid, sk in key.items():
        marks, answers = {}, {}
        for i, it in enumerate(sk.items):
            if sid == "ada.l":
                marks[it.key], answers[it.key] = 1, it.answer_text
            elif sid == "bo":
                marks[it.key] = 0
                answers[it.key] = ", ".join(repr(2 * v) for v in it.answer)
            else:
                marks[it.key] = 0
                answers[it.key] = "<script>alert(1)</script>" if i == 0 else ""
        out.append(_result(sk, marks, answers, f"{sid}.ipynb"))
    return out


def test_each_student_gets_a_page_with_their_own_numbers_only(course, tmp_path):
    _, _, key = course
    pages = write_feedback(_synthetic(key), key, tmp_path / "fb", "Homework 2")
    assert sorted(p.name for p in pages) == ["ada.l.html", "bo.html", "cy-3.html"]
    for sid, sk in key.items():
        text = (tmp_path / "fb" / f"{sid}.html").read_text("utf-8")
        assert "Homework 2" in text and sid in text
        assert "<script" not in text.replace("&lt;script", "")  # no script at all
        for fetch in ("src=", "<link", "@import", "url("):  # nothing to download
            assert fetch not in text
        for it in sk.items:
            mine = make(it.key, it.seed)
            assert _markup(mine.question) in text
            assert it.answer_text in text  # the right answer, for their numbers
            if mine.solution:
                assert _markup(mine.solution) in text
            for other, ok in key.items():
                theirs = make(it.key, ok.item(it.key).seed)
                if other != sid and theirs.question != mine.question:
                    assert _markup(theirs.question) not in text, (sid, other, it.key)


def test_what_a_student_wrote_is_escaped(course):
    _, _, key = course
    [cy] = [r for r in _synthetic(key) if r.student_id == "cy-3"]
    text = feedback_page(cy, key["cy-3"])
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "(none read)" in text


@pytest.mark.parametrize(
    ("wrong", "right", "expected"),
    [
        ("4", [2.0], "a factor 2 too many"),
        ("1", [2.0], "a factor 1/2"),
        ("-2, 0, 3", [2.0, 0.0, -3.0], "the sign flipped"),
        ("0.25", [1.0], "off by a factor 1/4"),
        ("3", [2.0], ""),
        ("2, 1", [1.0, 1.0], ""),  # not one factor for all entries
        ("oops", [1.0], ""),
        ("1, 1", [0.0, 1.0], ""),  # a zero made non-zero is no factor
    ],
)
def test_slips_are_recognised_by_their_factor(wrong, right, expected):
    found = slip(wrong, right)
    assert found.startswith(expected) if expected else found == ""


def test_the_class_report_gives_shares_slips_and_totals(course):
    _, keys, key = course
    results = _synthetic(key)
    results.append(Result("zed", "", "stray.ipynb", {}, {}, ["cannot tell"]))
    text = report_page(results, key, "Homework 2")
    assert "3 of 3 students submitted" in text
    for k in keys:
        assert re.search(rf"<td>{re.escape(k)}</td><td>1/3 \(33%\)</td>", text), k
    # bo's doubled answers are all named as the slip, once per exercise.
    doubled = [it for it in key["bo"].items if any(v != 0 for v in it.answer)]
    assert text.count("<em>a factor 2 too many (twice the answer)</em>: 1") == len(doubled)
    assert "&lt;script&gt;" in text and "<script>" not in text
    n = len(keys)
    assert f"<td>ada.l</td><td>Ada Lovelace</td><td>{n} / {n}</td>" in text
    assert f"<td>bo</td><td>Bo</td><td>0 / {n}</td>" in text
    assert "zed" not in text  # files nobody owns are not students
    assert "<svg" in text and "<script" not in text.replace("&lt;script", "")


def test_grade_writes_feedback_and_report_end_to_end(course, tmp_path, capsys):
    tmp, _, key = course
    sk = key["bo"]
    nb = nbformat.read(tmp / "hw" / "handout" / "bo.ipynb", as_version=4)
    first = sk.items[0]
    for it in sk.items:
        answer_cell(nb, it.key).source = f"answer = {list(it.answer)!r}"
    flipped = ", ".join(repr(-v) for v in first.answer)
    answer_cell(nb, first.key).source = f"answer = {flipped!r}"
    nbformat.write(nb, tmp_path / "bo.ipynb")
    out, fb, report = tmp_path / "g.csv", tmp_path / "fb", tmp_path / "report.html"
    argv = ["--feedback", str(fb), "--report", str(report)]
    status = grade_cli(tmp, out, tmp_path / "bo.ipynb", *argv)
    assert status == 0
    assert [p.name for p in fb.iterdir()] == ["bo.html"]  # no page without a submission
    page = (fb / "bo.html").read_text("utf-8")
    assert flipped in page and f"{len(sk.items) - 1} / {len(sk.items)}" in page
    text = report.read_text("utf-8")
    if any(v != 0 for v in first.answer):
        assert "<em>the sign flipped</em>: 1" in text
    assert "feedback page" in capsys.readouterr().err


def test_handouts_carry_title_deadline_and_how_to_submit(course, tmp_path):
    tmp, _, _ = course
    status = assign_cli(
        tmp / "roster.csv",
        tmp_path / "hw",
        "--exercises",
        "ch04.masked-delta",
        "--title",
        "Deep Learning 101: Homework 2",
        "--deadline",
        "Friday 5 June, 17:00",
        "--submit",
        "upload the .ipynb to Moodle",
    )
    assert status == 0
    nb = nbformat.read(tmp_path / "hw" / "handout" / "bo.ipynb", as_version=4)
    top = nb.cells[0]
    assert top.cell_type == "markdown"
    assert top.source.startswith("# Deep Learning 101: Homework 2\n")
    assert "Deadline: **Friday 5 June, 17:00**" in top.source
    assert "How to submit: upload the .ipynb to Moodle" in top.source


def test_assigning_over_handouts_refuses_unless_forced(course, tmp_path, capsys):
    tmp, _, _ = course
    out = tmp_path / "hw"
    assert assign_cli(tmp / "roster.csv", out, "--exercises", "ch04.masked-delta") == 0
    with pytest.raises(SystemExit) as e:
        assign_cli(tmp / "roster.csv", out, "--exercises", "ch04.masked-delta")
    assert e.value.code == 2
    assert "has handouts already" in capsys.readouterr().err
    (tmp_path / "small.csv").write_text("student_id,name\nbo,Bo\n")
    assert (
        assign_cli(tmp_path / "small.csv", out, "--exercises", "ch04.masked-delta", "--force") == 0
    )
    assert [p.name for p in (out / "handout").iterdir()] == ["bo.ipynb"]  # stale ones gone
