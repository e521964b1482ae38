r"""An exercise's question and solution (Markdown with LaTeX between dollar signs) as HTML with MathML,
made in Python when the widget is built and put into a synced trait for the front end.

Why MathML, made here: the answer box must read the same in JupyterLab, Notebook 7, Colab,
VS Code and on the static website, and those hosts disagree about LaTeX. JupyterLab and
Notebook typeset Markdown cells with their own MathJax but not a widget's HTML; Colab uses
KaTeX in Markdown cells only; VS Code's renderer is yet another; on the website MathJax
typesets the page once, before the widgets render. Loading a TeX renderer from the widget
itself would mean shipping MathJax or KaTeX (and their fonts) in every saved widget state,
or a download at run time, which the book forbids. MathML Core instead renders natively in
Chromium, Firefox and Safari, so the same markup shows the same math in every host, with
no JavaScript and no font download. The conversion is done once, in Python, by
well-kept libraries: markdown-it-py (the parser myst uses) with mdit-py-plugins'
``dollarmath`` for the math between dollar signs, and latex2mathml for each formula.

Safety: the text is the library's own (the bank's questions), not a student's; still,
raw HTML in it is escaped (markdown-it with ``html`` off), and the MathML comes from
latex2mathml, which escapes the text it carries.

MathML Core renders ``mathvariant`` only as "normal" on ``<mi>``, so bold and
double-struck letters (``\mathbf a``, ``\mathbb 1``) are written as the Unicode
mathematical alphanumeric characters instead (𝐚, 𝟙), which every browser shows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from latex2mathml.converter import convert as latex_to_mathml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

#: latex2mathml's variants that MathML Core does not render, by Unicode's names.
_VARIANTS = {"bold": "BOLD", "double-struck": "DOUBLE-STRUCK", "italic": "ITALIC"}
_STYLED = re.compile(
    r'<(?P<tag>mi|mn|mo|mtext) mathvariant="(?P<variant>[a-z-]+)">(?P<text>[^<]*)</(?P=tag)>'
)

_CLOSERS = r"\)|\]|\||&#x00029;|&#x0005D;|&#x0007C;|&#x02016;"
_SIGN = re.compile(
    rf"(?P<before><mo\b[^>]*>(?!(?:{_CLOSERS})</mo>)[^<]*</mo>|<mrow>|<mtd>)<mo>&#x02212;</mo>"
)


# latex2mathml writes h' as <msup><mi>h</mi><mi>′</mi></msup>: a prime raised twice, which
# Chromium draws as a tiny accent. The prime character is raised already: keep it level.
_PRIME = re.compile(r"<msup>(<mi>[^<]*</mi>)<mi>((?:&#x0203[234];)+)</mi></msup>")


class MarkupError(ValueError):
    """A formula that latex2mathml cannot read, or left as LaTeX."""


def _styled_char(char: str, variant: str) -> str:
    """``char`` as the Unicode mathematical character of ``variant`` (or unchanged)."""
    if variant not in _VARIANTS:
        return char
    if char.isdigit():
        kind = f"DIGIT {unicodedata.name(char).split()[-1]}"
    elif char.isascii() and char.isalpha():
        kind = f"{'CAPITAL' if char.isupper() else 'SMALL'} {char.upper()}"
    else:
        return char
    for name in (f"MATHEMATICAL {_VARIANTS[variant]} {kind}", f"{_VARIANTS[variant]} {kind}"):
        try:
            return unicodedata.lookup(name)
        except KeyError:
            continue
    return char


def _core(mathml: str) -> str:
    """Bold and double-struck text as Unicode characters (MathML Core has no mathvariant)."""

    def restyle(m: re.Match[str]) -> str:
        tag, variant, text = m["tag"], m["variant"], m["text"]
        if variant == "normal":
            return m[0] if tag == "mi" else f"<{tag}>{text}</{tag}>"
        styled = "".join(_styled_char(c, variant) for c in text)
        # A styled letter is not italicised again (auto-italic applies to plain letters only).
        return f"<{tag}>{styled}</{tag}>"

    # A minus after an operator (not a closing fence) or at the start of a row is a sign, not a
    # subtraction: MathML Core spaces it as the latter unless told (MathJax guesses).
    mathml = _PRIME.sub(r'\1<mo form="postfix" lspace="0" rspace="0">\2</mo>', mathml)
    return _SIGN.sub(r'\g<before><mo form="prefix">&#x02212;</mo>', _STYLED.sub(restyle, mathml))


def formula(latex: str, display: bool = False) -> str:
    """One LaTeX formula as a MathML ``<math>`` element (``display`` for a block)."""
    try:
        mathml = latex_to_mathml(latex, display="block" if display else "inline")
    except Exception as e:  # latex2mathml raises several kinds on input it cannot read
        raise MarkupError(f"cannot convert the formula ${latex}$ to MathML: {e!r}") from e
    left = re.search(r">[^<]*\\[A-Za-z]+[^<]*<", mathml)
    if left is not None:
        raise MarkupError(f"the formula ${latex}$ has a command MathML lacks: {left[0][1:-1]}")
    return _core(mathml)


def _inline(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return formula(tokens[idx].content)


def _block(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return formula(tokens[idx].content, display=True) + "\n"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.use(dollarmath_plugin, allow_labels=False)
    # The bare <math> element, with no "math" class around it: a page's MathJax looks for
    # that class (the static site typesets its own TeX); this math needs no typesetting.
    md.add_render_rule("math_inline", _inline)
    md.add_render_rule("math_block", _block)
    return md


def to_html(markdown: str) -> str:
    """Markdown with dollar-delimited math (inline or display) as HTML with MathML (raw HTML escaped)."""
    return _parser().render(markdown).strip()
