"""Fixtures shared by the whole test suite.

``tests/`` mirrors ``lib/backprop/``: ``tests/test_<module>.py`` for the core modules,
``tests/<package>/`` for each subpackage (plots, exercises, bank, widgets, instructor),
``tests/book/`` for the book itself (notation table, Colab cells, Binder environment),
``tests/browser/`` for the built website in Chromium.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

#: The repository root.
ROOT = Path(__file__).resolve().parent.parent


def missing_tool(reason: str) -> None:
    """Skip loudly for a missing tool, except under ``CI=true``, where it is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + "; CI=true, so this is a failure")
    pytest.skip(reason)


def chromium_path() -> str | None:
    """Debian's Chromium: ``$CHROMIUM``, /usr/bin/chromium, or chromium on PATH."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Chromium driven by Playwright, for the site's and the reader notebooks' browser tests."""
    exe = chromium_path()
    if exe is None:
        missing_tool(
            "Chromium NOT FOUND (looked at $CHROMIUM, /usr/bin/chromium, PATH): the browser "
            "tests are NOT RUN; install it: sudo apt-get install chromium"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("the python package playwright is not installed (make setup installs it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def node() -> str:
    """The path of ``node`` (the JavaScript sides of the widgets are tested under it)."""
    path = shutil.which("node")
    if path is None:
        missing_tool("node NOT FOUND: the widgets' JavaScript is NOT TESTED (install node >= 18)")
    return str(path)


@pytest.fixture(scope="session")
def esbuild(node: str) -> Path:
    """node_modules/esbuild (``npm ci --ignore-scripts``), which builds the explorer bundles."""
    path = ROOT / "node_modules" / "esbuild"
    if not path.is_dir():
        missing_tool("node_modules/esbuild NOT FOUND (run `npm ci --ignore-scripts`)")
    return path


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator: each test that asks for one gets the same numbers every run."""
    return np.random.default_rng(20261130)
