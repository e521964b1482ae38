"""``grade``: run each submitted notebook, read its answers, mark them against the key.

Every submission runs in a fresh kernel (:class:`~backprop.instructor.kernel.Kernel`),
in a temporary folder, with the network blocked (Python sockets refuse to connect
and proxies point nowhere), a time limit per cell and one per notebook. Before
each answer cell the grader removes any ``answer`` left over, and right after it
records the value the cell set (:mod:`~backprop.instructor.preamble`), so an
answer is read from its own cell only. Answers are checked with
:func:`backprop.exercises.check_answer` and the key's tolerances: the book's rules.

Whatever is wrong with a submission (not JSON, another student's variant, a
syntax error, an endless loop, a deleted or moved answer cell, an answer of the
wrong type) costs the affected items their mark, with a reason in the row; it
never stops the run. This is not a security sandbox: run untrusted notebooks in
a container.
"""

from __future__ import annotations

import inspect
import json
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from ..exercises import check_answer
from . import preamble
from .kernel import Kernel, Reply, grading_env
from .key import KeyItem, StudentKey
from .results import Result, zero
from .submission import answer_cells, foreign_questions, load_submission, not_theirs, whose

#: The grader's cell before each answer cell: no ``answer`` left from earlier cells.
RESET = 'globals().pop("answer", None)'
#: The grader's cell after each answer cell: display the record of ``answer``.
CAPTURE = "_bp_grading.capture(globals())"


def setup_source() -> str:
    """The kernel's first cell: the source of :mod:`~backprop.instructor.preamble`, run as
    a module ``_bp_grading`` of the kernel's own, then the network blocked."""
    source = inspect.getsource(preamble)
    return "\n".join(
        [
            "import types as _bp_types",
            "_bp_grading = _bp_types.ModuleType('_bp_grading')",
            f"exec(compile({source!r}, '_bp_grading.py', 'exec'), _bp_grading.__dict__)",
            "_bp_grading.block_network()",
            "del _bp_types",
        ]
    )


# ---- what to run -------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One cell the grader runs: ``kind`` is ``student`` (a cell of the student's own),
    ``answer`` (the answer cell of exercise ``key``), or the grader's ``reset`` before
    and ``capture`` after it."""

    kind: str
    source: str
    key: str | None = None


def plan(nb: nbformat.NotebookNode, cells: dict[str, int]) -> list[Step]:
    """The cells to run, in order: every code cell of ``nb``, with each answer cell
    (``cells``: exercise key -> cell index) between a reset and a capture."""
    by_index = {i: k for k, i in cells.items()}
    steps: list[Step] = []
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        key, source = by_index.get(i), cell.get("source", "")
        if key is None:
            steps.append(Step("student", source))
        else:
            steps += [Step("reset", RESET, key), Step("answer", source, key)]
            steps.append(Step("capture", CAPTURE, key))
    return steps


# ---- marking ----------------------------------------------------------------------


def read_capture(outputs: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The record a capture cell displayed (``None`` if there is none)."""
    for out in outputs:
        data = out.get("data", {})
        if preamble.ANSWER_MIME in data:
            rec = data[preamble.ANSWER_MIME]
            return json.loads(rec) if isinstance(rec, str) else dict(rec)
    return None


def mark(item: KeyItem, record: dict[str, Any] | None) -> tuple[int, str]:
    """The mark (1 or 0) of a recorded answer, and the reason for a 0."""
    if record is None:
        return 0, "the grader could not read the answer"
    status = record.get("status")
    if status == "missing":
        return 0, "the answer cell does not set `answer`"
    if status == "unanswered":
        return 0, "not answered (`answer = ...`)"
    if status == "type":
        want = "one number" if len(item.answer) == 1 else f"{len(item.answer)} numbers"
        return 0, f"wrong type: the answer is a {record.get('type')}, expected {want}"
    if status == "text":
        text = str(record.get("text", ""))
    elif status == "numbers":
        text = ", ".join(str(v) for v in record.get("values", []))
    else:
        return 0, "the grader could not read the answer"
    fb = check_answer(text, item.answer, item.rtol, item.atol)
    if fb.correct:
        return 1, ""
    return 0, ("invalid answer: " if fb.verdict == "invalid" else "wrong: ") + fb.message


def failure(reply: Reply, limit: float) -> str:
    """Why a cell did not finish, in the words of the grade's reasons."""
    if reply.status == "timeout":
        return f"ran past the time limit ({limit:.0f} s) and was stopped"
    if reply.status == "dead":
        return "crashed the kernel (restarted)"
    # No temporary file names in the reasons: "(123.py, line 1)" -> "(line 1)".
    evalue = re.sub(r"\(\d+\.py, ", "(", reply.evalue)
    return f"raised {reply.ename or 'Error'}" + (f": {evalue}" if evalue else "")


@dataclass
class Sheet:
    """What running one submission found: a mark and a reason per exercise read,
    exercises that failed before their answer could be read, and problems of the file."""

    sk: StudentKey
    marks: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def note(self, step: Step, reply: Reply, limit: float) -> None:
        """Take in how ``step`` ended (it ran for at most ``limit`` seconds)."""
        if step.kind == "capture" and step.key is not None:
            self._capture(step.key, reply)
        elif step.kind == "answer" and step.key is not None and reply.status != "ok":
            self.failed[step.key] = f"the answer cell {failure(reply, limit)}"
        elif step.kind == "student" and reply.status in ("timeout", "dead"):
            self.problems.append(f"a cell of yours {failure(reply, limit)}")

    def _capture(self, key: str, reply: Reply) -> None:
        if key in self.failed:
            return
        if reply.status != "ok":
            self.failed[key] = "the grader could not read the answer"
            return
        self.marks[key], self.reasons[key] = mark(self.sk.item(key), read_capture(reply.outputs))

    def out_of_time(self, step: Step, timeout: float) -> None:
        """``step`` was not run: the notebook's time limit had run out."""
        if step.key is not None and step.key not in self.failed:
            self.failed[step.key] = f"not run: the notebook's time limit ({timeout:g} s) ran out"

    def result(self, file: str, problems: dict[str, str]) -> Result:
        """The grade: ``problems`` (exercise -> why its cell was not usable) cost their mark."""
        marks = {**self.marks, **dict.fromkeys(self.failed, 0)}
        reasons = {**self.reasons, **self.failed}
        result = Result(self.sk.student_id, self.sk.name, file, {}, {}, self.problems)
        for k in (it.key for it in self.sk.items):
            if k in problems:
                result.marks[k], result.reasons[k] = 0, problems[k]
            else:
                result.marks[k] = marks.get(k, 0)
                result.reasons[k] = reasons.get(k, "" if k in marks else "the answer was not read")
        return result


# ---- grading ----------------------------------------------------------------------


def run_submission(
    nb: nbformat.NotebookNode,
    sk: StudentKey,
    cells: dict[str, int],
    timeout: float,
    cell_timeout: float,
) -> Sheet:
    """Run ``nb``'s code cells in a fresh kernel and read the answers of ``cells``."""
    sheet = Sheet(sk)
    with (
        tempfile.TemporaryDirectory(prefix="bp-grade-") as cwd,
        Kernel(cwd, grading_env(), setup_source()) as kernel,
    ):
        deadline = time.monotonic() + timeout
        for step in plan(nb, cells):
            left = deadline - time.monotonic()
            if left <= 0:
                sheet.out_of_time(step, timeout)
                continue
            limit = min(cell_timeout, left)
            sheet.note(step, kernel.run(step.source, limit), limit)
    return sheet


def usable_cells(
    nb: nbformat.NotebookNode, sk: StudentKey, others: dict[str, StudentKey]
) -> tuple[dict[str, int], dict[str, str]]:
    """The answer cells to read (key -> index) and why the others cannot count."""
    cells, problems = answer_cells(nb, [it.key for it in sk.items])
    for k, who in foreign_questions(nb, sk, others).items():
        cells.pop(k, None)
        problems[k] = f"the question is the one of student {who!r}'s variant, not this student's"
    return cells, problems


def grade_submission(
    path: str | Path,
    sk: StudentKey,
    timeout: float = 120,
    cell_timeout: float = 30,
    nb: nbformat.NotebookNode | None = None,
    others: dict[str, StudentKey] | None = None,
) -> Result:
    """Grade one file as ``sk``'s submission; never raises for a broken submission.

    ``others`` (the whole key) lets the grader notice questions pasted in from
    another student's notebook.
    """
    path = Path(path)
    try:
        nb = load_submission(path) if nb is None else nb
        wrong = not_theirs(nb, sk)
        if wrong:
            return zero(sk, path.name, wrong)
        cells, problems = usable_cells(nb, sk, others or {})
        sheet = run_submission(nb, sk, cells, timeout, cell_timeout)
    except Exception as e:  # a broken submission must never stop the run
        return zero(sk, path.name, f"could not be graded: {type(e).__name__}: {e}")
    return sheet.result(path.name, problems)


def grade(
    submissions: Sequence[str | Path],
    key: dict[str, StudentKey],
    timeout: float = 120,
    cell_timeout: float = 30,
    progress: Callable[[Path], None] | None = None,
) -> list[Result]:
    """Grade every submission: one result per student of the key (the best file if
    several), then one per file that belongs to nobody in the key."""
    best: dict[str, Result] = {}
    seen: dict[str, list[str]] = {}
    orphans: list[Result] = []
    for sub in submissions:
        path = Path(sub)
        sid, nb = whose(path, key)
        if sid is None:
            orphans.append(
                Result("", "", path.name, {}, {}, ["cannot tell whose submission this is"])
            )
        else:
            r = grade_submission(path, key[sid], timeout, cell_timeout, nb=nb, others=key)
            seen.setdefault(sid, []).append(path.name)
            if sid not in best or r.total > best[sid].total:
                best[sid] = r
        if progress is not None:
            progress(path)
    return _per_student(key, best, seen) + orphans


def _per_student(
    key: dict[str, StudentKey], best: dict[str, Result], seen: dict[str, list[str]]
) -> list[Result]:
    results: list[Result] = []
    for sid, sk in key.items():
        if sid not in best:
            results.append(zero(sk, "", "no submission"))
            continue
        r = best[sid]
        if len(seen[sid]) > 1:
            r.problems.append(f"{len(seen[sid])} files ({', '.join(seen[sid])}); graded the best")
        results.append(r)
    return results
