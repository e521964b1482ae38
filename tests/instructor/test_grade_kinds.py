"""Handing out and grading the kinds of exercise beyond typed numbers: a formula, a listing's
wrong line, and code.

Code runs in the sandbox: only what the student's function returned leaves it, and the
grader judges that outside with the exercise's own tests. So the sandbox side
(``preamble.run_tests``) must call a function as ``check_code`` does, and judging what it
recorded must give the marks and messages ``check_code`` gives in a kernel.
"""

from __future__ import annotations

import csv
import html
import json

import nbformat
import numpy as np
import pytest
from backprop import exercises as E
from backprop.instructor import preamble, read_key
from backprop.instructor.grade import encode, mark, mark_code
from backprop.instructor.key import KeyItem
from instructor_helpers import answer_cell, assign_cli, grade_cli


def _keys(kind: str) -> list[str]:
    return [k for k in E.keys() if E.make(k).kind == kind]


def _item(ex: E.Exercise) -> KeyItem:
    return KeyItem.of(ex)


def _unfinished(*args):
    raise NotImplementedError


def _slips(ex: E.CodeExercise) -> list:
    """The reference and ways of getting it wrong: doubled, unfinished, None, in place."""
    ref = ex.reference_function()

    def doubled(*args):
        out = ref(*args)
        if isinstance(out, (tuple, list)):
            return type(out)(2 * np.asarray(o) for o in out)
        return 2 * np.asarray(out)

    def in_place(*args):
        for a in args:
            if isinstance(a, np.ndarray) and a.size:
                a.flat[0] += 1.0
                break
        return ref(*args)

    return [ref, doubled, _unfinished, lambda *a: None, in_place, lambda *a: "abc"]


@pytest.mark.parametrize("key", _keys("code"))
def test_the_sandbox_side_calls_functions_as_check_code_does(key):
    for seed in (0, 7):
        ex = E.make(key, seed)
        tests = json.loads(json.dumps([[encode(a) for a in t.args] for t in ex.tests]))
        for fn in _slips(ex):
            report = ex.report(fn)
            outputs = preamble.run_tests(fn, tests, list(ex.arguments))
            record = json.loads(json.dumps({"status": "outputs", "outputs": outputs}))
            score, reason = mark_code(ex, record)
            assert score == pytest.approx(report.score), (key, seed, fn)
            failed = [r for r in report.results if not r.passed]
            if failed:
                assert reason.endswith(f"first: {failed[0].name}: {failed[0].message}"), reason
            else:
                assert reason == ""
        # The reference passes: the exercise's own solution is right.
        assert ex.report(ex.reference_function()).passed, (key, seed)


def test_formula_and_bug_records_are_marked_by_the_kinds_rules():
    for key in _keys("formula")[:4]:
        ex = E.make(key, 3)
        it = _item(ex)
        assert mark(it, {"status": "text", "text": ex.formula}) == (1, "")
        got, why = mark(it, {"status": "text", "text": f"2*({ex.formula})"})
        assert got == 0 and why.startswith("wrong: Right up to a constant factor"), why
        got, why = mark(it, {"status": "numbers", "values": ["1.0", "2.0"]})
        assert got == 0 and why.startswith("wrong type: expected a formula in"), why
    for key in _keys("bug")[:4]:
        ex = E.make(key, 3)
        it = _item(ex)
        other = ex.bug % len(ex.listing) + 1
        assert mark(it, {"status": "numbers", "values": [repr(float(ex.bug))]}) == (1, "")
        assert mark(it, {"status": "text", "text": f"line {ex.bug}"}) == (1, "")
        got, why = mark(it, {"status": "numbers", "values": [repr(float(other))]})
        assert got == 0 and why.startswith(f"wrong: Not line {other}") or "Look again" in why


def test_a_code_answer_that_is_not_a_function_gets_a_reason():
    ex = E.make(_keys("code")[0])
    got, why = mark(_item(ex), {"status": "numbers", "values": ["1.0"]})
    assert (
        got == 0 and why == f"the answer is not a function: keep `answer = {ex.function}` under it"
    )


@pytest.fixture(scope="module")
def kinds_course(tmp_path_factory):
    """Two students, one exercise of each kind: ann answers all right, ben all wrong."""
    tmp = tmp_path_factory.mktemp("kinds")
    (tmp / "roster.csv").write_text("student_id,name\nann,Ann\nben,Ben\n")
    keys = [_keys("formula")[0], _keys("bug")[0], _keys("code")[0], _keys("number")[0]]
    assert assign_cli(tmp / "roster.csv", tmp / "hw", "--exercises", *keys) == 0
    key = read_key(tmp / "hw" / "key.csv")
    sub = tmp / "sub"
    sub.mkdir()
    for sid in ("ann", "ben"):
        nb = nbformat.read(tmp / "hw" / "handout" / f"{sid}.ipynb", as_version=4)
        for it in key[sid].items:
            ex = E.make(it.key, it.seed)
            cell = answer_cell(nb, it.key)
            first = cell.source.splitlines()[0]
            if sid == "ann":
                if isinstance(ex, E.CodeExercise):
                    body = f"import numpy as np\n{ex.reference}\n\nanswer = {ex.function}"
                elif isinstance(ex, E.FormulaExercise):
                    body = f"answer = {ex.formula!r}"
                else:
                    body = f"answer = {list(ex.answer)!r}"
            elif isinstance(ex, E.CodeExercise):
                body = cell.source  # the starter code, unfinished
            elif isinstance(ex, E.FormulaExercise):
                body = f"answer = '-({ex.formula})'"
            elif isinstance(ex, E.BugExercise):
                body = f"answer = {ex.bug % len(ex.listing) + 1}"
            else:
                body = f"answer = {[2 * a + 1 for a in ex.answer]!r}"
            cell.source = body if body.startswith("#") else f"{first}\n{body}"
        nbformat.write(nb, sub / f"{sid}.ipynb")
    return tmp, keys, key


def test_handouts_show_each_kind_as_it_should_be_answered(kinds_course):
    tmp, keys, key = kinds_course
    nb = nbformat.read(tmp / "hw" / "handout" / "ann.ipynb", as_version=4)
    text = json.dumps(nb)
    for it in key["ann"].items:
        ex = E.make(it.key, it.seed)
        source = answer_cell(nb, it.key).source
        if isinstance(ex, E.CodeExercise):
            assert ex.template.strip() in source and f"answer = {ex.function}" in source
            assert ex.reference.strip().splitlines()[-1].strip() not in text
        elif isinstance(ex, E.FormulaExercise):
            assert "answer = ...  # your formula as text" in source
            assert ex.formula not in text
        elif isinstance(ex, E.BugExercise):
            assert "answer = ...  # the number of the wrong line" in source
            [question] = [
                c.source
                for c in nb.cells
                if c.metadata.get("backprop", {}).get("role") == "question"
                and c.metadata["backprop"]["key"] == it.key
            ]
            assert all(line in question for line in ex.listing)
            assert ex.explanation not in text


def test_grading_marks_every_kind_in_the_sandbox(kinds_course):
    tmp, keys, key = kinds_course
    out = tmp / "grades.csv"
    assert grade_cli(tmp, out, tmp / "sub" / "ann.ipynb", tmp / "sub" / "ben.ipynb") == 0
    with out.open(encoding="utf-8-sig") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert all(float(rows["ann"][k]) == 1 for k in keys), rows["ann"]
    assert all(float(rows["ben"][k]) == 0 for k in keys), rows["ben"]
    reasons = rows["ben"]["reasons"]
    assert "it still raises NotImplementedError" in reasons
    assert "Right up to the sign" in reasons
    assert rows["ann"]["reasons"] == ""


def test_feedback_pages_show_the_listing_and_the_starter_code(kinds_course):
    from backprop.instructor.cli import main

    tmp, keys, key = kinds_course
    out = tmp / "grades-fb.csv"
    assert grade_cli(tmp, out, tmp / "sub" / "ben.ipynb") == 0
    argv = ["report", "--key", str(tmp / "hw" / "key.csv"), "--grades", str(out)]
    assert main([*argv, "--feedback", str(tmp / "fb")]) == 0
    page = (tmp / "fb" / "ben.html").read_text(encoding="utf-8")
    for it in key["ben"].items:
        ex = E.make(it.key, it.seed)
        if isinstance(ex, E.BugExercise):  # the listing, as the student saw it
            assert all(html.escape(line, quote=False) in page for line in ex.listing[:3])
        if isinstance(ex, E.CodeExercise):  # the starter code, and the test that failed
            assert f"def {ex.function}(" in page and "NotImplementedError" in page


def _hard_coded(ex: E.CodeExercise) -> str:
    """A cheat: a function that returns the right outputs for the inputs of the tests the
    student can run (looked up by their values), and zeros for any other input."""
    ref = ex.reference_function()
    table = {}
    for t in ex.tests:
        out = ref(*t.args)
        outs = [np.asarray(o).tolist() for o in out] if isinstance(out, tuple) else None
        table[json.dumps([np.asarray(a).tolist() for a in t.args])] = (
            outs if outs is not None else np.asarray(out).tolist()
        )
    return (
        "import json\nimport numpy as np\n"
        f"_SEEN = json.loads({json.dumps(table)!r})\n"
        f"def {ex.function}(*args):\n"
        "    got = _SEEN.get(json.dumps([np.asarray(a).tolist() for a in args]))\n"
        "    if got is None:\n"
        "        return np.zeros_like(np.asarray(args[0], dtype=float))\n"
        "    if isinstance(got, list) and got and isinstance(got[0], list) and "
        f"{int(isinstance(ref(*ex.tests[0].args), tuple))}:\n"
        "        return tuple(np.asarray(g) for g in got)\n"
        "    return np.asarray(got)\n"
        f"answer = {ex.function}\n"
    )


def test_outputs_hard_coded_for_the_visible_tests_fail_the_hidden_ones(tmp_path):
    """The key gives each code exercise a second seed, from the secret: the grader runs the
    same tests on those inputs too, so a function that only knows the answers to the tests
    a student can run (check_code passes it) loses the points of the hidden ones."""
    (tmp_path / "roster.csv").write_text("student_id\ncy\n")
    code = _keys("code")[0]
    assert assign_cli(tmp_path / "roster.csv", tmp_path / "hw", "--exercises", code) == 0
    [it] = read_key(tmp_path / "hw" / "key.csv")["cy"].items
    ex = E.make(it.key, it.seed)
    assert it.check_seed not in (0, it.seed)
    cheat = _hard_coded(ex)
    space: dict = {}
    exec(cheat, space)
    assert ex.report(space[ex.function]).passed  # every test the student can run passes
    nb = nbformat.read(tmp_path / "hw" / "handout" / "cy.ipynb", as_version=4)
    cell = answer_cell(nb, it.key)
    cell.source = cell.source.splitlines()[0] + "\n" + cheat
    (tmp_path / "sub").mkdir()
    nbformat.write(nb, tmp_path / "sub" / "cy.ipynb")
    out = tmp_path / "grades.csv"
    assert grade_cli(tmp_path, out, tmp_path / "sub" / "cy.ipynb") == 0
    with out.open(encoding="utf-8-sig") as f:
        [row] = list(csv.DictReader(f))
    assert float(row[code]) < 1, row  # tests whose inputs every seed shares still pass
    assert "(on other inputs)" in row["reasons"], row["reasons"]
    # The reference passes the hidden tests too: they are the same tests on other inputs.
    from backprop.instructor.grade import grading_tests

    tests = grading_tests(it, ex)
    assert len(tests) == 2 * len(ex.tests)
    ref = ex.reference_function()
    outputs = [{"value": ref(*t.args)} for t in tests]
    from backprop.exercises.code import judge

    assert all(r.passed for r in judge(tests, outputs))
