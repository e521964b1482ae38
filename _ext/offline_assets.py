"""Sphinx extension: the website serves every script, style and font it needs itself.

At build time it copies into ``_static/offline/`` of the built site

- MathJax 3 (``mathjax/``; ``mathjax_path`` in ``_config.yml`` points at it),
- require.js and the Jupyter widget manager ``@jupyter-widgets/html-manager`` with its
  icon fonts (``require.js``, ``html-manager/``; ``nb_ipywidgets_js`` loads them),
- the anywidget front end (``anywidget/index.js``, an AMD module) from the installed
  ``anywidget`` wheel, so it always matches the Python side that saved the widget state,
- ``widgets-config.js`` and ``widgets-a11y.js`` (from ``_ext/offline_js/``): the first points
  require.js at these copies, the second gives widget images and sliders accessible names,

plus the licences of all of them (``LICENSES.txt``). The npm packages come from
``node_modules/`` (``npm ci`` installs the exact versions of ``package-lock.json``;
``make book`` runs it). Without them the build stops with a message saying so.

The copies go straight into the output, not through ``html_static_path``: Jupyter Book
adds every ``*.js`` of a static source folder to every page as a ``<script>`` tag, which
breaks AMD modules meant to be loaded by require.js.

Two more fixes of the pages, found by the browser tests (tests/browser/):

- ``drop_duplicate_scripts``: Sphinx 7.4 writes some inline scripts twice; sphinx-thebe's
  ``const THEBE_JS_URL`` then throws on every page;
- ``fix_accessible_names``: three controls of the theme and myst-nb whose accessible name
  hides their visible text (axe-core: label-content-name-mismatch).
"""

from __future__ import annotations

import json
import re
import shutil
from importlib import metadata
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

HERE = Path(__file__).resolve().parent
OFFLINE = "offline"  # the folder under _static/

# npm package, its licence, and (file or folder in the package, destination under offline/).
NPM = [
    (
        "mathjax",
        "Apache-2.0",
        [
            (f"es5/{item}", f"mathjax/{item}")
            for item in (
                "tex-mml-chtml.js",
                "input",
                "output/chtml",
                "ui",
                "a11y",
                "sre",
                "adaptors",
            )
        ],
    ),
    ("requirejs", "MIT", [("require.js", "require.js")]),
    (
        "@jupyter-widgets/html-manager",
        "BSD-3-Clause",
        [("dist/embed-amd.js", "html-manager/embed-amd.js")],
    ),
]
FONT_SUFFIXES = {".woff2", ".woff", ".ttf", ".eot", ".svg"}
LICENCE_FILES = {
    "mathjax": ["LICENSE"],
    "@jupyter-widgets/html-manager": ["dist/embed.js.LICENSE.txt"],
    "@fortawesome/fontawesome-free": ["LICENSE.txt"],
}


def _node_modules(app: Sphinx) -> Path:
    """The book's node_modules: next to _ext/ (also for single-page builds of chapters/x)."""
    candidates = [HERE.parent / "node_modules"]
    candidates += [p / "node_modules" for p in [Path(app.srcdir), *Path(app.srcdir).parents]]
    for nm in candidates:
        if (nm / "mathjax" / "package.json").is_file():
            return nm
    raise ExtensionError(
        f"{candidates[0]} is missing or incomplete: the site serves MathJax, require.js and "
        "the Jupyter widget manager from it. Run `npm ci` in the book's folder "
        "(`make book` does this), then build again."
    )


def _copy(src: Path, dst: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True)
    else:
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)


def _version(pkg_dir: Path) -> str:
    return json.loads((pkg_dir / "package.json").read_text(encoding="utf-8"))["version"]


def copy_assets(app: Sphinx) -> None:
    """Copy the front-end files into the built site's _static/offline/ (html builders)."""
    if app.builder.format != "html":
        return
    nm = _node_modules(app)
    out = Path(app.outdir) / "_static" / OFFLINE
    notices: list[str] = [
        "Third-party files this website serves itself (copied at build time by "
        "_ext/offline_assets.py), with their licences.\n"
    ]

    for pkg, licence, items in NPM:
        pkg_dir = nm / pkg
        for item, dest in items:
            src = pkg_dir / item
            if not src.exists():
                raise ExtensionError(f"{src} not found: run `npm ci` (package-lock.json).")
            _copy(src, out / dest)
        where = ", ".join(f"_static/{OFFLINE}/{dest}" for _, dest in items)
        notices.append(f"{pkg} {_version(pkg_dir)} ({licence}): {where}")

    # The widget manager's icon fonts (Font Awesome), next to embed-amd.js.
    dist = nm / "@jupyter-widgets" / "html-manager" / "dist"
    for font in dist.iterdir():
        if font.suffix in FONT_SUFFIXES:
            _copy(font, out / "html-manager" / font.name)
    fa = nm / "@fortawesome" / "fontawesome-free"
    notices.append(
        f"@fortawesome/fontawesome-free {_version(fa)} (fonts: SIL OFL 1.1; code: MIT): "
        f"icon fonts in _static/{OFFLINE}/html-manager"
    )

    # The anywidget front end, from the installed wheel (the same version as the Python side).
    dist_info = metadata.distribution("anywidget")
    amd = Path(str(dist_info.locate_file("anywidget/nbextension/index.js")))
    if not amd.is_file():
        raise ExtensionError(f"{amd} not found: is the anywidget wheel installed?")
    _copy(amd, out / "anywidget" / "index.js")
    notices.append(f"anywidget {dist_info.version} (MIT): _static/{OFFLINE}/anywidget")

    for script in ("widgets-config.js", "widgets-a11y.js"):
        _copy(HERE / "offline_js" / script, out / script)

    # Licence texts.
    texts = []
    for pkg, files in LICENCE_FILES.items():
        for name in files:
            texts.append(f"\n===== {pkg}: {name} =====\n" + (nm / pkg / name).read_text("utf-8"))
    for f in dist_info.files or []:
        if "licenses" in str(f) or str(f).upper().endswith("LICENSE"):
            texts.append(f"\n===== anywidget: {f.name} =====\n" + f.read_text())
    header = Path(nm / "requirejs" / "require.js").read_text("utf-8").split("*/", 1)[0]
    texts.append("\n===== requirejs: header of require.js =====\n" + header + "*/\n")
    texts.append(
        "\n===== @jupyter-widgets/html-manager =====\n"
        "BSD-3-Clause, Copyright (c) Jupyter Development Team "
        "(https://github.com/jupyter-widgets/ipywidgets/blob/main/LICENSE)\n"
    )
    (out / "LICENSES.txt").write_text("\n".join(notices) + "\n" + "".join(texts), "utf-8")


def drop_duplicate_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Remove repeated inline scripts from a page.

    Sphinx 7.4 adds an inline script (``add_js_file(None, body=...)``) registered after
    the builder started twice (once as ``None``, once as ``""``); sphinx-thebe's
    ``const THEBE_JS_URL = ...`` then throws "Identifier has already been declared".
    """
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen: set[tuple[Any, ...]] = set()
    keep = []
    for js in scripts:
        filename = getattr(js, "filename", js) or ""
        attrs = getattr(js, "attributes", {})
        key = (filename, tuple(sorted((k, str(v)) for k, v in attrs.items())))
        if key not in seen:
            seen.add(key)
            keep.append(js)
    scripts[:] = keep


# Accessible names the theme and myst-nb get wrong (axe-core's label-content-name-mismatch:
# a control's name must contain its visible text). Applied to the written pages.
A11Y_FIXES = [
    # The search button is named "Search" but shows "Search Ctrl+K": name it by its text.
    (
        re.compile(r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="Search"'),
        r"\1",
    ),
    # The colour-mode button ("Color mode"): its icons' titles would become text inside it.
    (re.compile(r'(<i class="theme-switch [^"]*"[^>]*?)\s+title="[^"]*"'), r"\1"),
    # myst-nb names the "Show code cell source" toggle "Toggle hidden content".
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
]


def fix_accessible_names(app: Sphinx, exception: Exception | None) -> None:
    """Apply A11Y_FIXES to every html page of the finished build."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = text
        for pattern, repl in A11Y_FIXES:
            fixed = pattern.sub(repl, fixed)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", copy_assets)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("build-finished", fix_accessible_names)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
