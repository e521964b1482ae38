"""Tests of backprop.widgets.markup: questions and solutions as HTML with MathML Core."""

from __future__ import annotations

import html.parser
import re

import pytest
from backprop import exercises as E
from backprop.widgets.markup import MarkupError, formula, to_html

KEYS = E.keys()
SEEDS = range(20)
MATH = re.compile(r"<math\b.*?</math>", re.S)


class _Text(html.parser.HTMLParser):
    """The text of some HTML outside its <math> elements, and the tags it uses."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.depth += tag == "math"

    def handle_endtag(self, tag):
        self.depth -= tag == "math"

    def handle_data(self, data):
        if not self.depth:
            self.text.append(data)


def parse(markup: str) -> _Text:
    p = _Text()
    p.feed(markup)
    p.close()
    return p


def formulas(markdown: str) -> int:
    """How many $...$ formulas a question or solution has (none uses $$ or a literal $)."""
    assert "$$" not in markdown and markdown.count("$") % 2 == 0
    return markdown.count("$") // 2


@pytest.mark.parametrize("key", KEYS)
def test_every_question_and_solution_converts_with_all_its_math(key):
    for seed in SEEDS:
        ex = E.make(key, seed)
        for what, text in (("question", ex.question), ("solution", ex.solution)):
            out = to_html(text)
            where = f"{key} seed {seed} {what}"
            # Every $...$ became one <math> element, and no TeX is left anywhere.
            assert len(MATH.findall(out)) == formulas(text), where
            # A code block (a solution's reference code) is code: no math in it.
            parsed = parse(re.sub(r"<pre><code[^>]*>.*?</code></pre>", "", out, flags=re.S))
            outside = "".join(parsed.text)
            assert "$" not in outside and "\\" not in outside, where
            for m in MATH.findall(out):
                assert not re.search(r">[^<]*\\[A-Za-z]", m), (where, m)
                # MathML Core renders mathvariant only as "normal" on <mi>.
                assert not re.search(r'mathvariant="(?!normal")', m), (where, m)
            assert set(parsed.tags) <= {"p", "code", "em", "strong", "math"} | MATHML, where
            assert set(parse(out).tags) <= {"p", "pre", "code", "em", "strong", "math"} | MATHML


MATHML = {
    "mrow", "mi", "mn", "mo", "msup", "msub", "msubsup", "mfrac", "mtable", "mtr", "mtd",
    "mstyle", "mtext", "mspace", "msqrt", "mover", "munder", "munderover",
}  # fmt: skip


def test_raw_html_in_the_text_is_escaped():
    out = to_html('Click <a href="x">here</a> <script>alert(1)</script> and <img src=x onerror=y>.')
    assert "<a" not in out and "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out and "&lt;img" in out
    assert "<math" not in to_html("no math here")


def test_formulas_are_math_core_elements():
    inline = formula(r"\frac{1}{2}")
    assert inline.startswith('<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">')
    assert "<mfrac>" in inline
    assert 'display="block"' in formula("x", display=True)
    assert 'display="block"' in to_html("Before.\n\n$$x^2$$\n\nAfter.")


def test_bold_and_double_struck_become_unicode_letters():
    assert "<mi>\U0001d41a</mi>" in formula(r"\mathbf a")  # MATHEMATICAL BOLD SMALL A
    assert "\U0001d7d9" in formula(r"\mathbb 1")  # MATHEMATICAL DOUBLE-STRUCK DIGIT ONE
    assert "\u211d" in formula(r"\mathbb R")  # DOUBLE-STRUCK CAPITAL R (letterlike block)
    assert 'mathvariant="normal"' in formula(r"\mathrm{ReLU}")  # upright: Core has that


def test_a_command_mathml_lacks_is_an_error_not_raw_tex():
    with pytest.raises(MarkupError, match=r"\\nosuchcommand"):
        formula(r"x \nosuchcommand y")
    with pytest.raises(MarkupError, match="cannot convert"):
        formula(r"\begin{bmatrix} 1")


def test_the_same_text_gives_the_same_html():
    ex = E.make("ch02.layer", 3)
    assert to_html(ex.question) == to_html(ex.question)


def test_a_minus_sign_is_a_prefix_and_a_subtraction_is_not():
    signs = formula("x = (2, -1), -3, a \\cdot (-0.5), [-1]")
    assert signs.count('<mo form="prefix">&#x02212;</mo>') == 4
    for minus in ("f(x) - y", "[a] - b", "y - t", "x^2 - 1"):
        assert 'form="prefix"' not in formula(minus), minus


@pytest.mark.parametrize(("latex", "prime"), [("h'(x)", "&#x02032;"), ("f''(z)", "&#x02033;")])
def test_a_prime_stays_level_beside_its_letter(latex, prime):
    # Not a superscript of a superscript (Chromium draws that as a tiny accent).
    html = formula(latex)
    assert "<msup>" not in html
    assert f'<mo form="postfix" lspace="0" rspace="0">{prime}</mo>' in html
