"""_ext/reader_launch.py: the launch buttons open the reader notebooks' branch, and the
download button serves the reader notebook."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("reader_launch", ROOT / "_ext" / "reader_launch.py")
reader_launch = importlib.util.module_from_spec(spec)
sys.modules["reader_launch"] = reader_launch
spec.loader.exec_module(reader_launch)


def test_launch_urls_point_at_the_branch():
    binder = "https://mybinder.org/v2/gh/owner/repo/main?urlpath=tree/chapters/02_x.ipynb"
    colab = "https://colab.research.google.com/github/owner/repo/blob/main/chapters/02_x.ipynb"
    assert reader_launch.launch_url(binder, "notebooks") == (
        "https://mybinder.org/v2/gh/owner/repo/notebooks?urlpath=tree/chapters/02_x.ipynb"
    )
    assert reader_launch.launch_url(colab, "notebooks") == (
        "https://colab.research.google.com/github/owner/repo/blob/notebooks/chapters/02_x.ipynb"
    )


def test_rewrite_launch_buttons_changes_binder_and_colab_only():
    context = {
        "header_buttons": [
            {"text": "Repository", "url": "https://github.com/owner/repo/blob/main/x"},
            {
                "buttons": [
                    {
                        "text": "Binder",
                        "url": "https://mybinder.org/v2/gh/o/r/main?urlpath=tree/a.ipynb",
                    },
                    {
                        "text": "Colab",
                        "url": "https://colab.research.google.com/github/o/r/blob/main/a.ipynb",
                    },
                ]
            },
        ]
    }
    app = types.SimpleNamespace(config=types.SimpleNamespace(reader_notebooks_branch="reader"))
    reader_launch.rewrite_launch_buttons(app, "a", "page.html", context, None)
    repo, group = context["header_buttons"]
    assert repo["url"] == "https://github.com/owner/repo/blob/main/x"
    assert [b["url"] for b in group["buttons"]] == [
        "https://mybinder.org/v2/gh/o/r/reader?urlpath=tree/a.ipynb",
        "https://colab.research.google.com/github/o/r/blob/reader/a.ipynb",
    ]


def test_the_download_button_serves_the_reader_notebook(tmp_path, monkeypatch):
    monkeypatch.delenv(reader_launch.STUDENT_EDITION_ENV, raising=False)
    html = tmp_path / "_build" / "html"
    doc = "chapters/01_chain_rule"
    target = html / "_sources" / f"{doc}.ipynb"
    target.parent.mkdir(parents=True)
    target.write_text((ROOT / f"{doc}.ipynb").read_text(encoding="utf-8"), encoding="utf-8")
    app = types.SimpleNamespace(
        srcdir=str(ROOT), outdir=str(html), builder=types.SimpleNamespace(format="html")
    )
    reader_launch.serve_reader_notebooks(app, None)
    served = nbformat.read(target, as_version=4)
    text = "\n".join(c.source for c in served.cells if c.cell_type == "markdown")
    assert "{glue" not in text and ":::{" not in text and "**Exercise 1" in text
    assert "{glue" in (ROOT / f"{doc}.ipynb").read_text(encoding="utf-8")  # the source is untouched
