"""The student edition switch: with ``BACKPROP_STUDENT_EDITION=1`` (the student edition of
the site), exercise widgets carry no answer and say that answers are checked in class."""

from __future__ import annotations

import os

#: The environment variable that selects the student edition ("1").
STUDENT_EDITION_ENV = "BACKPROP_STUDENT_EDITION"
#: What a student-edition widget says instead of a verdict.
CHECKED_IN_CLASS = "Answers are checked in class."


def student_edition() -> bool:
    """True when building the student edition (``BACKPROP_STUDENT_EDITION=1``)."""
    return os.environ.get(STUDENT_EDITION_ENV, "") == "1"
