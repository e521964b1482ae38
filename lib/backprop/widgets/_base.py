"""The base of every live explorer: an anywidget whose JavaScript front end computes and draws.

Each explorer is a subclass with ``_esm = bundle("<name>")`` (the esbuild bundle
``static/<name>.js`` of ``js/<name>.js``; ``make widgets`` builds it) and its parameters as
synced traits, so notebook code and tests can read and set them. The front end does the work,
in JupyterLab, Notebook 7, Colab, VS Code and on the static website alike (the saved widget
state carries the bundle text, so the site serves it itself). The Python side computes the
same displayed quantities with the library, for tests.
"""

from __future__ import annotations

from pathlib import Path

import anywidget

STATIC = Path(__file__).resolve().parent / "static"


def bundle(name: str) -> Path:
    """The shipped bundle ``static/<name>.js`` (a clear message if it was never built)."""
    path = STATIC / f"{name}.js"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: the {name} explorer's front end is built from "
            f"js/{name}.js by `make widgets` (node and `npm ci` needed)"
        )
    return path


class Explorer(anywidget.AnyWidget):
    """An explorer: shared stylesheet, and a stable plain-text fallback (``_title``)."""

    _css = STATIC / "explorers.css"
    #: What the explorer shows, for its plain-text fallback.
    _title = "Explorer"

    def __repr__(self) -> str:
        # Shown where JavaScript cannot run (no memory address: stored outputs stay the same).
        return f"{self._title} explorer: run this cell to move the sliders"
