"""The reader notebooks (tools/reader_notebooks.py): MyST turned into markdown that Jupyter
and Colab render, with every glued value pasted in.

The first part checks the conversion on small notebooks made here; the second converts the
book itself and checks that no MyST is left and that every glued number in the prose is the
stored glue output formatted as the website formats it (myst-nb's ``format_plain_text``).
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import nbformat
import pytest
from myst_nb.core.variables import format_plain_text
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools import reader_notebooks as rn
from tools.colab_cells import install_cell

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://example.github.io/book/"
MD = rn.md_parser(rn.book_config(ROOT))
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()


def glue_output(name: str, **data: str) -> nbformat.NotebookNode:
    return new_output(
        "display_data",
        data={rn.GLUE_PREFIX + mime.replace("_", "/"): v for mime, v in data.items()},
        metadata={"scrapbook": {"mime_prefix": rn.GLUE_PREFIX, "name": name}},
    )


def notebook(*markdown: str, glue: list | None = None, code: list | None = None):
    cell = new_code_cell("glue(...)", outputs=glue or [])
    return new_notebook(cells=[cell, *(code or []), *(new_markdown_cell(m) for m in markdown)])


def convert(*markdown: str, glue=None, code=None, student=False, targets=None):
    nb = notebook(*markdown, glue=glue, code=code)
    out, warnings = rn.convert_notebook(nb, "chapters/02_x", SITE, MD, targets or {}, student)
    return [c.source for c in out.cells if c.cell_type == "markdown"], out, warnings


GLUE = [
    glue_output("err", text_plain="0.000123456"),
    glue_output("n", text_plain="12345"),
    glue_output("vec", text_plain="'(0.5, -1)'"),
    glue_output("q", text_markdown="Compute $x^2$ for {glue:text}`n:,`.", text_plain="<md>"),
    glue_output("fig", image_png=PNG, text_plain="<Figure>"),
]


# ---------------------------------------------------------------- glue


@pytest.mark.parametrize(
    "role, expected",
    [
        ("{glue:text}`err:.1e`", "1.2e-04"),
        ("{glue:text}`err:.3f`", "0.000"),
        ("{glue:text}`err`", "0.000123456"),
        ("{glue:text}`n:,`", "12,345"),
        ("{glue:text}`n:d`", "12345"),
        ("{glue:text}`vec`", "(0.5, -1)"),
    ],
)
def test_glue_text_is_the_value_formatted_as_the_website_does(role, expected):
    [md], _, _ = convert(f"They differ by {role} here.", glue=GLUE)
    assert md == f"They differ by {expected} here."


def test_glue_markdown_directive_is_pasted_and_its_myst_converted():
    [md], _, _ = convert("Before.\n\n```{glue:md} q\n:format: myst\n```\n\nAfter.", glue=GLUE)
    assert md == "Before.\n\nCompute $x^2$ for 12,345.\n\nAfter."


def test_glue_figure_role_and_directive_embed_the_stored_image():
    [role, directive], _, _ = convert(
        "See {glue}`fig`.", "```{glue:figure} fig\n:alt: a curve\n\nThe *caption*.\n```", glue=GLUE
    )
    assert role == f"See ![fig](data:image/png;base64,{PNG})."
    assert directive == f"![a curve](data:image/png;base64,{PNG})\n\n*The *caption*.*"


def test_a_missing_glue_key_says_which_and_what_to_do():
    with pytest.raises(rn.ConversionError, match=r"no glue output named 'nope'.*execute"):
        convert("{glue:text}`nope`", glue=GLUE)


def test_glue_kept_beside_a_built_notebook_is_used():
    # A build's executed copy (jupyter_execute/<doc>.ipynb) keeps its glue outputs in
    # <doc>.glue.json, not in its cells: the student edition's site reads those.
    kept = {"n": {"output_type": "display_data", "data": {"text/plain": "12345"}}}
    nb = notebook("There are {glue:text}`n` of them.")
    out, _ = rn.convert_notebook(nb, "chapters/02_x", SITE, MD, {}, False, kept)
    assert [c.source for c in out.cells if c.cell_type == "markdown"] == [
        "There are 12345 of them."
    ]


def test_pasted_text_escapes_markdown():
    [md], _, _ = convert(
        "| a |\n|--|\n| {glue:text}`v` |", glue=[glue_output("v", text_plain="'a|b*c'")]
    )
    assert md.splitlines()[2] == r"| a\|b\*c |"


# ---------------------------------------------------------------- roles


def test_doc_links_point_at_the_website_pages():
    [md], _, _ = convert(
        "See {doc}`chapter 5 <05_gradient_descent>`, {doc}`../appendices/notation` and "
        "{doc}`/intro`.",
        targets={"doc:appendices/notation": rn.Target("appendices/notation", "", "Notation")},
    )
    assert md == (
        f"See [chapter 5]({SITE}chapters/05_gradient_descent.html), "
        f"[Notation]({SITE}appendices/notation.html) and [intro]({SITE}intro.html)."
    )


def test_ref_eq_and_math_roles():
    targets = {
        "sec-x": rn.Target("chapters/03_y", "sec-x", "The section"),
        "eq-loss": rn.Target("chapters/03_y", "equation-eq-loss", "eq-loss"),
    }
    [md], _, warnings = convert(
        "{ref}`sec-x`, {ref}`that <sec-x>`, {eq}`eq-loss`, {math}`a^2` and {ref}`missing`.",
        targets=targets,
    )
    url = f"{SITE}chapters/03_y.html"
    assert md == (
        f"[The section]({url}#sec-x), [that]({url}#sec-x), [(eq-loss)]({url}#equation-eq-loss), "
        "$a^2$ and missing."
    )
    assert warnings == ["chapters/02_x: unknown label 'missing' in {ref}"]


def test_roles_and_directives_in_code_are_left_alone():
    source = "Write `{glue:text}`x`` in code.\n\n```python\n:::{note}\n{doc}`a`\n```"
    [md], _, _ = convert(source)
    assert md == source


# ---------------------------------------------------------------- directives


def test_admonition_is_a_blockquote_with_a_bold_title_and_math_survives():
    [md], _, _ = convert(
        "```{note}\nThe value is {glue:text}`n:,`.\n\n$$\nx = 1\n$$\n```", glue=GLUE
    )
    assert md == "> **Note**\n>\n> The value is 12,345.\n>\n> $$\n> x = 1\n> $$"


def test_titled_admonition_and_dropdown():
    [titled, dropdown], _, _ = convert(
        ":::{admonition} Watch *out*\nText.\n:::", ":::{tip}\n:class: dropdown\nHidden.\n:::"
    )
    assert titled == "> **Watch *out***\n>\n> Text."
    assert dropdown == "<details>\n<summary><b>Tip</b></summary>\n\nHidden.\n\n</details>"


EXERCISE = (
    ":::{exercise} A forward pass\n:label: ex-a\n\n```{glue:md} q\n:format: myst\n```\n\n"
    "Type your answer below.\n:::"
)
SOLUTION = ":::{solution} ex-a\n:class: dropdown\n\nThe answer is {glue:text}`n`.\n:::"


def test_exercise_and_solution_colon_fences():
    [ex, sol, ref], _, _ = convert(
        EXERCISE,
        SOLUTION,
        "See {ref}`ex-a`.",
        glue=GLUE,
        targets={"ex-a": rn.Target("chapters/02_x", "ex-a", "A forward pass")},
    )
    assert ex == (
        '> <a id="ex-a"></a>**Exercise 1 (A forward pass)**\n>\n'
        "> Compute $x^2$ for 12,345.\n>\n> Type your answer below."
    )
    assert (
        sol
        == "<details>\n<summary>Solution to Exercise 1</summary>\n\nThe answer is 12345.\n\n</details>"
    )
    assert ref == f"See [Exercise 1]({SITE}chapters/02_x.html#ex-a)."


def test_student_edition_drops_the_solutions_and_every_stored_output():
    code = [
        new_code_cell("ex.widget()", outputs=[new_output("stream", text="x")], execution_count=3)
    ]
    mds, out, _ = convert(EXERCISE, SOLUTION, glue=GLUE, code=code, student=True)
    assert len(mds) == 1 and "Exercise 1" in mds[0] and "12345" not in mds[0]
    assert all(
        c.outputs == [] and c.execution_count is None for c in out.cells if c.cell_type == "code"
    )


def test_only_blocks_show_the_side_of_the_notebooks_edition():
    text = (
        "Both.\n\n:::{only} not student_edition\nPress **Check**.\n:::\n\n"
        ":::{only} student_edition\nChecked in class.\n:::\n"
    )
    (book,), _, warnings = convert(text)
    assert "Press **Check**." in book and "Checked in class" not in book
    assert "only" not in book and ":::" not in book and not warnings
    (student,), _, _ = convert(text, student=True)
    assert "Checked in class." in student and "Check**" not in student


def test_gated_exercise_and_markdown_solution_become_one_details_cell():
    mds, _, _ = convert(
        "::::{exercise-start} Gated\n:label: ex-g\n::::\n\nThe question.",
        ":::{exercise-end}\n:::",
        ":::{solution-start} ex-g\n:::\n\nFirst part.",
        "Second part with {glue:text}`n:,`.\n\n:::{solution-end}\n:::\n\nAfter.",
        glue=GLUE,
    )
    assert mds == [
        '<a id="ex-g"></a>**Exercise 1**\n\nThe question.',
        "<details>\n<summary>Solution to Exercise 1</summary>\n\n"
        "First part.\n\nSecond part with 12,345.\n\n</details>",
        "After.",
    ]


def test_gated_solution_with_code_keeps_the_code_under_a_heading():
    nb = new_notebook(
        cells=[
            new_markdown_cell(":::{exercise-start}\n:label: ex-c\n:::\nQ?\n:::{exercise-end}\n:::"),
            new_markdown_cell(":::{solution-start} ex-c\n:::"),
            new_code_cell("x = 1"),
            new_markdown_cell(":::{solution-end}\n:::"),
        ]
    )
    out, _ = rn.convert_notebook(nb, "chapters/x", SITE, MD)
    assert [(c.cell_type, c.source) for c in out.cells] == [
        ("markdown", '<a id="ex-c"></a>**Exercise 1**\nQ?'),
        ("markdown", "**Solution to Exercise 1**"),
        ("code", "x = 1"),
    ]
    student, _ = rn.convert_notebook(nb, "chapters/x", SITE, MD, student=True)
    assert [c.cell_type for c in student.cells] == ["markdown"]


def test_figure_math_directive_targets_and_comments():
    [md], _, _ = convert(
        "(sec-a)=\n## Title\n\n% a comment\n\n```{figure} img/a.png\n:alt: A plot\n\nIts caption.\n```\n\n"
        "```{math}\n:label: eq-b\nx = 2\n```\n\n$$\ny = 3\n$$ (eq-c)"
    )
    assert md == (
        '<a id="sec-a"></a>\n## Title\n\n![A plot](img/a.png)\n\n*Its caption.*\n\n'
        '<a id="equation-eq-b"></a>\n\n$$\nx = 2\n$$\n\n<a id="equation-eq-c"></a>\n\n$$\ny = 3\n$$'
    )


def test_directive_inside_a_list_item_keeps_its_indentation():
    [md], _, _ = convert("- item\n\n  ```{note}\n  Inside.\n  ```\n- next")
    assert md == "- item\n\n  > **Note**\n  >\n  > Inside.\n- next"


# ---------------------------------------------------------------- cells


def test_cells_by_tag():
    code = [
        new_code_cell("gone", metadata={"tags": ["remove-cell"]}),
        new_code_cell("ex.widget()", metadata={"tags": ["remove-input"]}),
        new_code_cell("setup", metadata={"tags": ["hide-input"]}),
        new_code_cell(
            "noisy", metadata={"tags": ["remove-output"]}, outputs=[new_output("stream", text="x")]
        ),
    ]
    _, out, _ = convert("text", glue=GLUE + [new_output("stream", text="kept\n")], code=code)
    cells = [c for c in out.cells if c.cell_type == "code"]
    assert [c.source for c in cells] == ["glue(...)", "ex.widget()", "setup", "noisy"]
    assert cells[0].outputs == [new_output("stream", text="kept\n")]  # glue records dropped
    assert [c.metadata.get("jupyter", {}).get("source_hidden") for c in cells] == [
        None,
        True,
        True,
        None,
    ]
    assert cells[3].outputs == []


# ---------------------------------------------------------------- configuration


def test_site_url(monkeypatch):
    monkeypatch.delenv("BOOK_SITE_URL", raising=False)
    config = {"repository": {"url": "https://github.com/Some-Org/my-book"}}
    assert rn.site_url(config) == "https://some-org.github.io/my-book/"
    assert rn.pages_url("https://github.com/me/me.github.io") == "https://me.github.io/"
    assert (
        rn.site_url({**config, "html": {"baseurl": "https://book.example.org"}})
        == "https://book.example.org/"
    )
    monkeypatch.setenv("BOOK_SITE_URL", "https://env.example.org/b/")
    assert rn.site_url(config) == "https://env.example.org/b/"
    assert rn.site_url(config, "https://cli.example.org") == "https://cli.example.org/"
    with pytest.raises(rn.ConversionError, match="html.baseurl"):
        rn.pages_url("https://gitlab.com/a/b")


def test_binder_requirements_install_the_library_from_the_repository():
    text = rn.binder_requirements(ROOT, "abc123")
    repo = rn.book_config(ROOT)["repository"]["url"].rstrip("/")
    assert f"backprop-book @ git+{repo}@abc123" in text.splitlines()
    assert "-e ." not in text and "-c constraints.txt" in text.splitlines()


# ---------------------------------------------------------------- the book itself


@pytest.fixture(scope="module")
def book():
    notebooks, _ = rn.convert_book(ROOT, site=SITE)
    return notebooks


MYST = re.compile(
    r"\{glue|:::\{|```\{|\{doc\}|\{ref\}|\{numref\}|\{eq\}|\{math\}|\{[a-z-]+:[a-z-]*\}`"
)
GLUE_ROLE = re.compile(r"\{glue:text\}`([^`]+)`")


def test_every_notebook_page_is_converted(book):
    assert set(book) == set(rn.toc_notebooks(ROOT)) and any(d.startswith("chapters/") for d in book)


def test_no_myst_syntax_is_left(book):
    for doc, nb in book.items():
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown":
                assert not MYST.search(cell.source), f"{doc} cell {i}: {MYST.search(cell.source)}"
                assert "\x00" not in cell.source


def _stored_glue(nb):
    """The test's own reading of the stored glue outputs: name -> text/plain."""
    values = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                values[name] = out["data"].get(rn.GLUE_PREFIX + "text/plain")
    return values


def test_every_glued_number_in_the_prose_is_the_stored_value(book):
    checked = 0
    for doc, reader in book.items():
        source = nbformat.read(ROOT / f"{doc}.ipynb", as_version=4)
        values = _stored_glue(source)
        sources = [
            c for c in source.cells if c.cell_type == "markdown" and GLUE_ROLE.search(c.source)
        ]
        prose = "\n".join(c.source for c in reader.cells if c.cell_type == "markdown")
        at = 0
        for cell in sources:
            for spec in GLUE_ROLE.findall(cell.source):
                key, _, fmt = spec.rpartition(":") if ":" in spec else (spec, "", "")
                expected = format_plain_text(values[key], fmt)
                found = prose.find(expected, at)
                assert found >= 0, (
                    f"{doc}: {{glue:text}}`{spec}` = {expected!r} not in the prose (in order)"
                )
                at = found + len(expected)
                checked += 1
    assert checked >= 100


def test_glued_questions_are_in_the_exercises(book):
    for doc, reader in book.items():
        source = nbformat.read(ROOT / f"{doc}.ipynb", as_version=4)
        prose = "\n".join(c.source for c in reader.cells if c.cell_type == "markdown")
        for cell in source.cells:
            for out in cell.get("outputs", []):
                md = out.get("data", {}).get(rn.GLUE_PREFIX + "text/markdown")
                name = out.get("metadata", {}).get("scrapbook", {}).get("name", "")
                if md and name.endswith("_q") and f"{{glue:md}} {name}" in _markdown(source):
                    first = md.strip().splitlines()[0]
                    if "{" not in first:
                        assert first in prose, f"{doc}: the question {name} is missing"


def _markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_chapters_keep_the_colab_install_cell(book):
    for doc, nb in book.items():
        if doc.startswith("chapters/"):
            first = next(c for c in nb.cells if c.cell_type == "code")
            assert first.source == install_cell(), doc


def test_a_value_the_format_cannot_take_says_which():
    glue = [glue_output("x", text_plain="np.float64(0.5)")]
    with pytest.raises(
        rn.ConversionError, match=r"glue 'x' = 'np.float64\(0.5\)' cannot be formatted with '.2f'"
    ):
        convert("{glue:text}`x:.2f`", glue=glue)
