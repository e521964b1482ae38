"""Reader notebooks: the book's notebooks as plain Jupyter notebooks that read right where
students run them (JupyterLab, Notebook 7, Colab, the site's download button).

The chapters are written in MyST: glue roles and directives fill in numbers and exercise
questions from stored outputs, and admonitions, exercises, solutions and cross-references
are directives and roles. Only the website build (myst-nb, Sphinx) understands them; in
Jupyter and on Colab a student sees ``{glue:text}`slope_err:.1e``` and raw ``:::{exercise}``
fences. This module rewrites every markdown cell into CommonMark + HTML + ``$`` math that
Jupyter and Colab render, with every glued value pasted in from the notebook's stored glue
outputs (myst-nb stores them as ``display_data`` with ``application/papermill.record/...``
MIME types and ``metadata.scrapbook.name``; the chapters are stored executed):

- ``{glue:text}`name:fmt``` -> the value, formatted by myst-nb's own ``format_plain_text``
  (so the numbers are the website's, digit for digit); ``{glue:md}``, ``{glue}``/``{glue:}``,
  ``{glue:any}``, ``{glue:math}``, ``{glue:figure}`` roles and directives -> their markdown,
  text, math, or the stored image embedded as a ``data:`` URI;
- admonitions (``note``, ``tip``, ``warning`` ...) -> blockquotes with a bold title;
  ``dropdown`` ones -> ``<details>``;
- ``exercise`` (colon fence) -> a blockquote headed "Exercise N (title)"; gated
  ``exercise-start``/``exercise-end`` (around the book's exercise widget, which shows its
  own title and question) -> "Exercise N"; ``solution`` (or ``solution-start``/``solution-end``) -> a
  collapsed ``<details>`` in the book edition, dropped in the student edition;
- ``{math}`` role -> ``$...$``; ``math`` directive -> ``$$...$$``; ``$$`` stays;
- ``{doc}``, ``{ref}``, ``{numref}``, ``{eq}`` -> links to the website's pages;
- ``figure``/``image`` -> ``![alt](path)`` with the caption below;
- ``only`` -> its body when its expression holds with the tag ``student_edition`` set in
  the student edition only, else nothing.

Code cells keep their code; ``remove-cell`` cells are dropped, ``remove-input`` and
``hide-input`` cells stay with their input collapsed (``metadata.jupyter.source_hidden``),
``remove-output`` cells lose their outputs, and the glue records (invisible plumbing) are
dropped from the stored outputs. The student edition (``--student``, or a build with
``$BACKPROP_STUDENT_EDITION``) leaves out the solutions and every stored output.

How, and why this way: MyST is found with myst-parser's own markdown-it set-up
(``myst_parser.parsers.mdit.create_md_parser`` with the book's extensions from
_config.yml), the same parser the website build uses, so a directive or role is what the
book build sees as one, and code spans, code blocks and math are never touched. Block
directives are replaced by their line map (bodies converted recursively); inline roles are
replaced in the source, in document order, within their inline token's lines. We tried
sphinx-tojupyter 0.6.0 (a Sphinx builder that writes notebooks) and did not use it: it must
be listed after myst_nb and needs ``tojupyter_lang_synonyms = ["ipython3"]``, drops
``remove-input`` cells (which hold the exercise answer boxes), garbles the exercise titles
and prints solutions open; and it needs a whole second Sphinx build.

The links point at the website: ``--site-url``, else ``$BOOK_SITE_URL``, else
``html.baseurl`` in _config.yml, else the GitHub Pages address of ``repository.url``
(``https://github.com/<owner>/<repo>`` -> ``https://<owner>.github.io/<repo>/``).

``python -m tools.reader_notebooks`` (``make notebooks``) writes ``_build/notebooks/``: the
notebooks of _toc.yml at the same paths, plus what Binder needs to run them from a branch
that holds only this folder (requirements.txt installing the library from the repository,
constraints.txt, runtime.txt). CI pushes the folder to the ``notebooks`` branch, which the
Binder and Colab buttons open (_ext/reader_launch.py); the site's download button serves
the same notebooks.
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import os
import posixpath
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import yaml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_nb.core.variables import format_plain_text
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser
from sphinx.util.tags import Tags

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_build" / "notebooks"
GLUE_PREFIX = "application/papermill.record/"

ADMONITIONS = {
    "admonition": "",
    "note": "Note",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
    "margin": "",
    "sidebar": "",
    "dropdown": "",
    "topic": "",
}
# Directives whose text is for the website only (no meaning in a notebook).
#: The tag of ``{only}`` blocks that only the student edition shows (the website's build
#: never sets it; backprop.instructor.student_filter resolves them in the student copy).
STUDENT_TAG = "student_edition"
DROPPED = {"eval-rst", "toctree", "tableofcontents", "bibliography", "code-cell", "raw"}
SOLUTION_OPEN = "\x00solution-start\x00"
SOLUTION_CLOSE = "\x00solution-end\x00"


class ConversionError(ValueError):
    """A MyST construct that cannot be turned into notebook markdown (missing glue key...)."""


# ---------------------------------------------------------------- configuration


def book_config(root: Path = ROOT) -> dict[str, Any]:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}


def pages_url(repository_url: str) -> str:
    """The GitHub Pages address of a GitHub repository URL."""
    m = re.fullmatch(r"https?://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?", repository_url.strip())
    if not m:
        raise ConversionError(
            f"repository.url {repository_url!r} is not https://github.com/<owner>/<repo>: "
            "set html.baseurl in _config.yml or $BOOK_SITE_URL to the website's address"
        )
    owner, repo = m.groups()
    if repo.lower() == f"{owner.lower()}.github.io":
        return f"https://{owner.lower()}.github.io/"
    return f"https://{owner.lower()}.github.io/{repo}/"


def site_url(config: dict[str, Any], override: str | None = None) -> str:
    """Where the website lives (links in the reader notebooks point there); ends with /."""
    url = (
        override
        or os.environ.get("BOOK_SITE_URL")
        or (config.get("html") or {}).get("baseurl")
        or pages_url((config.get("repository") or {}).get("url", ""))
    )
    return url if url.endswith("/") else url + "/"


def md_parser(config: dict[str, Any]) -> Any:
    """myst-parser's markdown-it parser with the book's MyST extensions."""
    extensions = set((config.get("parse") or {}).get("myst_enable_extensions") or [])
    return create_md_parser(MdParserConfig(enable_extensions=extensions), RendererHTML)


# ---------------------------------------------------------------- glue outputs


def glue_store(
    nb: nbformat.NotebookNode, extra: dict[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """name -> MIME bundle (prefix removed) of every glue output stored in the notebook.

    ``extra`` holds glue outputs kept beside the notebook: a build's executed copy
    (``jupyter_execute/<doc>.ipynb``) has them in ``<doc>.glue.json``, not in its cells."""
    store: dict[str, dict[str, Any]] = {
        name: {k.removeprefix(GLUE_PREFIX): v for k, v in out.get("data", {}).items()}
        for name, out in (extra or {}).items()
    }
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            name = (out.get("metadata") or {}).get("scrapbook", {}).get("name")
            if name is None or "data" not in out:
                continue
            store[name] = {
                k[len(GLUE_PREFIX) :]: v
                for k, v in out["data"].items()
                if k.startswith(GLUE_PREFIX)
            }
    return store


def is_glue_output(out: dict[str, Any]) -> bool:
    return bool((out.get("metadata") or {}).get("scrapbook")) and all(
        k.startswith(GLUE_PREFIX) for k in out.get("data", {})
    )


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


# ---------------------------------------------------------------- labels and titles


@dataclass
class Target:
    doc: str  # docname, e.g. chapters/02_forward_pass
    anchor: str = ""
    title: str = ""


def _anchor(label: str) -> str:
    """The HTML id Sphinx gives a label (docutils.nodes.make_id)."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def collect_targets(pages: dict[str, nbformat.NotebookNode], md: Any) -> dict[str, Target]:
    """Labels (``(name)=``, ``:label:``, ``:name:``) and page titles of every page.

    Page titles are stored under ``doc:<docname>``."""
    targets: dict[str, Target] = {}
    for doc, nb in pages.items():
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            _scan_targets(cell.source, doc, md, targets)
    return targets


def _scan_targets(text: str, doc: str, md: Any, targets: dict[str, Target]) -> None:
    tokens = md.parse(text)
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and f"doc:{doc}" not in targets and tok.tag == "h1":
            targets[f"doc:{doc}"] = Target(doc, "", tokens[i + 1].content.strip())
        elif tok.type == "myst_target":
            title = ""
            nxt = tokens[i + 1 : i + 3]
            if len(nxt) == 2 and nxt[0].type == "heading_open":
                title = nxt[1].content.strip()
            targets[tok.content] = Target(doc, _anchor(tok.content), title)
        elif tok.type in ("fence", "colon_fence") and tok.info.startswith("{"):
            d = parse_directive(tok)
            label = d.options.get("label") or d.options.get("name")
            if label:
                targets[label] = Target(doc, _anchor(label), d.argument)
            _scan_targets(d.body, doc, md, targets)
        elif tok.type in ("math_block_label", "amsmath") and tok.info:
            targets[tok.info] = Target(doc, "equation-" + _anchor(tok.info), tok.info)


# ---------------------------------------------------------------- directives


@dataclass
class Directive:
    name: str
    argument: str
    options: dict[str, str]
    body: str


def parse_directive(tok: Token) -> Directive:
    """A ``{name} argument`` fence: its name, argument, ``:key: value`` options and body."""
    m = re.match(r"\{([^}]*)\}\s*(.*)", tok.info.strip())
    if not m:
        raise ConversionError(f"not a directive: {tok.info!r}")
    name, argument = m.group(1).strip(), m.group(2).strip()
    lines = tok.content.splitlines()
    options: dict[str, str] = {}
    if lines and lines[0].strip() == "---":  # YAML options block
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            loaded = yaml.safe_load("\n".join(lines[1:end])) or {}
            options = {str(k): "" if v is None else str(v) for k, v in loaded.items()}
            lines = lines[end + 1 :]
    else:
        while lines and (om := re.match(r"\s*:([\w-]+):(.*)$", lines[0])):
            options[om.group(1)] = om.group(2).strip()
            lines = lines[1:]
    while lines and not lines[0].strip():
        lines = lines[1:]
    return Directive(name, argument, options, "\n".join(lines).rstrip())


def _quote(text: str) -> str:
    """Every line of ``text`` inside a blockquote."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


def _details(summary: str, body: str) -> str:
    # Blank lines around the body: Jupyter's and Colab's renderers then read it as markdown.
    return f"<details>\n<summary>{summary}</summary>\n\n{body.strip()}\n\n</details>"


def _escape(text: str) -> str:
    """Pasted plain text: markdown's special characters escaped (it is text on the site)."""
    return re.sub(r"([\\`*_\[\]<>|$])", r"\\\1", text)


# ---------------------------------------------------------------- the converter


@dataclass
class Converter:
    """Turns the MyST of one page's markdown into notebook markdown."""

    doc: str
    glue: dict[str, dict[str, Any]]
    site: str
    md: Any
    targets: dict[str, Target] = field(default_factory=dict)
    student: bool = False
    warnings: list[str] = field(default_factory=list)
    exercises: dict[str, int] = field(default_factory=dict)  # label -> number
    _exercise_count: int = 0

    # -- links

    def page_url(self, doc: str, anchor: str = "") -> str:
        return f"{self.site}{doc}.html" + (f"#{anchor}" if anchor else "")

    def resolve_doc(self, target: str) -> str:
        target = target.strip()
        if target.endswith((".md", ".ipynb")):
            target = target.rsplit(".", 1)[0]
        if target.startswith("/"):
            return posixpath.normpath(target.lstrip("/"))
        return posixpath.normpath(posixpath.join(posixpath.dirname(self.doc), target))

    # -- glue

    def glue_data(self, key: str) -> dict[str, Any]:
        if "::" in key:
            raise ConversionError(f"{self.doc}: glue from another page ({key!r}) is not supported")
        if key not in self.glue:
            raise ConversionError(
                f"{self.doc}: no glue output named {key!r} (execute the notebook)"
            )
        return self.glue[key]

    def glue_text(self, spec: str) -> str:
        key, _, fmt = spec.rpartition(":") if ":" in spec else (spec, "", "s")
        data = self.glue_data(key.strip())
        if "text/plain" not in data:
            raise ConversionError(f"{self.doc}: glue {key!r} has no text/plain")
        try:
            return format_plain_text(_text(data["text/plain"]), fmt)
        except (TypeError, ValueError) as exc:  # what the website build warns about too
            raise ConversionError(
                f"{self.doc}: glue {key!r} = {_text(data['text/plain'])!r} cannot be formatted "
                f"with {fmt!r} ({exc})"
            ) from None

    def glue_markdown(self, key: str) -> str:
        data = self.glue_data(key)
        if "text/markdown" not in data:
            raise ConversionError(f"{self.doc}: glue {key!r} has no text/markdown")
        return self.convert(_text(data["text/markdown"])).strip()

    def glue_any(self, key: str, inline: bool, alt: str = "") -> str:
        data = self.glue_data(key)
        for mime in ("image/png", "image/jpeg", "image/gif"):
            if mime in data:
                raw = _text(data[mime]).replace("\n", "")
                return f"![{alt or key}](data:{mime};base64,{raw})"
        if "image/svg+xml" in data:
            raw = base64.b64encode(_text(data["image/svg+xml"]).encode()).decode()
            return f"![{alt or key}](data:image/svg+xml;base64,{raw})"
        if "text/markdown" in data:
            return self.glue_markdown(key)
        if "text/latex" in data:
            latex = _text(data["text/latex"]).strip().strip("$")
            return f"${latex}$" if inline else f"$$\n{latex}\n$$"
        if "text/html" in data and not inline:
            return _text(data["text/html"])
        if "text/plain" in data:
            return _escape(format_plain_text(_text(data["text/plain"]), "s"))
        raise ConversionError(f"{self.doc}: glue {key!r} has nothing a notebook can show")

    # -- roles

    def role(self, name: str, content: str) -> str:
        if name == "glue:text":
            return _escape(self.glue_text(content))
        if name in ("glue", "glue:", "glue:any"):
            return self.glue_any(content.strip(), inline=True)
        if name == "glue:md":
            key = (
                content.rsplit(":", 1)[0] if content.endswith((":myst", ":commonmark")) else content
            )
            text = self.glue_markdown(key.strip())
            return re.sub(r"\s*\n\s*", " ", text)
        if name in ("math", "m"):
            return f"${content}$"
        m = re.fullmatch(r"(.*?)\s*<([^<>]+)>", content, flags=re.S)
        text, target = (m.group(1).strip(), m.group(2).strip()) if m else ("", content.strip())
        if name == "doc":
            doc = self.resolve_doc(target)
            title = text or self.targets.get(f"doc:{doc}", Target(doc)).title or doc
            return f"[{title}]({self.page_url(doc)})"
        if name in ("ref", "numref", "eq", "prf:ref"):
            found = self.targets.get(target)
            if found is None:
                self.warnings.append(f"{self.doc}: unknown label {target!r} in {{{name}}}")
                return text or target
            if name == "eq":
                return f"[({target})]({self.page_url(found.doc, found.anchor)})"
            label = text or found.title or target
            if target in self.exercises and not text:
                label = f"Exercise {self.exercises[target]}"
            return f"[{label}]({self.page_url(found.doc, found.anchor)})"
        if name in ("code", "literal", "file", "samp", "command", "kbd"):
            return f"`{content}`"
        if name in ("sub", "sup"):
            return f"<{name}>{content}</{name}>"
        if name in ("abbr", "term", "download", "guilabel", "menuselection"):
            return text or target
        self.warnings.append(f"{self.doc}: role {{{name}}} shown as its text")
        return text or content

    # -- directives

    def exercise_header(self, d: Directive, with_title: bool = True) -> str:
        """``**Exercise N (title)**``; a gated exercise wraps the book's exercise widget,
        which shows the title itself, so its header is ``**Exercise N**`` alone."""
        self._exercise_count += 1
        number = "" if "nonumber" in d.options else f" {self._exercise_count}"
        label = d.options.get("label", "")
        if label:
            self.exercises[label] = self._exercise_count
        title = f" ({d.argument})" if d.argument and with_title else ""
        anchor = f'<a id="{_anchor(label)}"></a>' if label else ""
        return f"{anchor}**Exercise{number}{title}**"

    def solution_summary(self, d: Directive) -> str:
        target = d.argument.strip()
        if target in self.exercises:
            return f"Solution to Exercise {self.exercises[target]}"
        return "Solution"

    def directive(self, d: Directive) -> str:
        name = d.name
        if name == "glue:md":
            key, _, fmt = d.argument.partition(":")
            return self.glue_markdown(key.strip())
        if name in ("glue", "glue:", "glue:any"):
            return self.glue_any(d.argument.strip(), inline=False)
        if name == "glue:math":
            latex = (
                _text(self.glue_data(d.argument.strip()).get("text/latex", "")).strip().strip("$")
            )
            return f"$$\n{latex}\n$$"
        if name == "glue:figure":
            image = self.glue_any(d.argument.strip(), inline=False, alt=d.options.get("alt", ""))
            caption = self.convert(d.body).strip()
            return image + (f"\n\n*{caption}*" if caption else "")
        if name in ("figure", "image"):
            alt = d.options.get("alt", "")
            image = f"![{alt}]({d.argument})"
            caption = self.convert(d.body).strip() if name == "figure" else ""
            return image + (f"\n\n*{caption}*" if caption else "")
        if name == "math":
            label = d.options.get("label", "")
            anchor = f'<a id="equation-{_anchor(label)}"></a>\n\n' if label else ""
            return f"{anchor}$$\n{d.body.strip()}\n$$"
        if name == "exercise":
            return _quote(f"{self.exercise_header(d)}\n\n{self.convert(d.body).strip()}")
        if name == "exercise-start":
            return self.exercise_header(d, with_title=False)
        if name in ("exercise-end", "solution-end"):
            return SOLUTION_CLOSE if name == "solution-end" else ""
        if name == "solution":
            if self.student:
                return ""
            # Collapsed in a notebook, dropdown or not: the reader tries the exercise first.
            return _details(self.solution_summary(d), self.convert(d.body).strip())
        if name == "solution-start":
            return SOLUTION_OPEN + self.solution_summary(d) + "\n"  # see _wrap_solutions
        if name in ADMONITIONS:
            title = d.argument if name in ("admonition", "dropdown", "topic", "sidebar") else ""
            title = title or ADMONITIONS[name]
            body = self.convert(d.body).strip()
            if name == "dropdown" or "dropdown" in d.options.get("class", ""):
                return _details(f"<b>{title or 'Details'}</b>", body)
            head = f"**{self.convert_inline(title)}**\n\n" if title else ""
            return _quote(head + body)
        if name == "only":  # the edition's side of an {only} student_edition pair
            shown = Tags([STUDENT_TAG] if self.student else []).eval_condition(d.argument)
            return self.convert(d.body).strip() if shown else ""
        if name in DROPPED:
            return ""
        if name in ("code", "code-block", "sourcecode"):
            return f"```{d.argument}\n{d.body}\n```"
        self.warnings.append(f"{self.doc}: directive {{{name}}} shown as its content")
        return self.convert(d.body).strip()

    # -- markdown

    def convert_inline(self, text: str) -> str:
        return self.convert(text).strip()

    def convert(self, text: str) -> str:
        """The markdown ``text`` with every MyST directive and role replaced."""
        lines = text.splitlines(keepends=True)
        offsets = [0]
        for line in lines:
            offsets.append(offsets[-1] + len(line))
        edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in characters
        covered: list[tuple[int, int]] = []  # line ranges replaced whole
        tokens = self.md.parse(text)
        for tok in tokens:
            if tok.map is None:
                continue
            start, end = tok.map
            if any(a <= start < b for a, b in covered):
                continue
            block = self._block(tok, lines[start] if start < len(lines) else "")
            if block is not None:
                covered.append((start, end))
                edits.append((offsets[start], offsets[min(end, len(lines))], block))
        cursor = 0
        for tok in tokens:
            if tok.type != "inline" or tok.map is None or not tok.children:
                continue
            start, end = tok.map
            if any(a <= start < b for a, b in covered):
                continue
            cursor = max(cursor, offsets[start])
            limit = offsets[min(end, len(lines))]
            for child in tok.children:
                if child.type == "code_inline":
                    source = f"{child.markup}{child.content}{child.markup}"
                    at = text.find(source, cursor, limit)
                    if at >= 0:
                        cursor = at + len(source)
                elif child.type == "myst_role":
                    name = child.meta["name"]
                    pattern = re.compile(
                        r"\{" + re.escape(name) + r"\}(`+)" + re.escape(child.content) + r"\1"
                    )
                    m = pattern.search(text, cursor, limit)
                    if m is None:
                        raise ConversionError(
                            f"{self.doc}: cannot find {{{name}}}`{child.content}`"
                        )
                    edits.append((m.start(), m.end(), self.role(name, child.content)))
                    cursor = m.end()
        out, last = [], 0
        for a, b, new in sorted(edits):
            out.append(text[last:a])
            out.append(new)
            last = b
        out.append(text[last:])
        return "".join(out)

    def _block(self, tok: Token, first_line: str) -> str | None:
        """The replacement of a whole block token (with its line ending), or None."""
        indent = re.match(r"[ \t>]*", first_line).group(0)
        if tok.type in ("fence", "colon_fence") and tok.info.strip().startswith("{"):
            new = self.directive(parse_directive(tok))
        elif tok.type == "myst_target":
            new = f'<a id="{_anchor(tok.content)}"></a>'
        elif tok.type in ("myst_line_comment", "myst_block_break", "front_matter"):
            return ""
        elif tok.type == "math_block_label":
            anchor = f'<a id="equation-{_anchor(tok.info)}"></a>\n\n'
            new = f"{anchor}$$\n{tok.content.strip()}\n$$"
        else:
            return None
        if not new:
            return ""
        lines = new.splitlines()
        return "\n".join(indent + line if line else indent.rstrip() for line in lines) + "\n"


# ---------------------------------------------------------------- notebooks


def convert_notebook(
    nb: nbformat.NotebookNode,
    doc: str,
    site: str,
    md: Any,
    targets: dict[str, Target] | None = None,
    student: bool = False,
    glue: dict[str, Any] | None = None,
) -> tuple[nbformat.NotebookNode, list[str]]:
    """The reader notebook of the page ``doc`` (its executed notebook ``nb``, with the glue
    outputs ``glue`` kept beside it, if any), and warnings."""
    conv = Converter(doc, glue_store(nb, glue), site, md, targets or {}, student)
    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        tags = set(cell.metadata.get("tags", []))
        if "remove-cell" in tags:
            continue
        if cell.cell_type == "markdown":
            cell.source = re.sub(r"\n{3,}", "\n\n", conv.convert(cell.source)).strip("\n")
            if not cell.source.strip():
                continue
        elif cell.cell_type == "code":
            if tags & {"remove-input", "hide-input"}:
                cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
            if "remove-output" in tags:
                cell.outputs = []
            cell.outputs = [o for o in cell.outputs if not is_glue_output(o)]
            if student:  # nothing stored: the student runs it (answers hide in outputs)
                cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    out.cells = _wrap_solutions(cells, student)
    out.metadata.pop("mystnb", None)
    if student:
        out.metadata.pop("widgets", None)
    return out, conv.warnings


def _wrap_solutions(cells: list[Any], student: bool) -> list[Any]:
    """Gated solutions (solution-start ... solution-end across cells): the cells between the
    markers become one ``<details>`` cell when they are all markdown (dropped in the student
    edition); with code cells among them, a bold "Solution" heading opens them instead."""
    out: list[Any] = []
    i = 0
    while i < len(cells):
        cell = cells[i]
        if cell.cell_type != "markdown" or SOLUTION_OPEN not in cell.source:
            out.append(cell)
            i += 1
            continue
        before, _, rest = cell.source.partition(SOLUTION_OPEN)
        summary, _, rest = rest.partition("\n")
        group, j, after = [rest], i, ""
        if SOLUTION_CLOSE in rest:
            group[0], _, after = rest.partition(SOLUTION_CLOSE)
        else:
            j = i + 1
            while j < len(cells):
                c = cells[j]
                if c.cell_type == "markdown" and SOLUTION_CLOSE in c.source:
                    inside, _, after = c.source.partition(SOLUTION_CLOSE)
                    group.append(inside)
                    break
                group.append(c)
                j += 1
        if before.strip():
            out.append(nbformat.v4.new_markdown_cell(before.strip()))
        if not student:
            parts = [g for g in group if not (isinstance(g, str) and not g.strip())]
            if all(isinstance(g, str) or g.cell_type == "markdown" for g in parts):
                body = "\n\n".join(g if isinstance(g, str) else g.source for g in parts)
                out.append(nbformat.v4.new_markdown_cell(_details(summary, body)))
            else:
                out.append(nbformat.v4.new_markdown_cell(f"**{summary}**"))
                for g in parts:
                    out.append(
                        nbformat.v4.new_markdown_cell(g.strip()) if isinstance(g, str) else g
                    )
        if after.strip():
            out.append(nbformat.v4.new_markdown_cell(after.strip()))
        i = j + 1
    for cell in out:  # an unclosed marker must not leak into the notebook
        if cell.cell_type == "markdown":
            cell.source = cell.source.replace(SOLUTION_OPEN, "").replace(SOLUTION_CLOSE, "")
    return [c for c in out if c.cell_type != "markdown" or c.source.strip()]


# ---------------------------------------------------------------- the book


def _files(node: object) -> list[str]:
    """The ``file`` (and ``root``) entries of a _toc.yml tree, in order."""
    if isinstance(node, list):
        return [f for item in node for f in _files(item)]
    if not isinstance(node, dict):
        return []
    out = [str(node["root"])] if "root" in node else []
    out += [str(node["file"])] if "file" in node else []
    for key in ("parts", "chapters", "sections"):
        out += _files(node.get(key, []))
    return out


def toc_notebooks(root: Path = ROOT) -> list[str]:
    """Docnames of the notebook pages of _toc.yml, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return [f for f in _files(toc) if (root / f"{f}.ipynb").is_file()]


def convert_book(
    root: Path = ROOT,
    site: str | None = None,
    student: bool = False,
    executed: Path | None = None,
) -> tuple[dict[str, nbformat.NotebookNode], list[str]]:
    """docname -> reader notebook for every notebook page of the book; and warnings.

    The notebooks are read from ``executed`` (a build's ``jupyter_execute`` folder) where
    it holds them, else from the book's folder (the chapters are stored executed)."""
    config = book_config(root)
    md = md_parser(config)
    url = site_url(config, site)
    pages, glue = {}, {}
    for doc in toc_notebooks(root):
        built = executed / f"{doc}.ipynb" if executed is not None else None
        source = built if built is not None and built.is_file() else root / f"{doc}.ipynb"
        pages[doc] = nbformat.read(source, as_version=4)
        kept = source.with_suffix(".glue.json")
        glue[doc] = json.loads(kept.read_text(encoding="utf-8")) if kept.is_file() else {}
    targets = collect_targets(pages, md)
    result, warnings = {}, []
    for doc, nb in pages.items():
        result[doc], w = convert_notebook(nb, doc, url, md, targets, student, glue[doc])
        warnings += w
    return result, warnings


def binder_requirements(root: Path, ref: str) -> str:
    """requirements.txt for a branch holding only the reader notebooks: the library from
    the repository at ``ref`` instead of ``-e .``."""
    config = book_config(root)
    repo = (config.get("repository") or {}).get("url", "").rstrip("/")
    lines = (root / "requirements.txt").read_text(encoding="utf-8").splitlines()
    out = [
        "# Binder, for the reader notebooks of the notebooks branch (written by `make notebooks`)."
    ]
    for line in lines:
        if line.strip() in ("-e .", "."):
            out.append(f"backprop-book @ git+{repo}@{ref}")
        elif not line.startswith("#"):
            out.append(line)
    return "\n".join(out) + "\n"


def write_book(
    out: Path = OUT, root: Path = ROOT, site: str | None = None, student: bool = False
) -> list[Path]:
    """Write the reader notebooks (and Binder's files) into ``out``; the notebooks written."""
    notebooks, warnings = convert_book(root, site, student)
    for w in warnings:
        print(f"reader notebooks: warning: {w}", file=sys.stderr)
    if out.exists():
        shutil.rmtree(out)
    written = []
    for doc, nb in notebooks.items():
        path = out / f"{doc}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        written.append(path)
    config = book_config(root)
    ref = os.environ.get("BOOK_SOURCE_REF") or (config.get("repository") or {}).get(
        "branch", "main"
    )
    (out / "requirements.txt").write_text(binder_requirements(root, ref), encoding="utf-8")
    for name in ("constraints.txt", "runtime.txt"):
        shutil.copy2(root / name, out / name)
    (out / "README.md").write_text(
        "# Reader notebooks\n\nThe book's chapters as plain Jupyter notebooks, written by "
        "`make notebooks` from the `main` branch (do not edit here). The website: "
        f"{site_url(config, site)}\n",
        encoding="utf-8",
    )
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder (default _build/notebooks)")
    parser.add_argument("--site-url", help="the website's address (default: see module docs)")
    parser.add_argument("--student", action="store_true", help="leave out the solutions")
    args = parser.parse_args(argv)
    try:
        written = write_book(args.out.resolve(), ROOT, args.site_url, args.student)
    except ConversionError as exc:
        sys.exit(f"reader notebooks: {exc}")
    print(f"reader notebooks: {len(written)} notebooks in {args.out}")


if __name__ == "__main__":
    main()
