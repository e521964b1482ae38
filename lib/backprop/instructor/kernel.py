"""A Jupyter kernel that runs one cell at a time under a time limit, for the grader.

:class:`Kernel` starts a fresh ``python3`` kernel in a given folder with a given
environment (:func:`grading_env`: no secrets, proxies that lead nowhere), runs a
setup cell, then the cells it is given. A cell that runs past its limit is
interrupted; a kernel that ignores the interrupt, or dies, is replaced by a new
one (set up again), so the next cell still runs. A cell whose outputs pass
``output_limit`` bytes loses its kernel at once (replaced, as a dead one) and its
outputs past the limit, so a notebook that prints a gigabyte costs neither time
nor memory. Built on
nbclient's public API: :meth:`~nbclient.NotebookClient.setup_kernel` and
:meth:`~nbclient.NotebookClient.execute_cell`. The grader runs it inside the
sandbox of :mod:`.sandbox` (see :mod:`._sandboxed_run`).
"""

from __future__ import annotations

import os
import re
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

#: How long a kernel may take to answer after a timeout before it is replaced.
PROBE_SECONDS = 3
#: How long the setup cell may run.
SETUP_SECONDS = 60
#: Environment variables the students' code never sees (the instructor's secret among them).
SECRET_NAME = re.compile(r"SECRET|TOKEN|PASSWORD|CREDENTIAL|_KEY$", re.I)
#: The discard port: every proxied request fails at once.
NOWHERE = "http://127.0.0.1:9"
#: The most bytes of output one cell may produce before it is interrupted.
OUTPUT_LIMIT = 1 << 20
_TIME_LIMIT = "TimeLimit"
#: The error the grading preamble's ``print`` raises past the output limit.
TOO_MUCH_OUTPUT = "TooMuchOutput"


class _BoundedClient(NotebookClient):
    """A client that keeps at most ``output_limit`` bytes of a cell's outputs and kills
    the kernel when a cell goes past it (``over`` says it did): an interrupt would
    come too late, after the kernel had queued all its output."""

    output_limit = OUTPUT_LIMIT
    over = False
    _used = 0

    def start_cell(self) -> None:
        self.over, self._used = False, 0

    def output(self, outs: Any, msg: dict[str, Any], display_id: Any, cell_index: int) -> Any:
        self._used += len(str(msg.get("content", "")))
        if self._used <= self.output_limit:
            return super().output(outs, msg, display_id, cell_index)
        if not self.over:
            self.over = True
            process = getattr(getattr(self.km, "provisioner", None), "process", None)
            if process is not None:
                process.kill()
        return None


def grading_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a grading kernel: ``environ`` (default ``os.environ``) without
    anything named like a secret, every proxy pointing nowhere, no package index."""
    source = os.environ if environ is None else environ
    env = {k: v for k, v in source.items() if not SECRET_NAME.search(k)}
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[var] = NOWHERE
    env.pop("no_proxy", None)
    env.pop("NO_PROXY", None)
    env.update(
        {"PIP_NO_INDEX": "1", "MPLBACKEND": "Agg", "BACKPROP_GRADING": "1", "PYTHONHASHSEED": "0"}
    )
    return env


@dataclass
class Reply:
    """How a cell ended: ``status`` is ``ok``, ``error`` (with ``ename`` and ``evalue``),
    ``timeout`` (interrupted at its limit), ``output`` (stopped for printing more
    than the output limit; the kernel was replaced) or ``dead`` (the kernel died; it was replaced)."""

    status: str
    ename: str = ""
    evalue: str = ""
    outputs: list[dict[str, Any]] = field(default_factory=list)


class Kernel:
    """A fresh kernel in ``cwd`` with ``env`` that first runs ``setup``; a context manager.

    ``run(source, limit)`` runs one cell and returns its :class:`Reply`; ``restarts``
    counts the kernels replaced so far.
    """

    def __init__(
        self, cwd: str, env: dict[str, str], setup: str = "", output_limit: int = OUTPUT_LIMIT
    ) -> None:
        self.cwd, self.env, self.setup = cwd, env, setup
        self.restarts = 0
        self._reply: dict[str, Any] = {}
        self._running: ExitStack | None = None
        self.client = _BoundedClient(
            nbformat.v4.new_notebook(),
            kernel_name="python3",
            allow_errors=True,
            interrupt_on_timeout=True,
            error_on_timeout={
                "ename": _TIME_LIMIT,
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
        self.client.output_limit = output_limit

    def __enter__(self) -> Kernel:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _on_executed(self, cell: Any, cell_index: int, execute_reply: dict[str, Any]) -> None:
        self._reply = dict(execute_reply.get("content", {}))

    def start(self) -> None:
        """Start a kernel and run the setup cell; ``RuntimeError`` if that fails."""
        self._running = ExitStack()
        self._running.enter_context(self.client.setup_kernel(cwd=self.cwd, env=self.env))
        if not self.setup:
            return
        try:
            self._execute(self.setup, SETUP_SECONDS)
        except DeadKernelError:
            self._reply = {"status": "dead", "evalue": "the kernel died"}
        if self._reply.get("status", "ok") != "ok":
            self.stop()
            raise RuntimeError(f"the grading preamble failed: {self._reply.get('evalue', '')}")

    def stop(self) -> None:
        """Shut the kernel down (nothing if none is running)."""
        running, self._running = self._running, None
        if running is not None:
            try:
                running.close()
            except Exception:  # a kernel that is dead already cannot be shut down
                pass

    def restart(self) -> None:
        """Replace the kernel by a fresh one (set up again)."""
        self.stop()
        self.restarts += 1
        self.start()

    def _execute(self, source: str, limit: float) -> nbformat.NotebookNode:
        cell = nbformat.v4.new_code_cell(source)
        self.client.nb.cells = [cell]
        self.client.timeout = max(1, int(round(limit)))
        self._reply = {}
        self.client.start_cell()
        return self.client.execute_cell(cell, 0)

    def _alive(self) -> bool:
        try:
            self._execute("pass", PROBE_SECONDS)
        except DeadKernelError:
            return False
        return self._reply.get("status") == "ok"

    def run(self, source: str, limit: float) -> Reply:
        """Run ``source`` as one cell for at most ``limit`` seconds."""
        try:
            cell = self._execute(source, limit)
        except DeadKernelError:
            over = self.client.over
            self.restart()
            return Reply("output" if over else "dead")
        reply = self._reply
        if self.client.over:
            if not self._alive():
                self.restart()
            return Reply("output")
        if reply.get("ename") == TOO_MUCH_OUTPUT:
            return Reply("output")
        if reply.get("ename") == _TIME_LIMIT:
            # Interrupted; a kernel that ignores the interrupt is replaced.
            if not self._alive():
                self.restart()
            return Reply("timeout")
        return Reply(
            str(reply.get("status", "ok")),
            str(reply.get("ename", "")),
            str(reply.get("evalue", "")),
            list(cell.get("outputs", [])),
        )
