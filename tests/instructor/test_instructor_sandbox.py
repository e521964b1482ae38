"""Hostile submissions through the real ``grade`` command: each one tries to cheat (read
the key or the secret, by /proc, by walking the file system, by the environment) or
to harm (delete or change another submission, write outside its folder, reach the
network by every route, leave processes behind, print a gigabyte, eat memory).

One course, one grading run of every hostile notebook beside an honest one; every
test then checks from outside that the attack failed: the scores, checksums of the
files it went for, the listeners it tried to reach, the process table. Each
attacker knows every path of the grader's machine (they are written into it), so
only the sandbox stands in the way; ``test_the_attacks_are_real`` shows that
without it the same notebook would have read the key.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from backprop.instructor.cli import main
from backprop.instructor.sandbox import exposed, sandbox_problem
from instructor_helpers import ROOT, answer_cell, assign_cli, number_keys

pytestmark = pytest.mark.skipif(
    bool(sandbox_problem()) and os.environ.get("CI") != "true",
    reason=f"no sandbox here: {sandbox_problem()}",
)

SECRET = "s3cret-of-the-hostile-course"
#: Each attacker's notebook runs these attacks, one cell each.
ATTACKERS = {
    "steal": ("proc", "walk", "env"),
    "harm": ("tamper", "procs"),
    "net": ("net",),
    "greedy": ("output", "memory"),
}
ROSTER = "student_id,name\nhonest,Honest\n" + "".join(f"{a},{a}\n" for a in ATTACKERS)
#: A number no other process on the machine would sleep for: the left-behind marker.
MARKER = "4242.4242"

# The first cell of every attacker: steal the key (or the secret) if it can be reached.
STEAL = r"""
import csv, io, os, glob, time
SID = {sid!r}
KEY, SECRET_FILE = {key!r}, {secret_file!r}
stolen = {{}}

def use_key(text):
    for row in csv.DictReader(io.StringIO(text)):
        if row.get("student_id") == SID:
            stolen[row["exercise"]] = row["answer"]

def try_key(path):
    try:
        with open(path, encoding="utf-8") as f:
            use_key(f.read())
    except Exception:
        pass

def use_secret(secret):
    from backprop.instructor.variants import variant
    for k in {keys!r}:
        stolen[k] = variant(secret.strip(), SID, k).answer_text
"""

ATTACKS = {
    "proc": r"""
for cmdline in glob.glob("/proc/*/cmdline"):
    try:
        args = open(cmdline, "rb").read().split(b"\0")
    except Exception:
        continue
    for i, a in enumerate(args):
        if a == b"--key" and i + 1 < len(args):
            try_key(args[i + 1].decode())
        if a.endswith(b"key.csv"):
            try_key(a.decode())
try_key(KEY)
""",
    "walk": r"""
start = time.monotonic()
for top, dirs, files in os.walk("/"):
    if top in ("/proc", "/sys", "/dev") or time.monotonic() - start > 8:
        dirs[:] = []
        continue
    for name in files:
        path = os.path.join(top, name)
        if name.endswith(".csv"):
            try_key(path)
        if name == os.path.basename(SECRET_FILE):
            try:
                use_secret(open(path).read())
            except Exception:
                pass
try_key(KEY)
""",
    "env": r"""
for environ in [os.environ.get("BACKPROP_INSTRUCTOR_SECRET", "")] + glob.glob("/proc/*/environ"):
    try:
        text = environ if not environ.startswith("/proc") else open(environ, "rb").read().decode()
    except Exception:
        continue
    for var in text.split("\0"):
        if var.startswith("BACKPROP_INSTRUCTOR_SECRET="):
            use_secret(var.split("=", 1)[1])
    if text and not text.startswith("/proc") and "\0" not in text:
        use_secret(text)
try:
    use_secret(open(SECRET_FILE).read())
except Exception:
    pass
""",
    "tamper": r"""
import shutil
VICTIM, OTHER, OUTSIDE, VENV, LIB = {tamper!r}
for attempt in (
    lambda: os.remove(VICTIM),
    lambda: open(OTHER, "a").write("tampered"),
    lambda: open(OUTSIDE, "w").write("escaped"),
    lambda: open(os.path.join(VENV, "sitecustomize_h16_probe.py"), "w").write("x = 1"),
    lambda: open(os.path.join(LIB, "backprop", "h16_probe.py"), "w").write("x = 1"),
    lambda: open(os.path.join(LIB, "backprop", "exercises.py"), "a").write("# tampered"),
    lambda: shutil.rmtree(os.path.dirname(OTHER)),
    lambda: open(os.path.expanduser("~/../../root/h16_probe"), "w").write("x"),
):
    try:
        attempt()
    except Exception:
        pass
""",
    "net": r"""
import importlib, socket, subprocess, sys
HOSTS, PORT, UNIX = {net!r}
def tcp(mod):
    for host in HOSTS:
        try:
            s = mod.socket(mod.AF_INET, mod.SOCK_STREAM)
            s.settimeout(1)
            s.connect((host, PORT))
            s.sendall(b"hello from a student")
        except Exception:
            pass
def udp(mod):
    for host in HOSTS:
        try:
            mod.socket(mod.AF_INET, mod.SOCK_DGRAM).sendto(b"hello", (host, PORT))
        except Exception:
            pass
import _socket
tcp(_socket); udp(_socket)
socket = importlib.reload(socket)
tcp(socket); udp(socket)
try:
    u = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    u.connect(UNIX)
    u.sendall(b"hello")
except Exception:
    pass
for host in HOSTS:
    code = ("import socket; s = socket.create_connection((%r, %d), timeout=1); s.sendall(b'x')"
            % (host, PORT))
    for argv in ([sys.executable, "-c", code], ["curl", "-s", "-m", "2", f"http://{{host}}:{{PORT}}/"],
                 ["wget", "-q", "-T", "2", "-O", "-", f"http://{{host}}:{{PORT}}/"]):
        try:
            subprocess.run(argv, timeout=5, capture_output=True)
        except Exception:
            pass
    os.system(f"curl -s -m 2 http://{{host}}:{{PORT}}/ >/dev/null 2>&1")
""",
    "procs": r"""
import subprocess
subprocess.Popen(["sleep", {marker!r}], start_new_session=True,
                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
os.system("nohup setsid sleep {marker} >/dev/null 2>&1 &")
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execvp("sleep", ["sleep", {marker!r}])
    os._exit(0)
""",
    "output": r"""
chunk = "x" * 1_000_000
for _ in range(1000):  # a gigabyte
    print(chunk)
""",
    "memory": r"""
blocks = []
for size in (1 << 36, 1 << 34, 1 << 33):
    try:
        blocks.append(bytearray(size))
    except MemoryError:
        pass
import numpy
try:
    big = numpy.ones(1 << 33)
except MemoryError:
    pass
""",
}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Listener:
    """TCP and UDP on every address of this machine at one port, plus a Unix socket:
    counts whatever reaches them."""

    def __init__(self, unix_path: Path) -> None:
        self.hits: list[str] = []
        self.tcp = socket.create_server(("0.0.0.0", 0))
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("0.0.0.0", self.port))
        self.unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.unix.bind(str(unix_path))
        self.unix.listen()
        for sock, kind in ((self.tcp, "tcp"), (self.udp, "udp"), (self.unix, "unix")):
            threading.Thread(target=self._serve, args=(sock, kind), daemon=True).start()

    def _serve(self, sock: socket.socket, kind: str) -> None:
        while True:
            try:
                if kind == "udp":
                    sock.recvfrom(100)
                else:
                    sock.accept()[0].close()
            except OSError:
                return
            self.hits.append(kind)

    def close(self) -> None:
        for sock in (self.tcp, self.udp, self.unix):
            sock.close()


def _addresses() -> list[str]:
    found = {"127.0.0.1"}
    try:
        out = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5)
        found |= {a for a in out.stdout.split() if ":" not in a}
    except (OSError, subprocess.SubprocessError):
        pass
    return sorted(found)


def _sleepers() -> list[str]:
    """Processes of this machine whose command line holds the marker."""
    found = []
    for cmdline in Path("/proc").glob("*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if MARKER in text and "pytest" not in text:
            found.append(f"{cmdline.parent.name}: {text}")
    return found


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Grade the honest and the hostile notebooks once; return what the tests look at."""
    tmp = tmp_path_factory.mktemp("hostile")
    (tmp / "roster.csv").write_text(ROSTER)
    (tmp / "secret.txt").write_text(SECRET)
    keys = number_keys([1])
    assert assign_cli(tmp / "roster.csv", tmp / "hw", "--exercises", *keys, secret=SECRET) == 0
    key_path = tmp / "hw" / "key.csv"
    with key_path.open() as f:
        rows = list(csv.DictReader(f))
    answers = {(r["student_id"], r["exercise"]): r["answer"] for r in rows}
    sub = tmp / "submissions"
    sub.mkdir()
    listener = Listener(tmp / "listener.sock")
    outside = tmp / "outside.txt"
    venv = Path(sys.prefix)
    lib = ROOT / "lib"
    for sid in ("honest", *ATTACKERS):
        nb = nbformat.read(tmp / "hw" / "handout" / f"{sid}.ipynb", as_version=4)
        for k in keys:
            cell = answer_cell(nb, k)
            if sid == "honest":
                cell.source = f"answer = {answers[(sid, k)]!r}"
            else:
                cell.source = f"answer = stolen.get({k!r}, ...)"
        if sid == "greedy":  # grading goes on after the damage: the last answer counts
            answer_cell(nb, keys[-1]).source = f"answer = {answers[(sid, keys[-1])]!r}"
        if sid != "honest":
            attacks = [
                ATTACKS[a].format(
                    tamper=(
                        str(sub / "honest.ipynb"),
                        str(sub / "steal.ipynb"),
                        str(outside),
                        str(venv),
                        str(lib),
                    ),
                    net=(_addresses(), listener.port, str(tmp / "listener.sock")),
                    marker=MARKER,
                )
                for a in ATTACKERS[sid]
            ]
            steal = STEAL.format(
                sid=sid, key=str(key_path), secret_file=str(tmp / "secret.txt"), keys=keys
            )
            nb.cells[1:1] = [nbformat.v4.new_code_cell(c) for c in (steal, *attacks)]
        nbformat.write(nb, sub / f"{sid}.ipynb")
    files = sorted(sub.iterdir())
    before = {p.name: _sha(p) for p in files}
    lib_before = {p: _sha(p) for p in (lib / "backprop").rglob("*.py")}
    out = tmp / "grades.csv"
    argv = ["grade", "--key", str(key_path), "--out", str(out), "--timeout", "60"]
    argv += ["--cell-timeout", "20", *map(str, files)]
    old = os.environ.get("BACKPROP_INSTRUCTOR_SECRET")
    os.environ["BACKPROP_INSTRUCTOR_SECRET"] = SECRET
    try:
        status = main(argv)
    finally:
        if old is None:
            os.environ.pop("BACKPROP_INSTRUCTOR_SECRET")
        else:
            os.environ["BACKPROP_INSTRUCTOR_SECRET"] = old
    with out.open() as f:
        grades = {r["student_id"]: r for r in csv.DictReader(f)}
    yield {
        "tmp": tmp,
        "status": status,
        "grades": grades,
        "keys": keys,
        "before": before,
        "after": {p.name: _sha(p) for p in sorted(sub.iterdir())},
        "lib_before": lib_before,
        "lib_after": {p: _sha(p) for p in (lib / "backprop").rglob("*.py")},
        "outside": outside,
        "probes": [
            venv / "sitecustomize_h16_probe.py",
            lib / "backprop" / "h16_probe.py",
            Path("/root/h16_probe"),
        ],
        "hits": list(listener.hits),
        "listener": listener,
        "sleepers": _sleepers(),
    }
    for probe in (venv / "sitecustomize_h16_probe.py", lib / "backprop" / "h16_probe.py"):
        probe.unlink(missing_ok=True)
    listener.close()


def test_the_honest_notebook_gets_full_marks(hostile):
    row = hostile["grades"]["honest"]
    assert hostile["status"] == 0
    assert int(row["total"]) == len(hostile["keys"]) and row["reasons"] == ""


@pytest.mark.parametrize("who", ["steal", "harm", "net"])
def test_no_attacker_reads_the_key_or_the_secret(hostile, who):
    row = hostile["grades"][who]
    assert int(row["total"]) == 0, row
    assert all(f"{k}: not answered" in row["reasons"] for k in hostile["keys"]), row


def test_no_submission_and_nothing_outside_was_changed(hostile):
    assert hostile["after"] == hostile["before"]
    assert hostile["lib_after"] == hostile["lib_before"]
    assert not hostile["outside"].exists()
    assert [p for p in hostile["probes"] if p.exists()] == []


def test_no_connection_reached_the_listeners(hostile):
    assert hostile["hits"] == []


def test_no_process_is_left_behind(hostile):
    assert hostile["sleepers"] == []


def test_huge_output_is_cut_off_with_a_reason_and_grading_goes_on(hostile):
    row = hostile["grades"]["greedy"]
    assert "a cell of yours printed more than 1 MB and was cut off" in row["reasons"], row
    assert row[hostile["keys"][-1]] == "1", row


def test_a_memory_blow_up_fails_inside_and_grading_goes_on(hostile):
    row = hostile["grades"]["greedy"]
    assert row[hostile["keys"][-1]] == "1", row
    assert int(row["total"]) == 1, row


def test_the_attacks_are_real(hostile, tmp_path, capsys):
    """Without the sandbox, the /proc attacker reads the key and gets full marks (and the
    grader warns of exactly that)."""
    tmp = hostile["tmp"]
    nb = tmp / "submissions" / "steal.ipynb"
    out = tmp_path / "unsafe.csv"
    argv = ["grade", "--key", str(tmp / "hw" / "key.csv"), "--out", str(out), "--no-sandbox"]
    assert main([*argv, "--cell-timeout", "20", str(nb)]) == 0
    assert "--no-sandbox: the students' code runs as you" in capsys.readouterr().err
    with out.open() as f:
        row = {r["student_id"]: r for r in csv.DictReader(f)}["steal"]
    assert int(row["total"]) == len(hostile["keys"]), row


def test_the_network_attacks_are_real(hostile, tmp_path, capsys):
    """Without the sandbox, the Python-level block is no block: the same notebook
    reaches the listeners."""
    tmp = hostile["tmp"]
    before = len(hostile["listener"].hits)
    argv = ["grade", "--key", str(tmp / "hw" / "key.csv"), "--out", str(tmp_path / "u.csv")]
    argv += ["--no-sandbox", "--cell-timeout", "30", str(tmp / "submissions" / "net.ipynb")]
    assert main(argv) == 0
    hits = hostile["listener"].hits[before:]
    assert {"tcp", "udp", "unix"} <= set(hits), hits


def test_the_python_environment_is_what_the_sandbox_shows(tmp_path):
    """Read-only in the sandbox: the Python prefixes and the library; grade refuses a
    key stored in them."""
    assert exposed(ROOT / "lib" / "backprop" / "__init__.py") == str(ROOT / "lib")
    assert exposed(Path(sys.prefix) / "pyvenv.cfg") != ""
    assert exposed(tmp_path / "key.csv") == ""


def test_grade_refuses_without_bubblewrap(course, tmp_path, monkeypatch, capsys):
    tmp, keys, key = course
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap on it
    from backprop.instructor import sandbox

    sandbox.sandbox_problem.cache_clear()
    try:
        with pytest.raises(SystemExit) as e:
            main(
                [
                    "grade",
                    "--key",
                    str(tmp / "hw" / "key.csv"),
                    "--out",
                    str(tmp_path / "g.csv"),
                    str(tmp / "hw" / "handout" / "bo.ipynb"),
                ]
            )
    finally:
        sandbox.sandbox_problem.cache_clear()
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "bubblewrap (bwrap) is not installed" in err and "apt-get install bubblewrap" in err
    assert "--no-sandbox" in err
    assert not (tmp_path / "g.csv").exists()
    assert shutil.which("bwrap") is None
