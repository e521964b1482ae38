"""Instructor tools: per-student variants of the book's exercises, assigning and grading.

``python -m backprop.instructor assign ...`` writes one notebook per student (that
student's numbers, no solutions) and an answer key; ``python -m backprop.instructor
grade ...`` runs the submitted notebooks and marks them with the book's checking
rules; ``python -m backprop.instructor student-edition`` builds the website with no
solutions or answers (``make book-student``) and checks it with
:func:`~backprop.instructor.student_edition.find_leaks`. See the book's page
"For instructors" (``instructors.md``).
"""

from .assign import Assignment, assign, student_notebook
from .grade import Result, grade, grade_submission, read_key, write_grades
from .student_edition import find_leaks
from .variants import Student, chapter_keys, fingerprint, read_roster, variant, variant_seed

__all__ = [
    "Assignment",
    "Result",
    "Student",
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
    "write_grades",
]
