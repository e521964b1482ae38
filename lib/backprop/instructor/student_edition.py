"""The student edition of the website: the book with no solutions and no answers.

sphinx-exercise's ``hide_solutions`` crashes on gated solution blocks, so the
edition is built from a filtered copy of the book instead:

1. copy the book's sources to a temporary folder (no ``_build``, ``.venv``, tests);
2. in every notebook and Markdown file, delete the ``{solution}`` blocks (colon or
   backtick fences, and gated ``{solution-start}`` ... ``{solution-end}`` blocks),
   delete the ``glue(...)`` calls whose names only those blocks displayed, and
   clear every stored output (the downloadable ``.ipynb`` files carry none);
3. turn the launch buttons off in the copy's ``_config.yml`` (they would open the
   full notebooks of the repository) and mark the title as the student edition;
4. build it with ``BACKPROP_STUDENT_EDITION=1``, so the notebooks are re-executed
   and every exercise widget is saved without its answer;
5. check the result with :func:`find_leaks` and move the HTML to ``out``.

:func:`find_leaks` looks for solutions and answers in every file of a built site:
the solution blocks, the text of every exercise's solution, every answer that is
distinctive enough to search for anywhere (and its rounded forms on the
exercise's own page), widget state that carries an answer, glue of solutions,
stored outputs of the downloadable notebooks, and the search index.
"""

from __future__ import annotations

import argparse
import ast
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from .. import exercises
from ..exercises import STUDENT_EDITION_ENV

#: What is not copied from the book's folder (top-level names, and anywhere below).
IGNORE_TOP = {"_build", ".venv", ".git", "tests", "benchmarks", "lib", ".ci"}
#: Big folders the build reads but does not change: linked, not copied.
LINK_TOP = ("node_modules",)
IGNORE_ANY = {"__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".jupyter_cache", ".ruff_cache"}
#: Jupyter Book's flags for the build (the same as ``make book``).
JB_FLAGS = ("-W", "-n", "--keep-going")
#: Files of a built site that :func:`find_leaks` reads (others are images and fonts).
TEXT_SUFFIXES = {".html", ".js", ".json", ".ipynb", ".md", ".txt", ".inv", ".css", ".xml", ".py"}

#: Exercises whose book variant the chapter's own text works out, so that their answer
#: is on the page in both editions: the number is not searched for in page text (their
#: widgets, solutions and glue are checked like every exercise's). Key -> where the text
#: does it; a test fails when an entry is no longer needed. Better: make the chapter's
#: example and the exercise's seed-0 numbers differ (as chapter 1 does, x0 = 0.8 vs 1.5).
WORKED_IN_TEXT: dict[str, str] = {}

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>:{3,}|`{3,}|~{3,})\{(?P<name>[A-Za-z0-9_:-]+)\}")
_CLOSE = re.compile(r"^[ \t]*(?P<fence>:{3,}|`{3,}|~{3,})[ \t]*$")
_PLAIN_OPEN = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})")
_GLUE_REF = re.compile(r"\{glue(?::[a-z]+)?\}(?:`|[ \t]+)(?P<name>[A-Za-z0-9_.-]+)")


# ---- filtering the sources --------------------------------------------------------


def strip_solutions(text: str) -> tuple[str, list[str]]:
    """``text`` without its ``{solution}`` blocks, and the glue names those blocks used.

    Handles MyST colon fences (``:::{solution} label`` ... ``:::``), backtick and
    tilde fences, nested fences inside a solution, and sphinx-exercise's gated
    blocks (``{solution-start}`` ... ``{solution-end}``, everything in between).
    """
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    removed: list[str] = []
    i = 0
    while i < len(lines):
        m = _OPEN.match(lines[i])
        if m is None or m["name"] not in ("solution", "solution-start"):
            out.append(lines[i])
            i += 1
            continue
        end = _block_end(lines, i)
        if m["name"] == "solution-start":
            # Gated: drop everything up to and including the {solution-end} block.
            j = end + 1
            while j < len(lines):
                g = _OPEN.match(lines[j])
                if g is not None and g["name"] == "solution-end":
                    end = _block_end(lines, j)
                    break
                j += 1
            else:
                raise ValueError(
                    f"a {{solution-start}} block (line {i + 1}) has no {{solution-end}}"
                )
        block = "".join(lines[i : end + 1])
        removed.extend(m2["name"] for m2 in _GLUE_REF.finditer(block))
        i = end + 1
        # Drop one blank line after the block so no double gap remains.
        if i < len(lines) and not lines[i].strip() and out and not out[-1].strip():
            i += 1
    return "".join(out), removed


def _block_end(lines: Sequence[str], start: int) -> int:
    """The index of the line that closes the fenced block opened at ``start``.

    Inside a directive (or a colon fence) fences nest; inside a plain code fence
    nothing does. A bare fence of the same kind, at least as long, closes.
    """
    m = _OPEN.match(lines[start])
    assert m is not None
    stack: list[tuple[str, bool]] = [(m["fence"], True)]
    for j in range(start + 1, len(lines)):
        fence, nests = stack[-1]
        c = _CLOSE.match(lines[j])
        if c is not None and c["fence"][0] == fence[0] and len(c["fence"]) >= len(fence):
            stack.pop()
            if not stack:
                return j
            continue
        if nests:
            o = _OPEN.match(lines[j])
            if o is not None:
                stack.append((o["fence"], True))
            elif (p := _PLAIN_OPEN.match(lines[j])) is not None:
                stack.append((p["fence"], False))
    raise ValueError(f"the block opened on line {start + 1} is never closed")


def strip_glue(source: str, names: Iterable[str]) -> str:
    """``source`` (a code cell) without the ``glue("name", ...)`` calls of ``names``."""
    names = set(names)
    if not names or "glue" not in source:
        return source
    lines = source.splitlines(keepends=True)
    drop: set[int] = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython syntax: fall back to one-line calls
        for n, line in enumerate(lines):
            m = re.match(r"""^\s*glue\(\s*["']([^"']+)["']""", line)
            if m and m[1] in names:
                drop.add(n)
    else:
        for node in tree.body:
            call = node.value if isinstance(node, ast.Expr) else None
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id == "glue"
                and call.args
                and isinstance(call.args[0], ast.Constant)
                and call.args[0].value in names
            ):
                drop.update(range(node.lineno - 1, (node.end_lineno or node.lineno)))
    return "".join(line for n, line in enumerate(lines) if n not in drop)


def filter_notebook(nb: nbformat.NotebookNode) -> int:
    """Strip solutions from ``nb`` in place and clear all outputs; returns blocks removed."""
    removed: list[str] = []
    count = 0
    for cell in nb.cells:
        if cell.cell_type in ("markdown", "raw"):
            new, names = strip_solutions(cell.source)
            if new != cell.source:
                count += cell.source.count("{solution}") + cell.source.count("{solution-start}")
            cell.source, removed = new, removed + names
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = strip_glue(cell.source, removed)
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    # Cells left empty by the filtering are dropped.
    nb.cells = [c for c in nb.cells if c.source.strip() or c.cell_type == "code" and c.outputs]
    nb.metadata.pop("widgets", None)
    return count


def filter_tree(root: Path) -> int:
    """Filter every notebook and Markdown file below ``root`` in place; returns blocks removed."""
    count = 0
    for path in sorted(root.rglob("*")):
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            count += filter_notebook(nb)
            nbformat.write(nb, path)
        elif path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
            new, _ = strip_solutions(text)
            if new != text:
                count += text.count("{solution}") + text.count("{solution-start}")
                path.write_text(new, encoding="utf-8")
    return count


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


# ---- checking a built site ------------------------------------------------------------


@dataclass(frozen=True)
class Leak:
    """Something in a built site that gives an answer or a solution away."""

    file: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what}"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(text))


def _readable(raw: str, suffix: str) -> str:
    """A file's text as a reader sees it: no HTML tags or entities, JSON strings decoded."""
    if suffix == ".html":
        return _norm(re.sub(r"<[^>]+>", "", raw))
    if suffix in (".ipynb", ".json"):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            return _norm(raw)
        return _norm("\n".join(_strings(data)))
    return _norm(raw)


def _strings(data: object) -> Iterable[str]:
    """Every string (keys too) inside decoded JSON."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(data, list):
        for v in data:
            yield from _strings(v)
    elif data is not None:
        yield json.dumps(data)


def _shown(ex: exercises.Exercise) -> str:
    """What the student edition shows of an exercise anyway: its question and hints."""
    return _norm(" ".join([ex.question, ex.prompt, *ex.hints]))


def _fragments(ex: exercises.Exercise) -> list[str]:
    """Pieces of a solution long enough to be its own (prose between math, and the math),
    leaving out what the question and hints say anyway."""
    shown = _shown(ex)
    pieces: list[str] = []
    for n, part in enumerate(re.split(r"\$\$?", ex.solution)):
        part = _norm(part).strip(" .,;:")
        # Generic math ("A u + b") and short prose are on the pages anyway: a piece
        # of math must hold a number, and prose needs a sentence's length.
        long_enough = (n % 2 and len(part) >= 12 and re.search(r"\d", part)) or len(part) >= 40
        if long_enough and part not in shown:
            pieces.append(part)
    return pieces


def _digits(text: str) -> int:
    return len(re.sub(r"\D", "", text))


def _distinctive(ex: exercises.Exercise) -> list[str]:
    """The forms of an answer worth searching for: not short numbers that any page may
    hold for its own reasons (0.5, 40, "8, 18"), nor what the question says."""
    forms: list[str] = []
    if ex.size > 2 or _digits(ex.answer_text) >= 5:
        forms += [ex.answer_text, json.dumps(list(ex.answer)), "[" + ex.answer_text + "]"]
    forms += [r for a in ex.answer if _digits(r := repr(float(a))) >= 8]  # 0.7071067811865476
    shown = _shown(ex)
    return [f for f in forms if f not in shown]


def _page_forms(ex: exercises.Exercise) -> list[str]:
    """Rounded forms of an answer, searched for on the exercise's own page: integers from
    100 up (2410, 2,410), other numbers rounded to 3 to 6 digits with at least 3 of them
    significant (2.703, 0.8667), leaving out what the question and hints show."""
    forms: list[str] = []
    for a in ex.answer:
        if float(a).is_integer():
            cands = [str(int(a)), f"{int(a):,}"] if abs(a) >= 100 else []
        else:
            cands = [f"{a:.{d}{kind}}" for d in (3, 4, 5, 6) for kind in "gf"]
            cands = [c for c in cands if len(re.sub(r"\D", "", c).lstrip("0")) >= 3]
        forms += [c for c in dict.fromkeys(cands) if c not in forms]
    shown = _shown(ex)
    return [f for f in forms if f not in shown]


def _prose(raw: str, suffix: str) -> str:
    """What a page says, without scripts (widget state is checked on its own)."""
    if suffix == ".html":
        raw = re.sub(r"<script.*?</script>", " ", raw, flags=re.S)
        return _norm(re.sub(r"<[^>]+>", " ", raw))
    return _readable(raw, suffix)


def _widget_states(text: str, suffix: str) -> list[dict]:
    states: list[dict] = []
    if suffix == ".ipynb":
        try:
            nb = json.loads(text)
        except json.JSONDecodeError:
            return states
        w = nb.get("metadata", {}).get("widgets", {})
        blob = w.get("application/vnd.jupyter.widget-state+json", {})
        states += list(blob.get("state", {}).values())
        return states
    for m in re.finditer(
        r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', text, re.S
    ):
        try:
            blob = json.loads(html.unescape(m[1]))
        except json.JSONDecodeError:
            continue
        states += list(blob.get("state", {}).values())
    return states


def find_leaks(
    site: str | Path,
    keys: Sequence[str] | None = None,
    worked_in_text: Iterable[str] | None = None,
) -> tuple[list[Leak], dict[str, int]]:
    """Every place in the built site ``site`` that shows a solution or an answer.

    ``keys`` are the exercises to look for (default: every registered one, in
    the book's variant, seed 0); ``worked_in_text`` those whose answer the text
    works out anyway (default :data:`WORKED_IN_TEXT`). Returns the leaks and
    counts of what was inspected (``files``, ``widgets``: exercise widgets
    found, ``notebooks``).
    """
    site = Path(site)
    if not site.is_dir():
        raise ValueError(f"{site} is not a folder")
    keys = exercises.keys() if keys is None else list(keys)
    books = [exercises.make(k, 0) for k in keys]
    in_text = set(WORKED_IN_TEXT if worked_in_text is None else worked_in_text)
    sol_names = {k.replace(".", "_").replace("-", "_") + "_sol" for k in keys}
    leaks: list[Leak] = []
    seen = {"files": 0, "widgets": 0, "notebooks": 0}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        if path.suffix not in TEXT_SUFFIXES:
            continue
        rel = path.relative_to(site).as_posix()
        raw = path.read_text(encoding="utf-8", errors="replace")
        seen["files"] += 1
        text = _readable(raw, path.suffix)

        def leak(what: str, rel: str = rel) -> None:
            leaks.append(Leak(rel, what))

        for marker in ("{solution}", "{solution-start}", 'class="solution', "Solution to Exercise"):
            if marker in raw:
                leak(f"a solution block ({marker!r})")
        for name in sol_names:
            if re.search(rf"""glue\(\s*["']{re.escape(name)}["']""", text) or f'"{name}"' in raw:
                leak(f"the glued solution {name!r}")
        for ex in books:
            for piece in _fragments(ex):
                if piece in text:
                    leak(f"the solution of {ex.key}: {piece[:60]!r}")
                    break
            for form in [] if ex.key in in_text else _distinctive(ex):
                if form in text:
                    leak(f"the answer of {ex.key}: {form!r}")
                    break
        on_page: set[str] = set()
        for state in _widget_states(raw, path.suffix):
            st = state.get("state", {})
            if isinstance(st, dict) and "answer" in st and "key" in st:
                seen["widgets"] += 1
                on_page.add(str(st["key"]))
                if st["answer"]:
                    leak(f"the widget of {st['key']} carries its answer {st['answer']}")
        # Shorter forms of an answer (2410, 2.703) give it away on the exercise's own page.
        on_page |= set(re.findall(r"""exercises\.make\(\s*\\?["']([\w.-]+)""", raw))
        prose = _prose(raw, path.suffix) if on_page else ""
        for ex in books:
            if ex.key not in on_page or ex.key in in_text:
                continue
            for form in _page_forms(ex):
                m = re.search(rf"(?<![\d.]){re.escape(form)}(?!\d)", prose)
                if m is not None:
                    context = prose[max(0, m.start() - 40) : m.end() + 10].strip()
                    leak(f"the answer of {ex.key} ({form}) is in the page's text: {context!r}")
                    break
        if path.suffix == ".ipynb":
            seen["notebooks"] += 1
            try:
                nb = json.loads(raw)
                outputs = sum(len(c.get("outputs", [])) for c in nb.get("cells", []))
            except (json.JSONDecodeError, AttributeError):
                outputs = 0
            if outputs:
                leak(f"a downloadable notebook with {outputs} stored outputs")
    return leaks, seen


# ---- building -------------------------------------------------------------------------


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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``student-edition`` (shared by the CLI and ``python -m``)."""
    parser.add_argument("--root", default=".", help="the book's folder (default: here)")
    parser.add_argument(
        "--out", default="_build/student", help="where the HTML goes (default: _build/student)"
    )
    parser.add_argument(
        "--log",
        default=None,
        help="write jupyter-book's output to this file (default: a temporary folder)",
    )
    parser.add_argument(
        "--no-strict",
        action="store_true",
        help="do not turn Sphinx warnings into errors (make book does: -W -n)",
    )
    parser.add_argument(
        "--check",
        metavar="SITE",
        default=None,
        help="do not build: check an already built site for solutions and answers",
    )


def run(args: argparse.Namespace) -> int:
    """Build (or ``--check``) as the command line asked; prints a one-line summary."""
    if args.check:
        leaks, seen = find_leaks(args.check)
        for lk in leaks:
            print(lk, file=sys.stderr)
        print(
            f"checked {seen['files']} files ({seen['widgets']} exercise widgets, "
            f"{seen['notebooks']} notebooks): {len(leaks)} leaks",
            file=sys.stderr,
        )
        return 1 if leaks else 0
    from tqdm import tqdm

    with tqdm(total=4, desc="student edition", unit="step", file=sys.stderr) as bar:
        first = [True]

        def progress(name: str) -> None:
            if not first[0]:
                bar.update()
            first[0] = False
            bar.set_postfix_str(name)

        try:
            seen = build(
                args.root,
                args.out,
                strict=not args.no_strict,
                log=Path(args.log).resolve() if args.log else None,
                progress=progress,
            )
        except (RuntimeError, ValueError, OSError) as e:
            bar.close()
            print(f"error: {e}", file=sys.stderr)
            return 1
        bar.update()
    print(
        f"built the student edition into {args.out}/: {seen['solutions_removed']} solutions "
        f"removed; checked {seen['files']} files and {seen['widgets']} exercise widgets: no "
        "answers or solutions",
        file=sys.stderr,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m backprop.instructor.student_edition``: the same as the CLI's command."""
    parser = argparse.ArgumentParser(
        prog="python -m backprop.instructor.student_edition", description=__doc__.split("\n")[0]
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
