"""The grader's side inside the sandbox: run one submission's cells, report how each ended.

Started by :func:`backprop.instructor.sandbox.run_cells` (inside bubblewrap, or
bare with ``--no-sandbox``) as ``python -I -c LAUNCH WORKDIR`` (:data:`.sandbox.LAUNCH`).
It reads one JSON request from stdin: ``notebook`` (the submission's text, saved
as the only file of the working folder), ``setup`` (the grader's first cell),
``steps`` (the sources of the cells to run), ``timeout`` and ``cell_timeout``
(seconds) and ``output_limit`` (bytes per cell). For every step it writes one
line of JSON to its stdout, kept as a private descriptor: fd 1 and 2 are then
pointed at ``/dev/null``, so nothing the students' code prints can reach it: ``status``, ``ename``,
``evalue``, ``limit`` and ``record`` (what the grader's capture cell displayed).

Nothing here knows an answer: the key never enters the sandbox. Whatever this
process reports is marked by the grader outside, which trusts none of it.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from .kernel import Kernel
from .preamble import read_capture

#: The name of the submission's copy in the working folder.
NOTEBOOK_NAME = "submission.ipynb"


def _not_dumpable() -> None:
    """No process of the student's may read this one's memory or descriptors (prctl)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):  # not Linux: nothing to do
        pass


def run(request: dict[str, Any], workdir: Path, emit: Any) -> None:
    """Run the request's steps in a kernel in ``workdir``; ``emit`` each step's report."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / NOTEBOOK_NAME).write_text(str(request.get("notebook", "")), encoding="utf-8")
    timeout, cell_timeout = float(request["timeout"]), float(request["cell_timeout"])
    env = {k: str(v) for k, v in request.get("env", {}).items()}
    env.setdefault("PATH", os.environ.get("PATH", "/usr/bin:/bin"))
    limit_bytes = int(request.get("output_limit", 1 << 20))
    with Kernel(str(workdir), env, str(request.get("setup", "")), limit_bytes) as kernel:
        deadline = time.monotonic() + timeout
        for i, source in enumerate(request["steps"]):
            left = deadline - time.monotonic()
            if left <= 0:
                emit({"step": i, "status": "skipped"})
                continue
            limit = min(cell_timeout, left)
            reply = kernel.run(str(source), limit)
            emit(
                {
                    "step": i,
                    "status": reply.status,
                    "ename": reply.ename,
                    "evalue": reply.evalue[:2000],
                    "limit": limit,
                    "record": read_capture(reply.outputs) if reply.status == "ok" else None,
                }
            )


def main(argv: list[str] | None = None) -> int:
    """``_sandboxed_run WORKDIR``: the request on stdin, the reports on stdout."""
    [workdir] = sys.argv[1:] if argv is None else argv
    _not_dumpable()
    result = os.fdopen(os.dup(1), "w", encoding="utf-8")  # dup: not inheritable
    request = json.loads(sys.stdin.read())
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # the kernel inherits these: nothing it prints reaches the grader
        os.dup2(devnull, fd)

    def emit(line: dict[str, Any]) -> None:
        result.write(json.dumps(line) + "\n")
        result.flush()

    try:
        run(request, Path(workdir), emit)
    except Exception as e:  # reported, so the grader can say why
        emit({"step": -1, "status": "failed", "evalue": f"{type(e).__name__}: {e}"[:2000]})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
