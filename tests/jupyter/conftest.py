"""A real JupyterLab (and Notebook 7) for the reader notebooks, driven by Playwright in
Debian's Chromium.

One server for the whole session, started from the project's venv on 127.0.0.1 with a random
token, no browser, a temporary root folder holding freshly written reader notebooks
(tools/reader_notebooks.py) and temporary JUPYTER_CONFIG_DIR / JUPYTER_DATA_DIR /
IPYTHONDIR, so nothing of the user's Jupyter set-up (or ours) leaks in either direction.
The server must not reach the network: no news, no update check, the extension manager
read-only; the browser is allowed to talk to the server only (every other request is
aborted and recorded, and the tests assert there were none).

Without Chromium or without JupyterLab the tests skip with a loud message; under
``CI=true`` that is a failure (the pattern of tests/browser/conftest.py).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CI = os.environ.get("CI", "").lower() == "true"
HOST = "127.0.0.1"
_SKIPPED: list[str] = []


def missing(reason: str) -> None:
    """Skip loudly, or fail under CI."""
    banner = f"JUPYTER TESTS NOT RUN: {reason}"
    if CI:
        pytest.fail(banner + " (CI=true, so this is a failure)")
    if banner not in _SKIPPED:
        _SKIPPED.append(banner)
    pytest.skip(banner)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for banner in _SKIPPED:
        terminalreporter.write_sep("!", banner, red=True, bold=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# Lab settings for the test user: no news or update checks (no network), and every cell in
# the DOM (no windowing), so the page can be read whole.
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


class Server:
    def __init__(self, url: str, token: str, root: Path, proc: subprocess.Popen) -> None:
        self.url, self.token, self.root, self.proc = url, token, root, proc

    def page_url(self, path: str) -> str:
        return f"{self.url}{path}?token={self.token}"


def _write_settings(config_dir: Path) -> None:
    for name, values in SETTINGS.items():
        path = config_dir / "lab" / "user-settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


@pytest.fixture(scope="session")
def reader_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary root folder holding freshly written reader notebooks."""
    from tools.reader_notebooks import write_book

    root = tmp_path_factory.mktemp("reader-root")
    # $READER_BOOK_ROOT: the book's folder to convert (default: this checkout).
    write_book(root, Path(os.environ.get("READER_BOOK_ROOT", ROOT)).resolve())
    return root


@pytest.fixture(scope="session")
def jupyter(reader_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if shutil.which("jupyter-lab", path=str(Path(sys.executable).parent)) is None:
        missing("jupyterlab is not installed in the venv (make setup installs the test extras)")
    home = tmp_path_factory.mktemp("jupyter-home")
    config_dir, data_dir = home / "config", home / "data"
    _write_settings(config_dir)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config_dir),
        "JUPYTER_DATA_DIR": str(data_dir),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    for name in ("JUPYTER_PATH", "MPLBACKEND", "PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER"):
        env.pop(name, None)
    token, port = secrets.token_hex(24), _free_port()
    cmd = [
        str(Path(sys.executable).parent / "jupyter-lab"),
        "--no-browser",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={reader_root}",
        "--ServerApp.allow_remote_access=False",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.user_settings_dir={config_dir / 'lab' / 'user-settings'}",
        f"--LabApp.workspaces_dir={config_dir / 'lab' / 'workspaces'}",
        "--ServerApp.terminals_enabled=False",
    ]
    if os.geteuid() == 0:  # CI's containers run as root
        cmd.append("--allow-root")
    log = (home / "server.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=reader_root)
    url = f"http://{HOST}:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            log.close()
            pytest.fail("JupyterLab did not start:\n" + (home / "server.log").read_text()[-3000:])
        time.sleep(0.3)
    try:
        yield Server(url, token, reader_root, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
