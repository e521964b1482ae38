"""Tests of backprop.widgets.exercise: the answer box driven from Python as a student would."""

from __future__ import annotations

import re

import pytest
from backprop import exercises as E
from backprop.widgets.exercise import ExerciseWidget

KEYS = E.keys()


def simple_exercise(**kwargs):
    base = dict(
        key="test.simple",
        question="What is $1/2$?",
        answer=(0.5,),
        prompt="1/2 =",
        hints=("Halve one.", "It is 0.5."),
        solution="0.5",
    )
    base.update(kwargs)
    return E.Exercise(**base)


# ---- the widget, driven as a student would -----------------------------------------------


def test_widget_state_mirrors_the_exercise():
    ex = simple_exercise(rtol=1e-4, atol=1e-8)
    w = ex.widget()
    assert isinstance(w, ExerciseWidget)
    assert w.key == ex.key and w.prompt == ex.prompt and w.size == 1
    assert w.answer == [0.5] and w.rtol == 1e-4 and w.atol == 1e-8
    assert w.hints == list(ex.hints) and w.hints_shown == 0
    assert w.value == "" and w.verdict == "" and w.message == "" and w.checks == 0


def test_widget_checks_when_checks_goes_up():
    w = simple_exercise().widget()
    w.value = "1/2"
    assert w.verdict == ""  # typing alone checks nothing
    w.checks += 1
    assert (w.verdict, w.message) == ("correct", "Correct!")
    w.value = "\u22120.5"
    w.checks += 1
    assert (w.verdict, w.message) == ("wrong", "Not quite: check the sign.")
    w.value = "abc"
    w.checks += 1
    assert (w.verdict, w.message) == ("invalid", 'I could not read "abc" as a number.')


def test_widget_submit():
    w = simple_exercise().widget()
    fb = w.submit("0.4")
    assert fb.verdict == "wrong" and w.verdict == "wrong" and w.message == "Not quite. Try again."
    assert w.value == "0.4" and w.checks == 1
    fb = w.submit()  # re-check the current value
    assert w.checks == 2 and fb.verdict == "wrong"
    w.value = "0.5"
    assert w.submit().verdict == "correct" and w.verdict == "correct" and w.message == "Correct!"
    fb = w.submit("")
    assert w.verdict == "invalid" and w.message == "Type one number first." == fb.message


@pytest.mark.parametrize("key", KEYS)
def test_widget_of_every_registered_exercise(key):
    ex = E.make(key)
    w = ex.widget(student=False)
    assert w.kind == ex.kind and w.spec == ex.spec()
    r = repr(w)
    assert "0x" not in r and ex.prompt in r and ex.expects in r
    if isinstance(ex, E.CodeExercise):  # no box: the task, its tests, how to run them
        assert ex.template in r and ex.call_text in r
        assert w.spec["tests"] == [t.name for t in ex.tests]
        return
    w.value = ex.answer_text if ex.kind != "bug" else str(ex.bug)
    w.checks += 1
    right = ex.check(w.value)
    assert right.correct and (w.verdict, w.message) == ("correct", right.message)
    if ex.kind == "number":
        assert w.message == "Correct!"
        w.submit(", ".join(["1e999"] * ex.size))
        assert w.verdict == "invalid" and "too large" in w.message
        assert ("one number" if ex.size == 1 else f"{ex.size} numbers") in r
    else:
        w.submit("(")
        assert w.verdict == "invalid" and w.message == ex.check("(").message
        if ex.kind == "bug":  # the listing is in the fallback text, numbered
            assert all(line in r for line in ex.listing)


def test_show_hint_reveals_hints_in_order():
    w = simple_exercise().widget()
    assert w.show_hint() == "Halve one." and w.hints_shown == 1
    assert w.show_hint() == "It is 0.5." and w.hints_shown == 2
    assert w.show_hint() is None and w.hints_shown == 2
    assert simple_exercise(hints=()).widget().show_hint() is None


def test_widget_repr_is_the_plain_text_fallback():
    # Shown before the cell runs, and where no JavaScript runs: what to do, and the question.
    ex = simple_exercise(answer=(1.0, 2.0), prompt="v =", title="Halves")
    r = repr(ex.widget())
    assert r.startswith("Exercise: Halves. Run this cell to show the answer box.\n")
    assert ex.question in r and "v = (2 numbers separated by commas)" in r
    assert "website" not in r and "Binder" not in r
    assert "0x" not in r and "object at" not in r
    assert repr(ex.widget()) == r  # deterministic: stored outputs stay the same
    assert repr(simple_exercise().widget()).startswith("Exercise: test.simple. Run this cell")


@pytest.mark.parametrize("key", KEYS)
def test_every_widget_shows_its_title_question_and_solution(key):
    ex = E.make(key)
    w = ex.widget(student=False)
    assert w.title == ex.title and w.title.strip()
    assert w.question_html.startswith("<p>") and "$" not in w.question_html
    assert w.question_html.count("<math") == ex.question.count("$") // 2
    assert w.solution_html.startswith(("<p>", "<pre>"))
    code = re.sub(r"```.*?```", "", ex.solution, flags=re.S)  # code blocks hold no math
    outside = re.sub(r"<pre>.*?</pre>", "", w.solution_html, flags=re.S)
    assert "$" not in outside and outside.count("<math") == code.count("$") // 2
    r = repr(w)
    assert r.startswith(f"Exercise: {ex.title}. Run this cell to show the answer box.")
    assert ex.question in r


@pytest.mark.parametrize("key", KEYS)
def test_the_student_edition_widget_has_the_question_but_no_solution_or_answer(key):
    ex = E.make(key)
    w = ex.widget(student=True)
    assert w.answer == [] and w.solution_html == ""
    assert w.title == ex.title and w.question_html == ex.widget(student=False).question_html
    state = w.get_state()
    assert state["answer"] == [] and state["solution_html"] == ""
    # Nothing of the other kinds' answers either: no formula, bug line, notes or explanation.
    spec = state["spec"]
    assert not any(spec.get(k) for k in ("formula", "bug", "notes", "explanation", "reference"))
    assert spec == ex.spec(student=True)
    # It has no launch buttons: a code exercise says to download the notebook instead.
    assert "Binder" not in str(spec) and "rocket" not in str(spec)
    if ex.kind == "code":
        assert "download" in spec["where"] and "Binder" in ex.spec()["where"]


def test_the_student_edition_is_the_default_under_its_environment_variable(monkeypatch):
    monkeypatch.setenv(E.STUDENT_EDITION_ENV, "1")
    w = simple_exercise().widget()
    assert w.student and w.answer == [] and w.solution_html == ""
    monkeypatch.setenv(E.STUDENT_EDITION_ENV, "0")
    w = simple_exercise().widget()
    assert w.answer == [0.5] and w.solution_html == "<p>0.5</p>"


def test_the_question_html_escapes_raw_html():
    w = simple_exercise(question="Is <b>this</b> $x$?", solution="<script>x</script>").widget()
    assert "&lt;b&gt;" in w.question_html and "<b>" not in w.question_html
    assert "<script" not in w.solution_html


def test_the_widget_class_is_also_reachable_from_backprop_exercises():
    assert E.ExerciseWidget is ExerciseWidget
