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

from .assign import Assignment, assign, student_notebook
from .feedback import write_feedback, write_report
from .grade import grade, grade_submission
from .key import KeyItem, StudentKey, read_key, write_key
from .leaks import find_leaks
from .results import Result, write_grades
from .variants import Student, chapter_keys, fingerprint, read_roster, variant, variant_seed

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
