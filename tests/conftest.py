"""Fixtures shared by the whole test suite.

``tests/`` mirrors ``lib/backprop/``: ``tests/test_<module>.py`` for the core modules,
``tests/<package>/`` for each subpackage (plots, exercises, bank, widgets, instructor),
``tests/book/`` for the book itself (notation table, Colab cells, Binder environment),
``tests/browser/`` for the built website in Chromium.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

#: The repository root.
ROOT = Path(__file__).resolve().parent.parent


def missing_tool(reason: str) -> None:
    """Skip loudly for a missing tool, except under ``CI=true``, where it is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + "; CI=true, so this is a failure")
    pytest.skip(reason)


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


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator: each test that asks for one gets the same numbers every run."""
    return np.random.default_rng(20261130)
