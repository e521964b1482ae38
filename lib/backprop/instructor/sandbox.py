"""The sandbox each submission runs in: bubblewrap around the kernel, limits around that.

:func:`run_cells` starts :mod:`backprop.instructor._sandboxed_run` (:data:`LAUNCH`, which drives
the Jupyter kernel with nbclient) inside ``bwrap`` with:

- its own user, process, network, IPC and UTS namespaces (``--unshare-all``): no
  network but its own loopback, no view of the grader's processes (nor of its command
  line under ``/proc``), and every process it starts dies with it;
- a file system of its own: the Python environment and the library read-only, an empty
  home and ``/tmp`` of limited size, and nothing else. The key, the secret, the
  roster, the other submissions and the instructor's files are not in it; the
  submission itself comes in on stdin and is saved as the only file of its folder;
- ``--clearenv`` and a minimal environment (no secrets, proxies that lead nowhere);
- resource limits (:class:`Limits`): CPU seconds, address space, file size and
  processes, set with ``setrlimit`` before ``bwrap`` starts and inherited by all;
  wall time, enforced from outside by killing the whole process group; and the size
  of what it reports, read in bounded pieces (past :attr:`Limits.report` it is cut off).

``sandboxed=False`` (``grade --no-sandbox``) runs the same program without bubblewrap:
limits and a clean environment, but the students' code can then read and change
anything the instructor's user can.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .kernel import NOWHERE, OUTPUT_LIMIT

#: How to get bubblewrap, for the message of a grader that cannot sandbox.
INSTALL = (
    "install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf "
    "install bubblewrap) and make sure unprivileged user namespaces are allowed "
    "(sysctl kernel.unprivileged_userns_clone=1; in Docker: --security-opt seccomp=unconfined)"
)
#: What ``--no-sandbox`` gives up, printed as its warning.
NO_SANDBOX_RISKS = (
    "warning: --no-sandbox: the students' code runs as you, unconfined. It can read "
    "the key and your secret, change or delete other submissions and any of your files, "
    "reach the network through the operating system and leave processes running. "
    "Only the time, memory and output limits remain. Grade this way only inside a "
    "throw-away container or virtual machine."
)
#: Home (and working folder) of the students' code inside the sandbox.
HOME = "/home/grader"
_BWRAP = "bwrap"
#: The program started in the sandbox: :mod:`._sandboxed_run`, without the IRI syntax
#: checker that jsonschema would load for nbformat (building its grammar took 0.8 s of
#: the 2.1 s a submission costs; notebooks have no IRIs to check).
LAUNCH = (
    "import sys; sys.modules['rfc3987_syntax'] = None; "
    "from backprop.instructor._sandboxed_run import main; sys.exit(main())"
)
#: The sandboxes running now (``grade --jobs`` runs several, one per thread).
_RUNNING: set[subprocess.Popen[bytes]] = set()
_RUNNING_LOCK = threading.Lock()


@dataclass(frozen=True)
class Limits:
    """Resource limits of one submission. ``wall``: seconds beyond the notebook's time
    limit for starting (and restarting) kernels; ``cpu``: CPU seconds per process;
    ``memory``: bytes of address space per process; ``file_size``: bytes per file
    written; ``disk``: bytes of the private home and ``/tmp`` each; ``processes``: at
    most this many (enforced by Linux for users other than root); ``output``: bytes
    of output per cell; ``report``: bytes the sandbox may report in all."""

    wall: float = 60
    cpu: int = 600
    memory: int = 3 << 30
    file_size: int = 64 << 20
    disk: int = 256 << 20
    processes: int = 512
    output: int = OUTPUT_LIMIT
    report: int = 4 << 20


@dataclass
class Outcome:
    """What came back from the sandbox: one report per step that finished (in order),
    and ``problem``, why it ended early ("" if it did not)."""

    reports: list[dict[str, Any]] = field(default_factory=list)
    problem: str = ""


@cache
def python_paths() -> tuple[str, ...]:
    """The folders the grading Python needs (read-only in the sandbox): its prefixes and
    its isolated ``sys.path`` (site-packages, the library of an editable install)."""
    out = subprocess.run(
        [sys.executable, "-I", "-c", "import sys, json; print(json.dumps(sys.path))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, *json.loads(out.stdout)]
    paths.append(str(Path(sys.executable).parent))
    found: list[str] = []
    for p in paths:
        if not p or not Path(p).exists():
            continue
        real = os.path.realpath(p)
        for q in (p, real):
            if q not in found:
                found.append(q)
    # A folder inside another bound folder needs no bind of its own.
    return tuple(
        p for p in found if not any(p != q and p.startswith(q.rstrip("/") + "/") for q in found)
    )


def exposed(path: str | Path) -> str:
    """The folder readable in the sandbox that holds ``path`` ("" if none does)."""
    real = os.path.realpath(path)
    for p in python_paths():
        if real == p or real.startswith(p.rstrip("/") + "/"):
            return p
    return ""


def _system_binds() -> list[str]:
    args: list[str] = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for etc in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "alternatives", "localtime"):
        args += ["--ro-bind-try", f"/etc/{etc}", f"/etc/{etc}"]
    return args


def bwrap_command(limits: Limits) -> list[str]:
    """The ``bwrap`` options of the sandbox (up to ``--``; the command follows)."""
    args = [_BWRAP, "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534"]
    args += ["--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"]
    args += ["--proc", "/proc", "--dev", "/dev"]
    # /tmp and the home first: a Python environment under /tmp is bound on top of them.
    args += ["--size", str(limits.disk), "--tmpfs", "/tmp"]
    args += ["--size", str(limits.disk), "--tmpfs", HOME]
    args += _system_binds()
    for p in python_paths():
        args += ["--ro-bind", p, p]
    args += ["--chdir", HOME]
    return [*args, "--"]


def sandbox_env(home: str) -> dict[str, str]:
    """The whole environment of the grading program and its kernels."""
    env = {
        "HOME": home,
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TMPDIR": "/tmp" if home == HOME else home,
        "JUPYTER_RUNTIME_DIR": f"{home}/.jupyter-runtime",
        "JUPYTER_CONFIG_DIR": f"{home}/.jupyter",
        "JUPYTER_DATA_DIR": f"{home}/.jupyter-data",
        "JUPYTER_PLATFORM_DIRS": "1",
        "IPYTHONDIR": f"{home}/.ipython",
        "MPLCONFIGDIR": f"{home}/.matplotlib",
        "MPLBACKEND": "Agg",
        "PIP_NO_INDEX": "1",
        "BACKPROP_GRADING": "1",
        "PYTHONHASHSEED": "0",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MALLOC_ARENA_MAX": "2",  # less address space per thread, under the memory limit
    }
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[var] = NOWHERE
    if "VIRTUAL_ENV" in os.environ or sys.prefix != sys.base_prefix:
        env["VIRTUAL_ENV"] = sys.prefix
    return env


@cache
def sandbox_problem() -> str:
    """Why submissions cannot be sandboxed here ("" if they can): bubblewrap is
    missing, or cannot create the namespaces it needs."""
    if shutil.which(_BWRAP) is None:
        return f"bubblewrap (bwrap) is not installed: {INSTALL}"
    try:
        done = subprocess.run(
            [*bwrap_command(Limits()), sys.executable, "-I", "-c", "pass"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError) as e:
        return f"bubblewrap cannot run ({e}): {INSTALL}"
    if done.returncode != 0:
        why = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        return f"bubblewrap cannot create a sandbox ({why[0]}): {INSTALL}"
    return ""


def _set_limits(limits: Limits) -> None:
    """In the child before ``exec``: the resource limits, inherited by all it starts."""
    for which, value in (
        (resource.RLIMIT_CPU, limits.cpu),
        (resource.RLIMIT_AS, limits.memory),
        (resource.RLIMIT_FSIZE, limits.file_size),
        (resource.RLIMIT_NPROC, limits.processes),
        (resource.RLIMIT_CORE, 0),
    ):
        if which == resource.RLIMIT_NPROC and os.getuid() == 0:
            continue  # Linux does not count root's processes; a lower limit only hurts
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError):
            pass


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def run_cells(
    notebook: str,
    setup: str,
    steps: Sequence[str],
    timeout: float,
    cell_timeout: float,
    sandboxed: bool = True,
    limits: Limits | None = None,
) -> Outcome:
    """Run ``setup`` then ``steps`` in a fresh kernel inside the sandbox, with
    ``notebook`` (the submission's text) as the only file of its folder."""
    limits = limits or Limits()
    # No process needs more CPU seconds than the notebook has wall-clock seconds.
    limits = dataclasses.replace(limits, cpu=min(limits.cpu, int(timeout + limits.wall)))
    request = {
        "notebook": notebook,
        "setup": setup,
        "steps": list(steps),
        "timeout": timeout,
        "cell_timeout": cell_timeout,
        "output_limit": limits.output,
    }
    with tempfile.TemporaryDirectory(prefix="bp-grade-") as scratch, tempfile.TemporaryFile() as f:
        home = HOME if sandboxed else scratch
        env = sandbox_env(home)
        request["env"] = env
        f.write(json.dumps(request).encode())
        f.seek(0)
        program = [sys.executable, "-I", "-c", LAUNCH]
        program.append(f"{home}/work")
        if sandboxed:
            argv = bwrap_command(limits)
            for k, v in env.items():
                argv[-1:-1] = ["--setenv", k, v]
            argv += program
        else:
            argv = program
        proc = subprocess.Popen(
            argv,
            stdin=f,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=scratch,
            start_new_session=True,
            # Only setrlimit between fork and exec: no lock another thread could hold.
            preexec_fn=lambda: _set_limits(limits),  # noqa: PLW1509
        )
        with _RUNNING_LOCK:
            _RUNNING.add(proc)
        try:
            return _collect(proc, timeout + limits.wall, limits.report, len(steps))
        finally:
            _kill(proc)
            with _RUNNING_LOCK:
                _RUNNING.discard(proc)


def stop_all() -> None:
    """Kill every sandbox running now (an interrupted ``grade --jobs N``)."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for proc in running:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def _collect(
    proc: subprocess.Popen[bytes], wall: float, report: int, steps: int | None = None
) -> Outcome:
    """Read the sandbox's reports until it ends, ``wall`` seconds pass, it has written
    ``report`` bytes (never more than that into memory), or every one of ``steps`` has
    been reported: then the sandbox is killed at once rather than left to shut its
    kernel down, which it would do for nothing (about a tenth of a second)."""
    assert proc.stdout is not None and proc.stderr is not None
    outcome, pending, used, err = Outcome(), b"", 0, b""
    deadline = time.monotonic() + wall
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    sel.register(proc.stderr, selectors.EVENT_READ)
    open_streams = 2
    while open_streams:
        left = deadline - time.monotonic()
        if left <= 0:
            outcome.problem = f"the notebook ran past its time limit ({wall:.0f} s in all)"
            break
        for key, _ in sel.select(min(left, 1.0)):
            chunk = os.read(key.fd, 65536)
            if not chunk:
                sel.unregister(key.fileobj)
                open_streams -= 1
            elif key.fileobj is proc.stderr:
                err = (err + chunk)[-4096:]
            else:
                used += len(chunk)
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    _take(outcome, line)
        if used > report:
            outcome.problem = f"the grader stopped reading after {report >> 20} MB of output"
            break
        done = steps is not None and len(outcome.reports) >= steps
        if done and not any(r.get("status") == "failed" for r in outcome.reports):
            sel.close()
            return outcome
    sel.close()
    if not outcome.problem and proc.wait() != 0:
        failed = [r for r in outcome.reports if r.get("status") == "failed"]
        if failed:
            outcome.reports.remove(failed[0])
            outcome.problem = f"the grader's kernel failed: {failed[0].get('evalue', '')}"
        else:
            tail = err.decode(errors="replace").strip().splitlines()[-1:]
            outcome.problem = "the sandbox ended early" + (f" ({tail[0]})" if tail else "")
    return outcome


def _take(outcome: Outcome, line: bytes) -> None:
    """Add one report line (trusting nothing in it: a student may have written it)."""
    try:
        r = json.loads(line)
    except ValueError:
        return
    if not isinstance(r, dict) or r.get("step") != len(outcome.reports):
        if isinstance(r, dict) and r.get("status") == "failed":
            outcome.reports.append(r)
        return
    outcome.reports.append(r)
