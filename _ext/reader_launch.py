"""Sphinx extension: the Binder and Colab buttons and the download (.ipynb) button of every
chapter give students the *reader notebook* (tools/reader_notebooks.py): the chapter with
every glued number pasted in and every MyST directive turned into markdown that Jupyter
and Colab render, instead of the MyST source they cannot read.

- Launch buttons: sphinx-book-theme builds them for ``repository.branch`` (the sources);
  ``rewrite_launch_buttons`` (after the theme, priority 502) points the Binder and Colab
  links at the branch ``reader_notebooks_branch`` (default ``notebooks``), which CI fills
  with ``_build/notebooks`` on every push to main (.github/workflows/book.yml). That
  branch mirrors the book's folders, so a chapter keeps its path.
- Download button: ``serve_reader_notebooks`` (build-finished) writes the reader notebooks
  over ``_sources/<page>.ipynb`` of the built site, the file the button links to. It reads
  the notebooks this build executed (``jupyter_execute/``) where there are any, so a build
  that re-executes (the student edition) serves its own numbers; with
  ``$BACKPROP_STUDENT_EDITION`` set, the solutions are left out.

Set ``reader_notebooks_branch`` in ``_config.yml`` under ``sphinx.config`` to use another
branch name (a fork needs nothing: the owner and repository come from ``repository.url``).
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path
from typing import Any

import nbformat
from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
STUDENT_EDITION_ENV = "BACKPROP_STUDENT_EDITION"


def _converter(srcdir: Path) -> Any:
    """tools/reader_notebooks.py of the book being built (loaded by path: not a package)."""
    path = srcdir / "tools" / "reader_notebooks.py"
    spec = importlib.util.spec_from_file_location("_book_reader_notebooks", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def launch_url(url: str, branch: str) -> str:
    """A Binder or Colab launch URL of sphinx-book-theme, pointed at ``branch``."""
    url = re.sub(r"(/v2/(?:gh|gl)/[^/?]+/[^/?]+/)[^?]+", lambda m: m.group(1) + branch, url)
    url = re.sub(r"(/github/[^/]+/[^/]+/blob/)[^/]+", lambda m: m.group(1) + branch, url)
    return url


def _buttons(node: Any) -> Any:
    if isinstance(node, dict):
        yield node
        for child in node.get("buttons", []) or []:
            yield from _buttons(child)
    elif isinstance(node, list):
        for item in node:
            yield from _buttons(item)


def rewrite_launch_buttons(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    branch = app.config.reader_notebooks_branch
    for button in _buttons(context.get("header_buttons", [])):
        if button.get("text") in ("Binder", "Colab") and "url" in button:
            button["url"] = launch_url(button["url"], branch)


def serve_reader_notebooks(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    srcdir, outdir = Path(app.srcdir), Path(app.outdir)
    sources = outdir / "_sources"
    student = bool(os.environ.get(STUDENT_EDITION_ENV))
    module = _converter(srcdir)
    try:
        notebooks, notes = module.convert_book(
            srcdir, student=student, executed=outdir.parent / "jupyter_execute"
        )
    except module.ConversionError as exc:
        LOGGER.warning(f"reader notebooks: {exc}", type="reader_notebooks")
        return
    for note in notes:
        LOGGER.info(f"reader notebooks: {note}")
    for doc, nb in notebooks.items():
        target = sources / f"{doc}.ipynb"
        if target.is_file():
            nbformat.write(nb, target)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("reader_notebooks_branch", "notebooks", "html")
    app.connect("html-page-context", rewrite_launch_buttons, priority=502)
    app.connect("build-finished", serve_reader_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
