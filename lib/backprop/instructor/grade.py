"""``grade``: run each submitted notebook, read its answers, mark them against the key.

Every submission runs in a sandbox of its own (:mod:`~backprop.instructor.sandbox`:
bubblewrap, no network, nothing of the instructor's to read or write, limits on
time, CPU, memory and output), in a fresh kernel
(:class:`~backprop.instructor.kernel.Kernel`), with a time limit per cell and one
per notebook. Before each answer cell the grader removes any ``answer`` left
over, and right after it records the value the cell set
(:mod:`~backprop.instructor.preamble`), so an answer is read from its own cell
only. The key never enters the sandbox: every submission and the key are read
into memory before any student's code runs, and the marks are given out here,
from what the sandbox reports, with :func:`backprop.exercises.check_answer` and
the key's tolerances: the book's rules.

Whatever is wrong with a submission (not JSON, another student's variant, a
syntax error, an endless loop, a deleted or moved answer cell, an answer of the
wrong type, a hostile program) costs the affected items their mark, with a
reason in the row; it never stops the run.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import numpy as np

from ..exercises import CodeExercise, Exercise, check_answer, make, parse_answer
from ..exercises.code import CodeTest, judge
from . import preamble
from .assign import answer_source
from .kernel import OUTPUT_LIMIT, Reply
from .key import KeyItem, StudentKey
from .preamble import read_capture
from .results import Result, zero
from .sandbox import python_paths, run_cells, sandbox_problem, stop_all
from .submission import (
    answer_cells,
    attribute,
    code_print,
    foreign_questions,
    load_submission,
    not_theirs,
    parse_submission,
    whose,
)

#: The grader's cell before each answer cell: no ``answer`` left from earlier cells.
RESET = 'globals().pop("answer", None)'
#: The grader's cell after each answer cell: display the record of ``answer``.
CAPTURE = "_bp_grading.capture(globals())"


@functools.lru_cache(maxsize=4096)
def exercise(key: str, seed: int) -> Exercise:
    """The variant a key's item names (made once per run)."""
    return make(key, seed)


def encode(value: Any) -> Any:
    """A code test's argument as JSON for the sandbox (:func:`preamble.decode` reads it)."""
    if isinstance(value, np.ndarray):
        return {"__array__": value.astype(float).tolist(), "shape": list(value.shape)}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def grading_tests(item: KeyItem, ex: CodeExercise) -> list[CodeTest]:
    """The tests a code answer is graded by: the variant's own (which the student can run),
    then the same tests on the inputs of the key's hidden seed, named as such."""
    tests = list(ex.tests)
    if item.check_seed:
        hidden = exercise(item.key, item.check_seed)
        if isinstance(hidden, CodeExercise):
            tests += [
                dataclasses.replace(t, name=f"{t.name} (on other inputs)") for t in hidden.tests
            ]
    return tests


def capture_source(item: KeyItem) -> str:
    """The grader's cell after ``item``'s answer cell: for a code exercise it runs the
    student's function on the tests' inputs (in the sandbox); else it records ``answer``."""
    ex = exercise(item.key, item.seed)
    if not isinstance(ex, CodeExercise):
        return CAPTURE
    tests = json.dumps([[encode(a) for a in t.args] for t in grading_tests(item, ex)])
    return f"_bp_grading.capture_code(globals(), {tests!r}, {list(ex.arguments)!r})"


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
            f"_bp_grading.limit_output({OUTPUT_LIMIT})",
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


def plan(
    nb: nbformat.NotebookNode, cells: dict[str, int], captures: dict[str, str] | None = None
) -> list[Step]:
    """The cells to run, in order: every code cell of ``nb``, with each answer cell
    (``cells``: exercise key -> cell index) between a reset and a capture (``captures``:
    exercise key -> the capture cell's source, :data:`CAPTURE` by default)."""
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
            steps.append(Step("capture", (captures or {}).get(key, CAPTURE), key))
    return steps


# ---- marking ----------------------------------------------------------------------


def _numbers(count: int) -> str:
    return "one number" if count == 1 else f"{count} numbers"


def spaced(text: str) -> str:
    """``text`` with numbers separated by spaces only ("1.5 -2 0") written with commas,
    as the book's answer boxes read them; anything else unchanged."""
    inner = text.strip()
    if inner[:1] + inner[-1:] in ("[]", "()"):
        inner = inner[1:-1]
    tokens = inner.split()
    if "," in inner or len(tokens) < 2:
        return text
    if any(parse_answer(t, 1).values is None for t in tokens):
        return text
    return ", ".join(tokens)


def answer_text(record: dict[str, Any] | None) -> str:
    """The answer a capture recorded, as text ("" if none was given)."""
    if record is None:
        return ""
    status = record.get("status")
    if status == "text":
        return str(record.get("text", ""))
    if status == "numbers":
        return ", ".join(str(v) for v in record.get("values", []))
    if status == "type":
        return f"(a {record.get('type')})"
    if status == "outputs":
        return f"(the function {record.get('function', '')})"
    return ""


class _Returned:
    """Stands for a value the sandbox could only name (a judge says "a str, not ...")."""


def _decoded(out: Any) -> dict[str, Any]:
    """One recorded output as :func:`backprop.exercises.code.judge` takes it."""
    if not isinstance(out, dict):
        return {"error": "the grader could not read what the function returned"}
    if "error" in out:
        return {"error": str(out["error"])[:500]}
    value = out.get("value")
    if isinstance(value, dict) and "__type__" in value:
        return {"value": type(str(value["__type__"])[:50] or "object", (_Returned,), {})()}
    if isinstance(value, list):
        return {"value": tuple(preamble.decode(v) for v in value)}
    return {"value": preamble.decode(value)}


def mark_code(
    ex: CodeExercise, record: dict[str, Any], tests: Sequence[CodeTest] | None = None
) -> tuple[float, str]:
    """The share of a code exercise's points its recorded outputs earn on ``tests`` (the
    exercise's own by default), and what failed."""
    tests = list(ex.tests if tests is None else tests)
    if record.get("status") != "outputs":
        return 0.0, f"the answer is not a function: keep `answer = {ex.function}` under it"
    outputs = record.get("outputs")
    if not isinstance(outputs, list) or len(outputs) != len(tests):
        return 0.0, "the grader could not read what the function returned"
    results = judge(tests, [_decoded(o) for o in outputs])
    total = sum(r.points for r in results)
    score = sum(r.earned for r in results) / total if total else 0.0
    failed = [r for r in results if not r.passed]
    if not failed:
        return score, ""
    first = failed[0]
    return score, (
        f"{len(failed)} of {len(results)} tests failed; first: {first.name}: {first.message}"
    )


def _variant(item: KeyItem) -> Exercise | None:
    """The exercise a key item names, or None if this library no longer has it."""
    try:
        return exercise(item.key, item.seed)
    except ValueError:
        return None


def entries_right(text: str, item: KeyItem) -> int:
    r"""How many entries of the typed answer ``text`` are right: entry :math:`j` is when
    :math:`|x_j - a_j| \le \text{atol} + \text{rtol}\,|a_j|` (0 if ``text`` does not
    read as ``len(item.answer)`` numbers)."""
    values = parse_answer(text, len(item.answer)).values
    if values is None:
        return 0
    return sum(
        check_answer(repr(x), [a], item.rtol, item.atol).correct
        for x, a in zip(values, item.answer, strict=True)
    )


def mark(item: KeyItem, record: dict[str, Any] | None) -> tuple[float, str]:
    """The mark of a recorded answer, and the reason for less than 1: 1 if right, else
    for an answer of :math:`k` numbers of which :math:`j` are right the share
    :math:`j/k` (partial credit), for code the share of its tests' points, else 0."""
    if record is None:
        return 0, "the grader could not read the answer"
    status = record.get("status")
    if status == "missing":
        return 0, "the answer cell does not set `answer`"
    if status == "unanswered":
        return 0, "not answered (`answer = ...`)"
    ex = _variant(item)
    if isinstance(ex, CodeExercise):
        return mark_code(ex, record, grading_tests(item, ex))
    if ex is not None and ex.kind in ("formula", "bug"):
        if status == "text":
            given: Any = str(record.get("text", ""))
        elif status == "numbers" and len(record.get("values", [])) == 1:
            given = float(record["values"][0])
        else:
            what = "a text" if ex.kind == "formula" else "one whole number"
            return 0, f"wrong type: expected {ex.expects}, as {what}"
        fb = ex.check(given if ex.kind == "bug" else str(given))
        if fb.correct:
            return 1, ""
        return 0, ("invalid answer: " if fb.verdict == "invalid" else "wrong: ") + fb.message
    if status == "type":
        want = _numbers(len(item.answer))
        return 0, f"wrong type: the answer is a {record.get('type')}, expected {want}"
    want = _numbers(len(item.answer))
    if status == "text":
        text = spaced(str(record.get("text", "")))
    elif status == "numbers":
        values = [str(v) for v in record.get("values", [])]
        if len(values) != len(item.answer):
            return 0, f"invalid answer: Expected {want}; got {_numbers(len(values))}."
        text = ", ".join(values)
    else:
        return 0, "the grader could not read the answer"
    fb = check_answer(text, item.answer, item.rtol, item.atol)
    if fb.correct:
        return 1, ""
    right = entries_right(text, item) if fb.verdict == "wrong" else 0
    if right:
        k = len(item.answer)
        return right / k, f"partly right ({right} of {k} entries): {fb.message}"
    return 0, ("invalid answer: " if fb.verdict == "invalid" else "wrong: ") + fb.message


def failure(reply: Reply, limit: float) -> str:
    """Why a cell did not finish, in the words of the grade's reasons."""
    if reply.status == "timeout":
        return f"ran past the time limit ({limit:.0f} s) and was stopped"
    if reply.status == "dead":
        return "crashed the kernel (restarted)"
    if reply.status == "output":
        return f"printed more than {OUTPUT_LIMIT >> 20} MB and was cut off"
    # No temporary file names in the reasons: "(123.py, line 1)" -> "(line 1)".
    evalue = re.sub(r"\(\d+\.py, ", "(", reply.evalue)
    return f"raised {reply.ename or 'Error'}" + (f": {evalue}" if evalue else "")


@dataclass
class Sheet:
    """What running one submission found: a mark and a reason per exercise read,
    exercises that failed before their answer could be read, and problems of the file."""

    sk: StudentKey
    marks: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)

    def note(self, step: Step, reply: Reply, limit: float) -> None:
        """Take in how ``step`` ended (it ran for at most ``limit`` seconds)."""
        if step.kind == "capture" and step.key is not None:
            self._capture(step.key, reply)
        elif step.kind == "answer" and step.key is not None and reply.status != "ok":
            self.failed[step.key] = f"the answer cell {failure(reply, limit)}"
        elif step.kind == "student" and reply.status in ("timeout", "dead", "output"):
            self.problems.append(f"a cell of yours {failure(reply, limit)}")

    def _capture(self, key: str, reply: Reply) -> None:
        if key in self.failed:
            return
        if reply.status != "ok":
            self.failed[key] = "the grader could not read the answer"
            return
        record = read_capture(reply.outputs)
        self.answers[key] = answer_text(record)[:2000]
        self.marks[key], self.reasons[key] = mark(self.sk.item(key), record)

    def out_of_time(self, step: Step, timeout: float) -> None:
        """``step`` was not run: the notebook's time limit had run out."""
        if step.key is not None and step.key not in self.failed:
            self.failed[step.key] = f"not run: the notebook's time limit ({timeout:g} s) ran out"

    def result(self, file: str, problems: dict[str, str]) -> Result:
        """The grade: ``problems`` (exercise -> why its cell was not usable) cost their mark."""
        marks = {**self.marks, **dict.fromkeys(self.failed, 0)}
        reasons = {**self.reasons, **self.failed}
        result = Result(self.sk.student_id, self.sk.name, file, {}, {}, self.problems)
        result.answers = {k: a for k, a in self.answers.items() if k not in problems}
        for k in (it.key for it in self.sk.items):
            if k in problems:
                result.marks[k], result.reasons[k] = 0, problems[k]
            else:
                result.marks[k] = marks.get(k, 0)
                result.reasons[k] = reasons.get(k, "" if k in marks else "the answer was not read")
        return result


# ---- grading ----------------------------------------------------------------------


def _reply(report: dict[str, Any]) -> Reply:
    """The :class:`Reply` of one report from the sandbox (which may have been forged)."""
    status = str(report.get("status", ""))
    if status not in ("ok", "error", "timeout", "dead", "output"):
        status = "error"
    record = report.get("record")
    outputs = [{"data": {preamble.ANSWER_MIME: record}}] if isinstance(record, dict) else []
    return Reply(
        status, str(report.get("ename", ""))[:200], str(report.get("evalue", ""))[:2000], outputs
    )


def run_submission(
    nb: nbformat.NotebookNode,
    sk: StudentKey,
    cells: dict[str, int],
    timeout: float,
    cell_timeout: float,
    sandboxed: bool = True,
) -> Sheet:
    """Run ``nb``'s code cells in a fresh kernel in a sandbox and read the answers of
    ``cells``."""
    sheet = Sheet(sk)
    steps = plan(nb, cells, {it.key: capture_source(it) for it in sk.items})
    outcome = run_cells(
        nbformat.writes(nb),
        setup_source(),
        [s.source for s in steps],
        timeout,
        cell_timeout,
        sandboxed=sandboxed,
    )
    for step, report in zip(steps, outcome.reports, strict=False):
        if report.get("status") == "skipped":
            sheet.out_of_time(step, timeout)
            continue
        try:
            limit = float(report.get("limit", cell_timeout))
        except (TypeError, ValueError):
            limit = cell_timeout
        sheet.note(step, _reply(report), limit)
    if outcome.problem:
        sheet.problems.append(outcome.problem)
        for step in steps[len(outcome.reports) :]:
            if step.key is not None and step.key not in sheet.failed:
                sheet.failed[step.key] = f"not run: {outcome.problem}"
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
    sandboxed: bool = True,
) -> Result:
    """Grade one file as ``sk``'s submission; never raises for a broken submission.

    ``others`` (the whole key) lets the grader notice questions pasted in from
    another student's notebook; ``sandboxed=False`` runs it without bubblewrap.
    """
    path = Path(path)
    try:
        nb = load_submission(path) if nb is None else nb
        wrong = not_theirs(nb, sk)
        if wrong:
            return zero(sk, path.name, wrong)
        cells, problems = usable_cells(nb, sk, others or {})
        sheet = run_submission(nb, sk, cells, timeout, cell_timeout, sandboxed)
    except ValueError as e:  # not a notebook
        return zero(sk, path.name, str(e))
    except Exception as e:  # a broken submission must never stop the run
        return zero(sk, path.name, f"could not be graded: {type(e).__name__}: {e}")
    return sheet.result(path.name, problems)


def grade(
    submissions: Sequence[str | Path],
    key: dict[str, StudentKey],
    timeout: float = 120,
    cell_timeout: float = 30,
    progress: Callable[[Path], None] | None = None,
    sandboxed: bool = True,
    skip: Callable[[str, Path], bool] | None = None,
    on_graded: Callable[[list[Result]], None] | None = None,
    jobs: int = 1,
) -> list[Result]:
    """Grade every submission: one result per student of the key (the best file if
    several), then one per file that belongs to nobody in the key.

    Every file is read into memory before the first one runs, so no submission's
    code can change another's (nor, without a sandbox, the key already read).
    ``jobs`` submissions run at once, each in a sandbox of its own (threads: the
    work is in the sandbox's processes); the result does not depend on ``jobs``.
    ``skip(student id, path)`` leaves out files graded before (``--resume``);
    ``on_graded`` gets the results so far (students graded, orphans) after each file.
    ``RuntimeError`` if ``sandboxed`` and bubblewrap cannot sandbox here.
    Students whose code cells are the same as another student's are flagged.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if sandboxed and sandbox_problem():
        raise RuntimeError(f"cannot grade safely: {sandbox_problem()}")
    if sandboxed:
        python_paths()  # cached once here, not raced for by the threads
    # Per student: the result of each of their files, by the file's place in the list.
    graded: dict[str, dict[int, Result]] = {}
    orphans: dict[int, Result] = {}
    prints: dict[str, set[str]] = {}
    read: list[tuple[Path, nbformat.NotebookNode | None, str]] = []
    for sub in submissions:
        path = Path(sub)
        try:
            read.append((path, parse_submission(path.read_bytes()), ""))
        except (OSError, ValueError) as e:
            read.append((path, None, str(e) if isinstance(e, ValueError) else f"unreadable: {e}"))

    def so_far(missing: bool) -> list[Result]:
        best: dict[str, Result] = {}
        seen: dict[str, list[str]] = {}
        for sid, files in graded.items():
            ordered = [files[i] for i in sorted(files)]
            best[sid] = max(ordered, key=lambda r: r.total)  # the first of the best
            seen[sid] = [r.file for r in ordered]
        return _per_student(key, best, seen, prints, missing) + [
            orphans[i] for i in sorted(orphans)
        ]

    def done(path: Path) -> None:
        if progress is not None:
            progress(path)
        if on_graded is not None:
            on_graded(so_far(missing=False))

    todo: list[tuple[int, str, Path, nbformat.NotebookNode]] = []
    for i, (path, nb, why) in enumerate(read):
        sid, nb = whose(path, key, nb) if nb is not None else (attribute(path, key), None)
        if sid is not None and skip is not None and skip(sid, path):
            pass
        elif sid is None:
            why = "; ".join(filter(None, ["cannot tell whose submission this is", why]))
            orphans[i] = Result("", "", path.name, {}, {}, [why])
        elif nb is None:
            graded.setdefault(sid, {})[i] = zero(key[sid], path.name, why)
        else:
            printed = code_print(
                nb,
                [answer_source(exercise(it.key, it.seed)) for it in key[sid].items if _variant(it)],
            )
            if printed:
                prints.setdefault(printed, set()).add(sid)
            todo.append((i, sid, path, nb))
            continue
        done(path)
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="grade")
    try:
        futures = {
            pool.submit(
                grade_submission,
                path,
                key[sid],
                timeout,
                cell_timeout,
                nb=nb,
                others=key,
                sandboxed=sandboxed,
            ): (i, sid, path)
            for i, sid, path, nb in todo
        }
        for future in as_completed(futures):
            i, sid, path = futures[future]
            graded.setdefault(sid, {})[i] = future.result()
            done(path)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        stop_all()  # the sandboxes still running: their threads then end at once
        raise
    pool.shutdown()
    return so_far(missing=True)


def _per_student(
    key: dict[str, StudentKey],
    best: dict[str, Result],
    seen: dict[str, list[str]],
    prints: dict[str, set[str]] | None = None,
    missing: bool = True,
) -> list[Result]:
    """One result per student of the key (``missing``: "no submission" rows too)."""
    results: list[Result] = []
    for sid, sk in key.items():
        if sid not in best:
            if missing:
                results.append(zero(sk, "", "no submission"))
            continue
        r = dataclasses.replace(best[sid], problems=list(best[sid].problems))
        if len(seen[sid]) > 1:
            r.problems.append(f"{len(seen[sid])} files ({', '.join(seen[sid])}); graded the best")
        copied = sorted(
            {o for same in (prints or {}).values() if sid in same for o in same} - {sid}
        )
        if copied:
            names = ", ".join(repr(o) for o in copied)
            r.problems.append(f"possible copy: the same code as the submission of {names}")
        results.append(r)
    return results
