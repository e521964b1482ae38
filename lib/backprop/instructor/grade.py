"""``grade``: run each submitted notebook, read its answers, mark them against the key.

Every submission runs in a fresh kernel, in a temporary folder, with the network
blocked (Python sockets refuse to connect and proxies point nowhere), a time
limit per cell and one per notebook. Before each answer cell the grader removes
any ``answer`` left over, and right after it records the value the cell set, so
an answer is read from its own cell only. Answers are checked with
:func:`backprop.exercises.check_answer` and the key's tolerances: the book's rules.

Whatever is wrong with a submission (not JSON, another student's variant, a
syntax error, an endless loop, a deleted or moved answer cell, an answer of the
wrong type) costs the affected items their mark, with a reason in the row; it
never stops the run. This is not a security sandbox: run untrusted notebooks in
a container.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from ..exercises import check_answer
from .assign import KEY_COLUMNS, question_sha
from .variants import safe_name

#: The MIME type of the record the grader's capture cell displays.
ANSWER_MIME = "application/vnd.backprop.answer+json"
#: How long a kernel may take to answer after a timeout before it is restarted.
PROBE_SECONDS = 3

_PREAMBLE = """\
import socket as _bp_socket


def _bp_no_network(*args, **kwargs):
    raise OSError("network access is disabled while grading")


for _bp_name in ("connect", "connect_ex", "sendto", "sendmsg"):
    setattr(_bp_socket.socket, _bp_name, _bp_no_network)
_bp_socket.create_connection = _bp_no_network
_bp_socket.getaddrinfo = _bp_no_network


def _bp_capture():
    from IPython.display import publish_display_data

    def record():
        if "answer" not in globals():
            return {"status": "missing"}
        value = globals()["answer"]
        if value is Ellipsis:
            return {"status": "unanswered"}
        if isinstance(value, str):
            return {"status": "text", "text": value[:2000]}
        kind = type(value).__name__
        if isinstance(value, bool) or "bool" in kind:
            return {"status": "type", "type": kind}
        try:
            import numpy

            arr = numpy.asarray(value)
            if arr.dtype.kind not in "iuf" or arr.size > 1000:
                raise TypeError(kind)
            values = [repr(float(v)) for v in arr.ravel()]
        except Exception:
            return {"status": "type", "type": kind}
        return {"status": "numbers", "values": values}

    publish_display_data({"ANSWER_MIME": record()})
""".replace("ANSWER_MIME", ANSWER_MIME)

_RESET = 'globals().pop("answer", None)'
_CAPTURE = "_bp_capture()"


@dataclass(frozen=True)
class KeyItem:
    """One exercise of one student's key: the correct answer and its tolerances."""

    key: str
    answer: tuple[float, ...]
    rtol: float
    atol: float
    question_sha: str = ""


@dataclass
class StudentKey:
    """A student's part of ``key.csv``."""

    student_id: str
    name: str
    notebook: str
    fingerprint: str
    items: list[KeyItem] = field(default_factory=list)


def read_key(path: str | Path) -> dict[str, StudentKey]:
    """The answer key written by ``assign``: student id -> :class:`StudentKey`."""
    path = Path(path)
    out: dict[str, StudentKey] = {}
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        optional = ("question_sha",)
        missing = [
            c for c in KEY_COLUMNS if c not in (reader.fieldnames or []) and c not in optional
        ]
        if missing:
            raise ValueError(f"{path}: not a key written by assign (no column {missing[0]!r})")
        for row in reader:
            sid = row["student_id"]
            sk = out.setdefault(
                sid, StudentKey(sid, row["name"], row["notebook"], row["fingerprint"])
            )
            answer = tuple(float(v) for v in json.loads(row["answer_json"]))
            sk.items.append(
                KeyItem(
                    row["exercise"],
                    answer,
                    float(row["rtol"]),
                    float(row["atol"]),
                    row.get("question_sha") or "",
                )
            )
    if not out:
        raise ValueError(f"{path}: the key lists no students")
    return out


@dataclass
class Result:
    """The grade of one submission (or of a missing one)."""

    student_id: str
    name: str
    file: str
    marks: dict[str, int]
    reasons: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.marks.values())

    @property
    def max(self) -> int:
        return len(self.marks)

    @property
    def reason_text(self) -> str:
        parts = list(self.problems) + [f"{k}: {r}" for k, r in self.reasons.items() if r]
        return "; ".join(parts)


def _zero(sk: StudentKey, file: str, problem: str) -> Result:
    return Result(sk.student_id, sk.name, file, {it.key: 0 for it in sk.items}, {}, [problem])


# ---- reading the notebook ---------------------------------------------------------


def _load(path: Path) -> nbformat.NotebookNode:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(f"not a notebook: not UTF-8 text ({e.reason})") from None
    try:
        json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"not a notebook: not valid JSON ({e.msg}, line {e.lineno})") from None
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as e:  # nbformat raises several kinds on malformed notebooks
        raise ValueError(f"not a notebook: {type(e).__name__}: {e}") from None
    if not isinstance(nb.get("cells"), list):
        raise ValueError("not a notebook: it has no list of cells")
    for i, cell in enumerate(nb.cells):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise ValueError(f"not a notebook: cell {i} is malformed")
        if not isinstance(cell.get("source", ""), str):
            raise ValueError(f"not a notebook: cell {i} has no text")
    return nb


def _meta(cell: dict[str, Any]) -> dict[str, Any]:
    meta = cell.get("metadata", {}).get("backprop", {})
    return meta if isinstance(meta, dict) else {}


def _answer_cells(
    nb: nbformat.NotebookNode, keys: Sequence[str]
) -> tuple[dict[str, int], dict[str, str]]:
    """Which cell answers which exercise, and why some exercises have no usable cell.

    An answer cell must be a code cell with metadata role "answer", appear once,
    and sit below its own question (after it, before the next exercise's question).
    """
    found: dict[str, list[int]] = {k: [] for k in keys}
    section: dict[int, str | None] = {}
    current: str | None = None
    for i, cell in enumerate(nb.cells):
        meta = _meta(cell)
        if meta.get("role") == "question":
            current = meta.get("key")
        if cell.get("cell_type") == "code" and meta.get("role") == "answer":
            k = meta.get("key")
            if k in found:
                found[k].append(i)
                section[i] = current
    questions = {_meta(c).get("key") for c in nb.cells if _meta(c).get("role") == "question"}
    cells: dict[str, int] = {}
    problems: dict[str, str] = {}
    for k, where in found.items():
        if not where:
            problems[k] = "answer cell missing (deleted, or its metadata removed)"
        elif len(where) > 1:
            problems[k] = f"{len(where)} answer cells for this exercise (cells copied?)"
        elif k in questions and section[where[0]] != k:
            problems[k] = "the answer cell is no longer below its question (cells moved)"
        else:
            cells[k] = where[0]
    return cells, problems


# ---- running it -------------------------------------------------------------------


def _kernel_env() -> dict[str, str]:
    # No instructor's secret (or anything else named like one) for the students' code.
    env = {
        k: v
        for k, v in os.environ.items()
        if not re.search(r"SECRET|TOKEN|PASSWORD|CREDENTIAL|_KEY$", k, re.I)
    }
    nowhere = "http://127.0.0.1:9"  # the discard port: every proxied request fails at once
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[var] = nowhere
    env.pop("no_proxy", None)
    env.pop("NO_PROXY", None)
    env.update(
        {"PIP_NO_INDEX": "1", "MPLBACKEND": "Agg", "BACKPROP_GRADING": "1", "PYTHONHASHSEED": "0"}
    )
    return env


class _Runner:
    """A kernel that runs cells one by one under time limits and restarts when stuck."""

    def __init__(self, nb: nbformat.NotebookNode, cwd: str, cell_timeout: float) -> None:
        self.cwd = cwd
        self.cell_timeout = cell_timeout
        self.reply: dict[str, Any] = {}
        self.client = NotebookClient(
            nb,
            kernel_name="python3",
            allow_errors=True,
            interrupt_on_timeout=True,
            error_on_timeout={
                "ename": "TimeLimit",
                "evalue": "the cell ran past its time limit",
                "traceback": [],
            },
            record_timing=False,
            store_widget_state=False,
            startup_timeout=120,
            iopub_timeout=2,
            shutdown_kernel="immediate",
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
            on_cell_executed=self._on_executed,
        )
        self.restarts = 0

    def _on_executed(self, cell: Any, cell_index: int, execute_reply: dict[str, Any]) -> None:
        self.reply = dict(execute_reply.get("content", {}))

    def start(self) -> None:
        c = self.client
        c.km = c.create_kernel_manager()
        c.start_new_kernel(cwd=self.cwd, env=_kernel_env())
        c.start_new_kernel_client()
        status = self.run(nbformat.v4.new_code_cell(_PREAMBLE), 0, 60)
        if status["status"] != "ok":
            raise RuntimeError(f"the grading preamble failed: {status.get('evalue', '')}")

    def stop(self) -> None:
        if self.client.km is not None:
            try:
                self.client._cleanup_kernel()
            except Exception:
                pass
            self.client.km = self.client.kc = None

    def restart(self) -> None:
        self.stop()
        self.restarts += 1
        self.start()

    def run(self, cell: nbformat.NotebookNode, index: int, limit: float) -> dict[str, Any]:
        """Run one cell; the reply's content, with status "timeout" or "dead" on those."""
        self.reply = {}
        self.client.timeout = max(1, int(round(limit)))
        try:
            self.client.execute_cell(cell, index)
        except DeadKernelError:
            self.restart()
            return {"status": "dead"}
        if self.reply.get("ename") == "TimeLimit":
            # Interrupted; a kernel that ignores the interrupt is replaced.
            probe = nbformat.v4.new_code_cell("pass")
            self.reply = {}
            self.client.timeout = PROBE_SECONDS
            try:
                self.client.execute_cell(probe, index)
                alive = self.reply.get("status") == "ok"
            except DeadKernelError:
                alive = False
            if not alive:
                self.restart()
            return {"status": "timeout"}
        return self.reply or {"status": "ok"}


def _read_capture(cell: nbformat.NotebookNode) -> dict[str, Any] | None:
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if ANSWER_MIME in data:
            rec = data[ANSWER_MIME]
            return json.loads(rec) if isinstance(rec, str) else dict(rec)
    return None


def _mark(item: KeyItem, record: dict[str, Any] | None) -> tuple[int, str]:
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


def _run_and_mark(
    nb: nbformat.NotebookNode,
    sk: StudentKey,
    cells: dict[str, int],
    timeout: float,
    cell_timeout: float,
) -> tuple[dict[str, int], dict[str, str], list[str]]:
    by_index = {i: k for k, i in cells.items()}
    run = nbformat.v4.new_notebook()
    plan: list[tuple[str, str | None]] = [("preamble", None)]
    run.cells.append(nbformat.v4.new_code_cell(_PREAMBLE))
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        key = by_index.get(i)
        if key is not None:
            run.cells.append(nbformat.v4.new_code_cell(_RESET))
            plan.append(("reset", key))
        run.cells.append(nbformat.v4.new_code_cell(cell.get("source", "")))
        plan.append(("answer" if key else "student", key))
        if key is not None:
            run.cells.append(nbformat.v4.new_code_cell(_CAPTURE))
            plan.append(("capture", key))
    marks: dict[str, int] = {}
    reasons: dict[str, str] = {}
    problems: list[str] = []
    failed: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="bp-grade-") as cwd:
        runner = _Runner(run, cwd, cell_timeout)
        runner.start()
        try:
            deadline = time.monotonic() + timeout
            for index, (kind, key) in enumerate(plan):
                if kind == "preamble":
                    continue
                left = deadline - time.monotonic()
                if left <= 0:
                    if key is not None and key not in failed:
                        failed[key] = f"not run: the notebook's time limit ({timeout:g} s) ran out"
                    continue
                reply = runner.run(run.cells[index], index, min(cell_timeout, left))
                status = reply.get("status")
                if kind == "capture" and key not in failed:
                    if status == "ok":
                        marks[key], reasons[key] = _mark(
                            _item(sk, key), _read_capture(run.cells[index])
                        )
                    else:
                        failed[key] = "the grader could not read the answer"
                elif kind in ("answer", "student") and status != "ok":
                    if status == "timeout":
                        why = f"ran past the time limit ({min(cell_timeout, left):.0f} s) and was stopped"
                    elif status == "dead":
                        why = "crashed the kernel (restarted)"
                    else:
                        ename, evalue = reply.get("ename", "Error"), reply.get("evalue", "")
                        # No temporary file names in the reasons: "(123.py, line 1)" -> "(line 1)".
                        evalue = re.sub(r"\(\d+\.py, ", "(", str(evalue))
                        why = f"raised {ename}" + (f": {evalue}" if evalue else "")
                    if kind == "answer":
                        failed[key] = f"the answer cell {why}"
                    elif status in ("timeout", "dead"):
                        problems.append(f"a cell of yours {why}")
        finally:
            runner.stop()
    for k, why in failed.items():
        marks[k], reasons[k] = 0, why
    return marks, reasons, problems


def _item(sk: StudentKey, key: str) -> KeyItem:
    return next(it for it in sk.items if it.key == key)


_QUESTION = re.compile(r"^## Exercise \d+\n\n(?P<q>.*?)\n\n\*Answer:\*", re.S)


def _foreign_questions(
    nb: nbformat.NotebookNode, sk: StudentKey, others: dict[str, StudentKey]
) -> dict[str, str]:
    """Exercises whose question cell holds another student's question: key -> that student."""
    theirs = {
        (it.key, it.question_sha): o.student_id
        for o in others.values()
        if o.student_id != sk.student_id
        for it in o.items
        if it.question_sha
    }
    own = {it.key: it.question_sha for it in sk.items}
    found: dict[str, str] = {}
    for cell in nb.cells:
        meta = _meta(cell)
        k = meta.get("key")
        m = _QUESTION.match(str(cell.get("source", "")))
        if meta.get("role") != "question" or k not in own or m is None:
            continue
        sha = question_sha(m["q"])
        if sha != own[k] and (k, sha) in theirs:
            found[k] = theirs[(k, sha)]
    return found


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
    keys = [it.key for it in sk.items]
    try:
        if nb is None:
            nb = _load(path)
        meta = nb.metadata.get("backprop")
        if not isinstance(meta, dict):
            return _zero(sk, path.name, "not an assignment notebook (its metadata is missing)")
        owner = str(meta.get("student_id", ""))
        if owner != sk.student_id:
            return _zero(
                sk,
                path.name,
                f"this file is the variant of student {owner!r}, not of {sk.student_id!r}",
            )
        if meta.get("fingerprint") != sk.fingerprint:
            return _zero(
                sk, path.name, "the notebook's variant does not match the key (fingerprint differs)"
            )
        cells, problems = _answer_cells(nb, keys)
        for k, who in _foreign_questions(nb, sk, others or {}).items():
            cells.pop(k, None)
            problems[k] = (
                f"the question is the one of student {who!r}'s variant, not this student's"
            )
        marks, reasons, notes = _run_and_mark(nb, sk, cells, timeout, cell_timeout)
    except Exception as e:  # a broken submission must never stop the run
        return _zero(sk, path.name, f"could not be graded: {type(e).__name__}: {e}")
    result = Result(sk.student_id, sk.name, path.name, {}, {}, notes)
    for k in keys:
        if k in problems:
            result.marks[k], result.reasons[k] = 0, problems[k]
        else:
            result.marks[k] = marks.get(k, 0)
            result.reasons[k] = reasons.get(k, "" if k in marks else "the answer was not read")
    return result


def attribute(path: Path, students: dict[str, StudentKey]) -> str | None:
    """Whose submission ``path`` is, from its name or a parent folder's (nbgrader layout)."""
    by_name = {safe_name(sid).lower(): sid for sid in students}
    for part in [path.stem, *(p.name for p in list(path.parents)[:3])]:
        if part in students:
            return part
        if part.lower() in by_name:
            return by_name[part.lower()]
    return None


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
        sid = attribute(path, key)
        nb = None
        if sid is None:
            # Not named after a student: trust the notebook's own metadata, if readable.
            try:
                nb = _load(path)
                owner = nb.metadata.get("backprop", {}).get("student_id")
                sid = owner if owner in key else None
            except Exception:
                nb = None
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
    results: list[Result] = []
    for sid, sk in key.items():
        if sid not in best:
            results.append(_zero(sk, "", "no submission"))
            continue
        r = best[sid]
        if len(seen[sid]) > 1:
            r.problems.append(f"{len(seen[sid])} files ({', '.join(seen[sid])}); graded the best")
        results.append(r)
    return results + orphans


def write_grades(results: Sequence[Result], path: str | Path) -> None:
    """One row per result: id, name, file, a mark per exercise, total, max, reasons."""
    keys: list[str] = []
    for r in results:
        keys.extend(k for k in r.marks if k not in keys)
    with Path(path).open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", "name", "file", *keys, "total", "max", "reasons"])
        for r in results:
            writer.writerow(
                [
                    r.student_id,
                    r.name,
                    r.file,
                    *(r.marks.get(k, "") for k in keys),
                    r.total,
                    r.max,
                    r.reason_text,
                ]
            )
