"""``assign``: one notebook per student with that student's numbers, and the answer key.

Each notebook is self-contained (no import of the library, no solutions, no
self-check), written to ``OUT/handout/``: a Markdown cell per question, then an answer cell marked by its
metadata ``{"backprop": {"role": "answer", "key": ...}}`` (and the tag
``answer``) that starts as ``answer = ...  # your answer here``. The notebook's
metadata ``backprop`` holds the student id and the variant's fingerprint.
``OUT/key.csv`` lists every student's seed and correct answers: it is written
readable by its owner only (mode 600) and beside, never among, the handouts, so
a zipped ``handout/`` folder cannot carry it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..exercises import BugExercise, CodeExercise, Exercise, FormulaExercise
from ..exercises.kinds import numbered
from .key import KeyItem, StudentKey, write_key
from .variants import Student, check_seed, fingerprint, safe_name, variant

#: Version of the layout of assignment notebooks (the key's is :mod:`.key`'s columns).
FORMAT = 1
#: The folder of ``OUT`` the students' notebooks go to (the key stays in ``OUT``).
HANDOUT = "handout"


def _item(secret: str, student: Student, ex: Exercise) -> KeyItem:
    """The key's entry of ``ex``; a code exercise's has the seed of its hidden tests."""
    hidden = check_seed(secret, student.student_id, ex.key) if ex.kind == "code" else 0
    return KeyItem.of(ex, hidden)


def _size(ex: Exercise) -> int | str:
    """What the format check expects of an answer: a count of numbers, or the kind."""
    return ex.kind if ex.kind in ("formula", "code") else ex.size


def _extra(ex: Exercise) -> str:
    """What the question cell shows after its *Answer:* line: a bug exercise's listing,
    numbered; a code exercise's tests and how to run them before handing in."""
    if isinstance(ex, BugExercise):
        return f"\n\n```python\n{numbered(ex.listing)}\n```"
    if isinstance(ex, CodeExercise):
        tests = "\n".join(f"- {t.name}" for t in ex.tests)
        return (
            f"\n\nThe grader runs these tests on your function, and the same tests on other "
            f"inputs:\n\n{tests}\n\n"
            f"To run them yourself first (with the book's library installed): `{ex.call_text}`."
        )
    return ""


def answer_source(ex: Exercise) -> str:
    """The answer cell as handed out, after its first line."""
    if isinstance(ex, CodeExercise):
        return f"{ex.template.rstrip()}\n\n\nanswer = {ex.function}  # keep this line"
    if isinstance(ex, FormulaExercise):
        return 'answer = ...  # your formula as text, e.g. answer = "2*x*cos(x^2)"'
    if isinstance(ex, BugExercise):
        return "answer = ...  # the number of the wrong line"
    return "answer = ...  # your answer here"


def _cell_id(text: str) -> str:
    # nbformat cell ids: 1-64 characters of [A-Za-z0-9-_]; fixed ids keep files reproducible.
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)[:64]


def _how_to_answer() -> str:
    return (
        "**How to answer.** Under each question there is an answer cell marked "
        "*Your answer*. Replace the `...` after `answer =` with your answer: a number "
        "(`answer = 0.25`), several numbers in the order the question asks "
        '(`answer = [1.5, -2, 0]`), or text such as `answer = "1/4"`. You may add '
        "cells for your own working anywhere, but keep every answer cell below its "
        "question, keep `answer = ...` in it, and do not delete it. The last cell, "
        "*Check my answers' format*, says whether each answer can be read, not "
        "whether it is right: answers are checked in class."
    )


#: The last cell of every handout: says whether each answer can be read (not whether it
#: is right), with the grader's rules; the sizes are filled in per notebook. It runs each
#: answer cell's latest text again (from IPython's ``In``) in a copy of the namespace.
CHECK_CELL = """\
# Check my answers' format: run this cell last. It says whether the grader can read
# each answer (a number, a list or array of numbers, True/False, or text such as
# "1/4" or "1.5, -2"), not whether it is right.
def _check_my_answers(sizes={sizes!r}):
    import os, re
    if os.environ.get("BACKPROP_GRADING"):
        return
    def count(n):
        return "one number" if n == 1 else f"{{n}} numbers"
    def number(token):
        token = token.strip().replace("\u2212", "-")
        try:
            float(token)
            return True
        except ValueError:
            parts = token.split("/")
            return len(parts) == 2 and all(number(p) for p in parts if "/" not in p)
    def verdict(value, size):
        if value is Ellipsis:
            return "not answered yet (answer = ...)"
        if size == "formula":
            if isinstance(value, str) and value.strip():
                return "can be read (a formula as text)"
            return "cannot be read: type your formula as text, in quotes"
        if size == "code":
            if callable(value):
                return "can be read (a function)"
            return f"cannot be read: answer should be your function, not a {{type(value).__name__}}"
        if isinstance(value, str):
            text = value.strip()
            if text[:1] + text[-1:] in ("[]", "()"):
                text = text[1:-1]
            tokens = text.split(",") if "," in text else text.split()
            if len(tokens) > 1 and "," not in text and not all(number(t) for t in tokens):
                tokens = [text]
            if not all(number(t) for t in tokens):
                return f"cannot be read: {{value!r}} is not {{count(size)}}"
            n = len(tokens)
        else:
            try:
                import numpy
                arr = numpy.asarray(value)
                ok = arr.dtype.kind in "biuf"
                n = arr.size
            except Exception:
                ok = False
            if not ok:
                return f"cannot be read: it is a {{type(value).__name__}}, not {{count(size)}}"
        if n != size:
            return f"cannot be read: expected {{count(size)}}, got {{count(n)}}"
        return f"can be read ({{count(size)}})"
    history = globals().get("In", [])
    for number_, size in enumerate(sizes, start=1):
        marker = re.compile(rf"^\\s*#\\s*Your answer to exercise {{number_}}\\b", re.I)
        sources = [s for s in history if marker.match(s)]
        if not sources:
            print(f"exercise {{number_}}: not run yet (run its answer cell)")
            continue
        space = dict(globals())
        space.pop("answer", None)
        try:
            exec(sources[-1], space)
        except Exception as e:
            print(f"exercise {{number_}}: its cell raises {{type(e).__name__}}: {{e}}")
            continue
        if "answer" not in space:
            print(f"exercise {{number_}}: its cell does not set answer")
            continue
        print(f"exercise {{number_}}: {{verdict(space['answer'], size)}}")


_check_my_answers()
"""


def student_notebook(
    student: Student,
    variants: Sequence[Exercise],
    title: str = "Assignment",
    hints: bool = False,
    deadline: str = "",
    submit: str = "",
) -> nbformat.NotebookNode:
    """The notebook of ``student`` for the exercises ``variants`` (no answers in it); its
    first cell names the course (``title``), the ``deadline`` and how to ``submit``."""
    nb = nbformat.v4.new_notebook()
    who = student.student_id + (f" ({student.name})" if student.name else "")
    facts = f"Student: **{who}**"
    if deadline:
        facts += f"  \nDeadline: **{deadline}**"
    if submit:
        facts += f"  \nHow to submit: {submit}"
    cells = [
        nbformat.v4.new_markdown_cell(
            f"# {title}\n\n{facts}\n\n{_how_to_answer()}",
            id="intro",
            metadata={"backprop": {"role": "intro"}},
        )
    ]
    for i, ex in enumerate(variants, start=1):
        # Headed as the book's exercises are ("Exercise 1 (A composite function)").
        head = f"## Exercise {i}" + (f" ({ex.title})" if ex.title else "")
        text = f"{head}\n\n{ex.question}\n\n*Answer:* {ex.prompt} ({ex.expects})"
        text += _extra(ex)
        if hints and ex.hints:
            items = "\n".join(f"<li>{h}</li>" for h in ex.hints)
            text += f"\n\n<details><summary>Hints</summary><ol>\n{items}\n</ol></details>"
        meta = {"role": "question", "key": ex.key}
        cells.append(
            nbformat.v4.new_markdown_cell(
                text, id=_cell_id(f"question-{ex.key}"), metadata={"backprop": meta}
            )
        )
        cells.append(
            nbformat.v4.new_code_cell(
                f"# Your answer to exercise {i}: {ex.prompt} ({ex.expects})\n" + answer_source(ex),
                id=_cell_id(f"answer-{ex.key}"),
                metadata={
                    "backprop": {"role": "answer", "key": ex.key, "size": ex.size},
                    "tags": ["answer"],
                },
            )
        )
    cells.append(
        nbformat.v4.new_code_cell(
            CHECK_CELL.format(sizes=[_size(ex) for ex in variants]),
            id="check-format",
            metadata={"backprop": {"role": "check"}},
        )
    )
    nb.cells = cells
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "backprop": {
            "format": FORMAT,
            "title": title,
            "student_id": student.student_id,
            "fingerprint": fingerprint(student.student_id, variants),
            "exercises": [ex.key for ex in variants],
        },
    }
    return nb


@dataclass(frozen=True)
class Assignment:
    """What :func:`assign` wrote: the notebooks (one per student) and the key."""

    notebooks: list[Path]
    key: Path
    exercises: list[str]


def check_out(out: str | Path, force: bool = False) -> list[Path]:
    """The handouts already in ``out/handout/``; ``ValueError`` if there are some and not
    ``force`` (stale handouts of another roster or secret must not be handed out)."""
    handout = Path(out) / HANDOUT
    stale = sorted(handout.glob("*.ipynb")) if handout.is_dir() else []
    if stale and not force:
        raise ValueError(
            f"{handout} has handouts already ({len(stale)} notebooks): choose another --out, "
            "or --force to remove them and assign again"
        )
    return stale


def assign(
    students: Sequence[Student],
    secret: str,
    keys: Sequence[str],
    out: str | Path,
    title: str = "Assignment",
    hints: bool = False,
    progress: Callable[[Student], None] | None = None,
    deadline: str = "",
    submit: str = "",
    force: bool = False,
) -> Assignment:
    """Write ``out/handout/<student id>.ipynb`` for every student and ``out/key.csv``
    (mode 600: only you can read it).

    ``keys`` are exercise keys (see :func:`backprop.instructor.variants.chapter_keys`).
    ``ValueError`` if ``out/handout/`` holds notebooks already, unless ``force``: then
    they are removed first. ``deadline`` and ``submit`` go into each notebook's first cell.
    """
    if not keys:
        raise ValueError("no exercises to assign")
    out = Path(out)
    handout = out / HANDOUT
    for path in check_out(out, force):
        path.unlink()
    handout.mkdir(parents=True, exist_ok=True)
    names: dict[str, str] = {}
    for s in students:
        name = safe_name(s.student_id)
        if name.lower() in names:
            raise ValueError(
                f"students {names[name.lower()]!r} and {s.student_id!r} would share "
                f"the file name {name}.ipynb"
            )
        names[name.lower()] = s.student_id
    written: list[StudentKey] = []
    for s in students:
        variants = [variant(secret, s.student_id, k) for k in keys]
        nb = student_notebook(
            s, variants, title=title, hints=hints, deadline=deadline, submit=submit
        )
        path = handout / f"{safe_name(s.student_id)}.ipynb"
        nbformat.validate(nb)
        nbformat.write(nb, path)
        fp = nb.metadata["backprop"]["fingerprint"]
        written.append(
            StudentKey(
                s.student_id, s.name, path.name, fp, [_item(secret, s, ex) for ex in variants]
            )
        )
        if progress is not None:
            progress(s)
    key = out / "key.csv"
    # Created private: the answers are never readable by others, not even for a moment.
    os.close(os.open(key, os.O_WRONLY | os.O_CREAT, 0o600))
    key.chmod(0o600)
    write_key(written, key)
    return Assignment([handout / sk.notebook for sk in written], key, list(keys))
