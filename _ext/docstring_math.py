"""Sphinx extension: the library's docstrings write math as in the book ($...$, $$...$$);
autodoc reads docstrings as reStructuredText, so turn that math into :math: roles and
``.. math::`` blocks before it is parsed (used by appendices/api.md)."""

from __future__ import annotations

import re
from typing import Any

# $$...$$ (possibly over several lines), then $...$ (within one paragraph).
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)((?:[^$\n]|\n(?![ \t]*\n))+?)(?<!\\)\$(?!\$)")


def _inline(match: re.Match[str], text: str) -> str:
    before = text[match.start() - 1] if match.start() > 0 else " "
    after = text[match.end()] if match.end() < len(text) else " "
    role = ":math:`" + " ".join(match.group(1).split()) + "`"
    # An inline role needs a non-word character on each side; "\ " is an empty separator.
    if before.isalnum() or before in "`":
        role = "\\ " + role
    if after.isalnum() or after == "`":
        role += "\\ "
    return role


def convert(text: str) -> str:
    """Docstring text with the book's dollar math turned into reStructuredText math."""

    def display(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        alone = (start == 0 or text[:start].endswith("\n\n") or text[:start].strip() == "") and (
            end == len(text) or text[end:].startswith("\n\n") or text[end:].strip() == ""
        )
        body = " ".join(line.strip() for line in match.group(1).strip().splitlines())
        if alone:
            return f".. math::\n\n   {body}\n"
        return f":math:`{body}`"

    text = _DISPLAY.sub(display, text)
    return _INLINE.sub(lambda m: _inline(m, m.string), text)


def _process(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    new = convert("\n".join(lines)).split("\n")
    lines[:] = new


def setup(app: Any) -> dict[str, Any]:
    # Priority below napoleon's default (500) is not needed: napoleon leaves $...$ alone.
    app.connect("autodoc-process-docstring", _process)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
