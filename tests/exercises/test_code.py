"""check_code's machinery on a small made-up exercise: every way a student's function can go
wrong gets a message in the student's words, and judging outputs apart from calling the
function (as the grader does) gives the same results."""

from __future__ import annotations

import numpy as np
import pytest
from backprop.exercises import CodeExercise, CodeTest, expect, expect_all
from backprop.exercises.code import call, judge

Z = np.array([[0.5, -1.0, 2.0], [0.0, 1.5, -0.3]])
G = np.array([[1.0, 2.0, -1.0], [0.5, -0.5, 3.0]])
WANT = G * (1 - np.tanh(Z) ** 2)


def _exercise(**kw) -> CodeExercise:
    tests = (
        CodeTest("a batch of 2", (Z, G), expect(WANT, "the gradient")),
        CodeTest(
            "one number", (np.array(0.25), np.array(2.0)), expect(2 * (1 - np.tanh(0.25) ** 2))
        ),
    )
    return CodeExercise(
        key="t.code",
        question="Write tanh_backward.",
        function="tanh_backward",
        arguments=("z", "upstream"),
        template="def tanh_backward(z, upstream):\n    raise NotImplementedError",
        reference="def tanh_backward(z, upstream):\n    return upstream * (1 - np.tanh(z) ** 2)",
        tests=tests,
        **kw,
    )


def _messages(fn) -> list[str]:
    return [r.message for r in _exercise().report(fn).results]


def test_the_reference_passes_and_says_so():
    ex = _exercise()
    report = ex.report(ex.reference_function())
    assert report.passed and report.score == 1.0
    assert report.summary == "All 2 tests passed." and ex.check(ex.reference_function()).correct
    assert "✓ a batch of 2" in repr(report) and 'data-verdict="correct"' in report._repr_html_()


def test_each_slip_gets_a_message_a_student_understands():
    def unfinished(z, upstream):
        raise NotImplementedError

    def in_place(z, upstream):
        z *= 0
        return upstream

    assert _messages(unfinished)[0] == (
        "it still raises NotImplementedError: replace that line with your code"
    )
    assert (
        "off by a constant factor: it is 2 times"
        in _messages(lambda z, u: 2 * u * (1 - np.tanh(z) ** 2))[0]
    )
    assert "the sign is flipped" in _messages(lambda z, u: -u * (1 - np.tanh(z) ** 2))[0]
    assert _messages(lambda z, u: (u * (1 - np.tanh(z) ** 2)).T)[0] == (
        "the gradient has shape (3, 2); expected (2, 3) (transposed?)"
    )
    assert _messages(in_place)[0] == (
        "it changed its input `z` in place: compute a new array instead"
    )
    assert _messages(lambda z, u: None)[0] == "it returned None: `return` the gradient"
    assert _messages(lambda z, u: "abc")[0].startswith("the gradient is a str, not an array")
    assert _messages(lambda z, u: u * (1 - z**2))[0].startswith(
        "the gradient is wrong at index [0, 0]"
    )
    assert _messages(lambda z, u: 1 / 0)[0] == "it raised ZeroDivisionError: division by zero"
    assert _messages(lambda z, u: np.full_like(z, np.nan))[0] == "the gradient contains nan or inf"


def test_a_value_that_is_not_a_function_is_explained():
    report = _exercise().report(3)
    assert not report.passed and "needs the function itself (tanh_backward" in report.summary
    assert _exercise().check("def f(): pass").verdict == "invalid"


def test_judging_recorded_outputs_equals_running_the_function():
    ex = _exercise()
    for fn in (ex.reference_function(), lambda z, u: 2 * u, lambda z, u: None):
        outputs = [call(fn, t.args, ex.arguments) for t in ex.tests]
        # The grader records outputs as JSON lists: judged the same as the arrays.
        listed = [
            {"value": np.asarray(o["value"]).tolist()}
            if "value" in o and o["value"] is not None
            else o
            for o in outputs
        ]
        assert judge(ex.tests, listed) == ex.report(fn).results


def test_tuples_are_judged_entry_by_entry():
    check = expect_all([np.ones(2), np.zeros((2, 2))], ["dX", "dW"])
    assert check((np.ones(2), np.zeros((2, 2)))) is None
    assert check((np.ones(2),)) == "it returned 1 value; expected 2: dX, dW"
    assert check(np.ones(2)) == "it returned 1 value; expected 2: dX, dW"
    assert check((np.ones(2), np.ones((2, 2)))).startswith("dW is wrong at index [0, 0]")


def test_a_judge_that_fails_on_odd_output_says_what_came_back():
    bad = CodeTest("odd", (), lambda out: out["missing"])
    (result,) = judge([bad], [{"value": {}}])
    assert not result.passed and result.message.startswith(
        "the result could not be checked (KeyError"
    )


def test_an_exercise_needs_tests_and_a_template_that_defines_its_function():
    with pytest.raises(ValueError, match="needs tests"):
        CodeExercise(key="t", question="q", function="f", template="def f(x): ...")
    with pytest.raises(ValueError, match="does not define f"):
        CodeExercise(
            key="t", question="q", function="f", template="def g(x): ...", tests=_exercise().tests
        )
