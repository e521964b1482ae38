"""Building the student edition of the website: the book with no solutions and no answers.

sphinx-exercise's ``hide_solutions`` crashes on gated solution blocks, so the
edition is built from a filtered copy of the book instead:

1. copy the book's sources to a temporary folder (no ``_build``, ``.venv``, tests);
2. filter them (:mod:`~backprop.instructor.student_filter`): keep the student
   edition's side of every ``{only} student_edition`` / ``{only} not student_edition``
   pair, delete the solution blocks, the ``glue(...)`` calls only they displayed,
   and every stored output;
3. leave out the pages of :data:`STUDENT_OMITS` (the instructors' page: the files
   and their entries in ``_toc.yml``; a link to them left in another page is an
   error), and, with ``chapters``, every chapter not chosen (the appendices stay;
   a link to a left-out chapter becomes its plain text: :func:`unlink_pages`); turn
   the launch and repository buttons off in the copy's ``_config.yml`` (they would
   open the full notebooks of the repository; the download button stays, and serves
   the student edition's own notebooks) and mark the title as the student edition
   (or set the course's ``title``);
4. build it with ``BACKPROP_STUDENT_EDITION=1``, so the notebooks are re-executed
   and every exercise widget is saved without its answer;
5. check the result with :func:`~backprop.instructor.leaks.find_leaks` and move
   the HTML to ``out``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import nbformat
import yaml

from ..exercises import STUDENT_EDITION_ENV
from .leaks import find_leaks
from .student_filter import filter_tree

#: What is not copied from the book's folder (top-level names, and anywhere below).
IGNORE_TOP = {"_build", ".venv", ".git", "tests", "benchmarks", "lib", ".ci"}
#: Big folders the build reads but does not change: linked, not copied.
LINK_TOP = ("node_modules",)
IGNORE_ANY = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".jupyter_cache", ".ruff_cache"}
#: Pages the student edition leaves out (as _toc.yml names them, without suffix): the
#: instructors' page is about making, grading and keying assignments.
STUDENT_OMITS = ("instructors",)
#: Jupyter Book's flags for the build (the same as ``make book``).
JB_FLAGS = ("-W", "-n", "--keep-going")


def _ignore(folder: str, names: list[str], top: Path) -> set[str]:
    skip = {n for n in names if n in IGNORE_ANY}
    if Path(folder) == top:
        skip |= {n for n in names if n in IGNORE_TOP or n in LINK_TOP}
    return skip


#: A chapter's page in _toc.yml: ``chapters/NN_name``, NN its number.
_CHAPTER = re.compile(r"^chapters/(\d+)_")


def chapter_pages(toc: object) -> dict[int, str]:
    """The book's chapters in the _toc.yml ``toc``: number -> page (without suffix)."""
    found = {}
    for page in _toc_pages(toc):
        m = _CHAPTER.match(page)
        if m:
            found[int(m[1])] = page
    return found


def left_out_chapters(root: Path, chapters: Sequence[int | str]) -> list[str]:
    """The pages of the book at ``root`` that a course of ``chapters`` leaves out;
    ``ValueError`` naming the book's chapters if one of ``chapters`` is not among them."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8")) or {}
    pages = chapter_pages(toc)
    chosen = set()
    for c in chapters:
        text = str(c).strip().lower().removeprefix("ch")
        if not text.isdigit() or int(text) not in pages:
            have = ", ".join(map(str, sorted(pages)))
            raise ValueError(f"--chapters: the book has no chapter {c!r} (its chapters: {have})")
        chosen.add(int(text))
    return [page for n, page in sorted(pages.items()) if n not in chosen]


def prepare(
    root: Path,
    dest: Path,
    title: str | None = None,
    chapters: Sequence[int | str] | None = None,
) -> int:
    """Copy the book at ``root`` to ``dest`` and filter it; returns solution blocks removed.

    ``title`` replaces the book's title (default: the book's, marked as the student
    edition); ``chapters`` (numbers) keeps only those chapters and the other pages
    (the introduction, the appendices)."""
    root = root.resolve()
    if not (root / "_config.yml").is_file() or not (root / "_toc.yml").is_file():
        raise ValueError(f"{root} is not the book's folder (no _config.yml and _toc.yml)")
    if title is not None and not title.strip():
        raise ValueError("--title: the title is empty")
    dropped = left_out_chapters(root, chapters) if chapters else []
    shutil.copytree(root, dest, ignore=lambda d, n: _ignore(d, n, root))
    for name in LINK_TOP:
        if (root / name).exists():
            (dest / name).symlink_to(root / name, target_is_directory=True)
    config_path = dest / "_config.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    # Launch buttons open the repository's notebooks, which carry the solutions.
    config["launch_buttons"] = {"notebook_interface": "classic", "thebe": False}
    # So does the repository; the pages say what this edition offers instead.
    html = config.get("html") or {}
    config["html"] = {**html, "use_repository_button": False}
    config["title"] = title.strip() if title else f"{config.get('title', 'Book')} (student edition)"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    count = filter_tree(dest)
    omit_pages(dest, STUDENT_OMITS)
    if dropped:
        unlink_pages(dest, dropped)
        omit_pages(dest, dropped)
    _add_banner(dest)
    return count


def _toc_file(entry: object) -> str | None:
    if isinstance(entry, dict) and isinstance(entry.get("file"), str):
        return str(Path(entry["file"]).with_suffix("")) if "." in entry["file"] else entry["file"]
    return None


def _toc_pages(node: object) -> list[str]:
    """Every page of a _toc.yml (``root`` and each ``file``), suffixes removed."""
    if isinstance(node, list):
        return [p for e in node for p in _toc_pages(e)]
    if isinstance(node, dict):
        own = [str(node[k]) for k in ("root", "file") if isinstance(node.get(k), str)]
        own = [str(Path(p).with_suffix("")) if "." in p else p for p in own]
        return own + [p for v in node.values() for p in _toc_pages(v)]
    return []


def _prune_toc(node: object, omits: set[str]) -> object:
    """``node`` of a _toc.yml without the entries of ``omits`` (and parts left empty)."""
    if isinstance(node, list):
        kept = [_prune_toc(e, omits) for e in node if _toc_file(e) not in omits]
        return [e for e in kept if e is not None]
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            value = _prune_toc(value, omits)
            if key in ("parts", "chapters", "sections") and value == []:
                if key != "parts" and _toc_file(node) is None:
                    return None  # a part (or a caption-only entry) with nothing left in it
                continue
            out[key] = value
        return out
    return node


def _link_pattern(page: str) -> re.Pattern[str]:
    """A MyST ``{doc}`` role or a Markdown link to ``page`` (relative or absolute)."""
    p = re.escape(page)
    return re.compile(
        rf"\{{doc\}}`(?:[^`]*<)?[./]*{p}>?`|\]\([./]*{p}(?:\.md|\.ipynb|\.html)?(?:#[^)]*)?\)"
    )


def omit_pages(dest: Path, omits: tuple[str, ...] | list[str]) -> None:
    """Delete the pages ``omits`` (paths without suffix) of the book at ``dest``.

    Their files and _toc.yml entries go (a part whose pages all go goes too). Raises
    ``ValueError`` if another page still links to one: the build would fail on it, and
    the sentence belongs in an ``{only} not student_edition`` block.
    """
    omit = set(omits)
    toc_path = dest / "_toc.yml"
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8")) or {}
    if str(toc.get("root", "")) in omit:
        raise ValueError(
            f"the student edition cannot leave out the book's root page {toc['root']!r}"
        )
    toc = _prune_toc(toc, omit)
    toc_path.write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    for page in omit:
        for suffix in (".md", ".ipynb"):
            (dest / (page + suffix)).unlink(missing_ok=True)
    pages = [dest / (p + s) for p in _toc_pages(toc) for s in (".md", ".ipynb")]
    links = []
    for page in sorted(omit):
        pattern = _link_pattern(page)
        for path in filter(Path.is_file, pages):
            if path.suffix == ".ipynb":
                nb = nbformat.read(path, as_version=4)
                text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
            else:
                text = path.read_text(encoding="utf-8")
            links += [f"{path.relative_to(dest)}: {m[0]}" for m in pattern.finditer(text)]
    if links:
        raise ValueError(
            "pages of the student edition link to a page it leaves out (put the sentence "
            "in a ':::{only} not student_edition' block):\n" + "\n".join(links)
        )


_DOC = re.compile(r"\{doc\}`(?:(?P<text>[^`<]*?)\s*<(?P<target>[^`>]+)>|(?P<bare>[^`<]+))`")
_MD_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")


def _resolve(page: str, target: str) -> str:
    """The page (path from the book's folder, no suffix) that ``target``, a link on
    ``page``, points to (relative to ``page``'s folder, or to the book's with ``/``)."""
    target = target.split("#", 1)[0]
    for suffix in (".md", ".ipynb", ".html"):
        target = target.removesuffix(suffix)
    base = [] if target.startswith("/") else page.split("/")[:-1]
    parts: list[str] = []
    for part in base + target.lstrip("/").split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _title(dest: Path, page: str) -> str:
    """The first ``# `` heading of ``page`` (its name if it has none)."""
    for suffix in (".md", ".ipynb"):
        path = dest / (page + suffix)
        if not path.is_file():
            continue
        if suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        else:
            text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return page.rsplit("/", 1)[-1]


def unlink_text(text: str, page: str, omit: set[str], titles: dict[str, str]) -> str:
    """``text`` of ``page`` with every ``{doc}`` role and Markdown link to a page of
    ``omit`` turned into its plain text (a bare ``{doc}`page``` into the page's title,
    ``titles[page]``), so the build has no link to a page it does not have."""

    def doc(m: re.Match[str]) -> str:
        target = _resolve(page, m["target"] or m["bare"])
        if target not in omit:
            return m[0]
        return (m["text"] or "").strip() or titles.get(target, target)

    def md(m: re.Match[str]) -> str:
        target = m["target"]
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            return m[0]
        return m["text"] if _resolve(page, target) in omit else m[0]

    return _MD_LINK.sub(md, _DOC.sub(doc, text))


def unlink_pages(dest: Path, omits: Sequence[str]) -> int:
    """In every other page of the book at ``dest`` (its _toc.yml's), turn the links to the
    pages ``omits`` into plain text (:func:`unlink_text`); returns how many pages changed.
    Run before :func:`omit_pages`, which would refuse the links."""
    omit = set(omits)
    titles = {page: _title(dest, page) for page in omit}
    toc = yaml.safe_load((dest / "_toc.yml").read_text(encoding="utf-8")) or {}
    changed = 0
    for page in _toc_pages(toc):
        if page in omit:
            continue
        for suffix in (".md", ".ipynb"):
            path = dest / (page + suffix)
            if not path.is_file():
                continue
            if suffix == ".md":
                text = path.read_text(encoding="utf-8")
                new = unlink_text(text, page, omit, titles)
                if new != text:
                    path.write_text(new, encoding="utf-8")
                    changed += 1
                continue
            nb = nbformat.read(path, as_version=4)
            touched = False
            for cell in nb.cells:
                if cell.cell_type == "markdown":
                    new = unlink_text(cell.source, page, omit, titles)
                    touched |= new != cell.source
                    cell.source = new
            if touched:
                nbformat.write(nb, path)
                changed += 1
    return changed


BANNER = (
    ":::{note}\nThis is the **student edition** of the book: it has no worked solutions, "
    "and the answer boxes do not say whether an answer is right. Your answers are "
    "checked in class.\n:::\n"
)


def _add_banner(dest: Path) -> None:
    """Put :data:`BANNER` under the first heading of the book's first page."""
    toc = yaml.safe_load((dest / "_toc.yml").read_text(encoding="utf-8")) or {}
    root = str(toc.get("root", "intro"))
    page = next(
        (dest / (root + s) for s in (".md", ".ipynb", "") if (dest / (root + s)).is_file()), None
    )
    if page is None or page.suffix != ".md":
        return
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next((i + 1 for i, line in enumerate(lines) if line.startswith("# ")), 0)
    lines[at:at] = ["\n", BANNER]
    page.write_text("".join(lines), encoding="utf-8")


def build(
    root: str | Path = ".",
    out: str | Path = "_build/student",
    strict: bool = True,
    log: Path | None = None,
    progress: Callable[[str], None] | None = None,
    title: str | None = None,
    chapters: Sequence[int | str] | None = None,
) -> dict[str, int]:
    """Build the student edition of the book at ``root`` into ``out`` (the HTML only),
    with the course's ``title`` and only its ``chapters`` if given (:func:`prepare`).

    Raises ``RuntimeError`` if the build fails or :func:`find_leaks` finds
    anything (the temporary folder is then kept for a look); returns what the
    check inspected and ``solutions_removed``. ``progress`` is called with the
    name of each step as it starts.
    """
    step = progress or (lambda name: None)
    root, out = Path(root).resolve(), Path(out).resolve()
    if chapters:
        left_out_chapters(root, chapters)  # a wrong number fails before any work
    work = Path(tempfile.mkdtemp(prefix="bp-student-"))
    log = log or work / "build.log"
    src = work / "book"
    step("copy and filter")
    removed = prepare(root, src, title=title, chapters=chapters)
    step("build (minutes)")
    env = dict(os.environ, **{STUDENT_EDITION_ENV: "1", "PYTHONHASHSEED": "0"})
    exe = Path(sys.executable).with_name("jupyter-book")
    flags = JB_FLAGS if strict else ("-n", "--keep-going")
    cmd = [str(exe) if exe.exists() else "jupyter-book", "build", *flags]
    cmd += ["--path-output", str(work / "site"), str(src)]
    with open(log, "w", encoding="utf-8") as f:
        done = subprocess.run(cmd, cwd=src, env=env, stdout=f, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-30:]
        raise RuntimeError(
            f"the student edition failed to build (sources and log kept in {work}):\n"
            + "\n".join(tail)
        )
    step("check for answers")
    html_dir = work / "site" / "_build" / "html"
    leaks, seen = find_leaks(html_dir)
    if leaks:
        raise RuntimeError(
            f"the student edition gives answers away (the site is kept in {html_dir}):\n"
            + "\n".join(map(str, leaks[:30]))
        )
    step("move")
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(html_dir), str(out))
    shutil.rmtree(work, ignore_errors=True)
    seen["solutions_removed"] = removed
    return seen
