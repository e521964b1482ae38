"""Instructor tools: per-student variants of the book's exercises, assigning and grading.

``python -m backprop.instructor assign ...`` writes one notebook per student (that
student's numbers, no solutions) and an answer key; ``python -m backprop.instructor
grade ...`` runs the submitted notebooks and marks them with the book's checking
rules; ``python -m backprop.instructor student-edition`` builds the website with no
solutions or answers (``make book-student``) and checks it with
:func:`~backprop.instructor.leaks.find_leaks`. See the book's page
"For instructors" (``instructors.md``).

One module per job: :mod:`.variants` (whose numbers are whose), :mod:`.assign`
(the students' notebooks), :mod:`.key` (``key.csv``), :mod:`.submission` (reading
a submitted notebook), :mod:`.kernel` and :mod:`.preamble` (running it), :mod:`.sandbox` and
:mod:`._sandboxed_run` (the bubblewrap sandbox it runs in),
:mod:`.grade` (marking), :mod:`.results` (the grades file, shards and their merge),
:mod:`.export` (grades for Canvas, Moodle, Gradescope), :mod:`.feedback` (a page per
student and the class report), :mod:`.catalog` (``list``),
:mod:`.student_filter`,
:mod:`.leaks` and :mod:`.student_build` (the student edition), :mod:`.cli`.
"""

from importlib import import_module
from typing import Any

#: Where each public name lives: imported on first use, so that the grader's sandbox,
#: which runs ``backprop.instructor._sandboxed_run``, loads only what that needs.
_EXPORTS = {
    "Assignment": "assign",
    "assign": "assign",
    "student_notebook": "assign",
    "write_feedback": "feedback",
    "write_report": "feedback",
    "grade": "grade",
    "grade_submission": "grade",
    "KeyItem": "key",
    "StudentKey": "key",
    "read_key": "key",
    "write_key": "key",
    "find_leaks": "leaks",
    "Result": "results",
    "write_grades": "results",
    "Student": "variants",
    "chapter_keys": "variants",
    "fingerprint": "variants",
    "read_roster": "variants",
    "variant": "variants",
    "variant_seed": "variants",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


__all__ = [
    "Assignment",
    "KeyItem",
    "Result",
    "Student",
    "StudentKey",
    "assign",
    "chapter_keys",
    "find_leaks",
    "fingerprint",
    "grade",
    "grade_submission",
    "read_key",
    "read_roster",
    "student_notebook",
    "variant",
    "variant_seed",
    "write_feedback",
    "write_grades",
    "write_key",
    "write_report",
]
