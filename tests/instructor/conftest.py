"""Fixtures of the instructor tools' tests: a course assigned once (the typed-number
exercises of chapters 1, 4 and 5 to a roster of three students; the other kinds have
tests/instructor/test_grade_kinds.py) and the student edition's built site."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest
from backprop.instructor import read_key
from backprop.instructor.student_build import build
from instructor_helpers import ROOT, assign_cli, number_keys

ROSTER = "student_id,name\nada.l,Ada Lovelace\nbo,Bo\ncy-3,Cy\n"


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """(folder, exercise keys, key) of a course: ``folder/roster.csv``, and ``folder/hw``
    with every student's notebook and ``key.csv``, written by the ``assign`` command."""
    tmp = tmp_path_factory.mktemp("course")
    (tmp / "roster.csv").write_text(ROSTER)
    keys = number_keys([1, 4, 5])
    assert len(keys) >= 9  # enough exercises to break one each way
    status = assign_cli(tmp / "roster.csv", tmp / "hw", "--exercises", *keys)
    assert status == 0
    key = read_key(tmp / "hw" / "key.csv")
    return tmp, keys, key


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The student edition's HTML: $BACKPROP_STUDENT_SITE, else a prebuilt _build/student
    (``make book-student`` runs first in ``make test``), else built once into a temporary
    folder, which takes minutes."""
    given = os.environ.get("BACKPROP_STUDENT_SITE")
    if given:
        return Path(given)
    prebuilt = ROOT / "_build" / "student"
    if (prebuilt / "index.html").is_file():
        return prebuilt
    # Built once even when pytest-xdist runs these tests in several workers: they share
    # the parent of their temporary folders, and a lock makes the others wait.
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "student-site"
    shared.mkdir(exist_ok=True)
    out = shared / "html"
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "index.html").is_file():
            # Not strict: these tests are about answers; `make book` checks the warnings.
            build(ROOT, out, strict=False)
    return out
