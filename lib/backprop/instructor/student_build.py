"""Building the student edition of the website: the book with no solutions and no answers.

sphinx-exercise's ``hide_solutions`` crashes on gated solution blocks, so the
edition is built from a filtered copy of the book instead:

1. copy the book's sources to a temporary folder (no ``_build``, ``.venv``, tests);
2. filter them (:mod:`~backprop.instructor.student_filter`): delete the solution
   blocks, the ``glue(...)`` calls only they displayed, and every stored output;
3. turn the launch buttons off in the copy's ``_config.yml`` (they would open the
   full notebooks of the repository) and mark the title as the student edition;
4. build it with ``BACKPROP_STUDENT_EDITION=1``, so the notebooks are re-executed
   and every exercise widget is saved without its answer;
5. check the result with :func:`~backprop.instructor.leaks.find_leaks` and move
   the HTML to ``out``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import yaml

from ..exercises import STUDENT_EDITION_ENV
from .leaks import find_leaks
from .student_filter import filter_tree

#: What is not copied from the book's folder (top-level names, and anywhere below).
IGNORE_TOP = {"_build", ".venv", ".git", "tests", "benchmarks", "lib", ".ci"}
#: Big folders the build reads but does not change: linked, not copied.
LINK_TOP = ("node_modules",)
IGNORE_ANY = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".jupyter_cache", ".ruff_cache"}
#: Jupyter Book's flags for the build (the same as ``make book``).
JB_FLAGS = ("-W", "-n", "--keep-going")


def _ignore(folder: str, names: list[str], top: Path) -> set[str]:
    skip = {n for n in names if n in IGNORE_ANY}
    if Path(folder) == top:
        skip |= {n for n in names if n in IGNORE_TOP or n in LINK_TOP}
    return skip


def prepare(root: Path, dest: Path) -> int:
    """Copy the book at ``root`` to ``dest`` and filter it; returns solution blocks removed."""
    root = root.resolve()
    if not (root / "_config.yml").is_file() or not (root / "_toc.yml").is_file():
        raise ValueError(f"{root} is not the book's folder (no _config.yml and _toc.yml)")
    shutil.copytree(root, dest, ignore=lambda d, n: _ignore(d, n, root))
    for name in LINK_TOP:
        if (root / name).exists():
            (dest / name).symlink_to(root / name, target_is_directory=True)
    config_path = dest / "_config.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) or {}
    # Launch buttons open the repository's notebooks, which carry the solutions.
    config["launch_buttons"] = {"notebook_interface": "classic", "thebe": False}
    config["title"] = f"{config.get('title', 'Book')} (student edition)"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    count = filter_tree(dest)
    _add_banner(dest)
    return count


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
) -> dict[str, int]:
    """Build the student edition of the book at ``root`` into ``out`` (the HTML only).

    Raises ``RuntimeError`` if the build fails or :func:`find_leaks` finds
    anything (the temporary folder is then kept for a look); returns what the
    check inspected and ``solutions_removed``. ``progress`` is called with the
    name of each step as it starts.
    """
    step = progress or (lambda name: None)
    root, out = Path(root).resolve(), Path(out).resolve()
    work = Path(tempfile.mkdtemp(prefix="bp-student-"))
    log = log or work / "build.log"
    src = work / "book"
    step("copy and filter")
    removed = prepare(root, src)
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
