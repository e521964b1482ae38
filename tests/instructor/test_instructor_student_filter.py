"""Filtering the book's sources for the student edition: solution blocks of every kind,
the glue calls only they displayed, notebooks' outputs, and the text of the full edition
(``{only} not student_edition``) in place of the student edition's."""

from __future__ import annotations

import nbformat
import pytest
from backprop.instructor.student_filter import (
    filter_notebook,
    filter_tree,
    resolve_editions,
    strip_glue,
    strip_solutions,
)

SOURCE = """\
Before.

:::{exercise} Title
:label: ex-a

Question.
:::

:::{solution} ex-a
:class: dropdown

```{glue:md} a_sol
:format: myst
```

```python
# a code fence inside a solution
:::
```
:::

Between.

````{solution} ex-b
```{math}
x = 1
```
{glue:text}`b_val:.3f`
````

```{solution-start} ex-c
```
Gated text with $x = 42$.
```{code-cell}
print(42)
```
```{solution-end}
```

After.
"""


def test_strip_solutions_removes_every_kind_of_solution_block():
    out, names = strip_solutions(SOURCE)
    assert "solution" not in out and "42" not in out and "x = 1" not in out
    assert "a code fence" not in out
    for kept in ("Before.", ":::{exercise} Title", "Question.", "Between.", "After."):
        assert kept in out
    assert names == ["a_sol", "b_val"]
    assert strip_solutions("no blocks\n") == ("no blocks\n", [])
    with pytest.raises(ValueError, match="never closed"):
        strip_solutions(":::{solution} ex\ntext\n")
    with pytest.raises(ValueError, match="no {solution-end}"):
        strip_solutions("```{solution-start} ex\n```\ntext\n")


def test_strip_glue_removes_only_the_named_calls():
    src = 'ex = make("k")\nglue("k_q", ex.question, display=False)\nglue(\n    "k_sol",\n    ex.solution,\n)\nx = 1'
    out = strip_glue(src, ["k_sol"])
    assert out == 'ex = make("k")\nglue("k_q", ex.question, display=False)\nx = 1'
    # IPython syntax: one-line calls are still found.
    assert strip_glue('%matplotlib inline\nglue("k_sol", 1)\n', ["k_sol"]) == "%matplotlib inline\n"
    assert strip_glue(src, []) == src


def test_filter_notebook_strips_solutions_glue_and_outputs():
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell('glue("k_q", 1)\nglue("k_sol", 2)')
    code.outputs = [nbformat.v4.new_output("stream", text="the answer is 2")]
    only_sol = nbformat.v4.new_code_cell('glue("k_sol", 2)')
    nb.cells = [
        code,
        only_sol,
        nbformat.v4.new_markdown_cell(":::{solution} ex\n```{glue:md} k_sol\n```\n:::"),
        nbformat.v4.new_markdown_cell("Text."),
    ]
    nb.metadata["widgets"] = {"state": "with answers"}
    assert filter_notebook(nb) == 1
    assert [c.source for c in nb.cells] == ['glue("k_q", 1)\n', "Text."]
    assert nb.cells[0].outputs == [] and "widgets" not in nb.metadata


EDITIONS = """\
Both editions.

:::{only} not student_edition
Press **Check**; **Show the solution** opens the worked solution.

```python
:::
```
:::

:::{only} student_edition
Your answers are checked in class.

```{note}
Nested.
```
:::

::::{only} html
Left to Sphinx.
::::

After.
"""


def test_resolve_editions_keeps_the_student_side_of_each_pair():
    out = resolve_editions(EDITIONS)
    assert "Show the solution" not in out and "**Check**" not in out
    assert "Your answers are checked in class." in out and "```{note}\nNested.\n```" in out
    assert "student_edition" not in out  # no directive left around the kept text
    assert "::::{only} html\nLeft to Sphinx.\n::::" in out  # other expressions: Sphinx's
    assert out.startswith("Both editions.\n") and out.endswith("After.\n")
    assert "\n\n\n" not in out
    assert resolve_editions(out) == out
    with pytest.raises(ValueError, match="never closed"):
        resolve_editions(":::{only} student_edition\nno end\n")


def test_filter_notebook_and_tree_resolve_the_editions(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(EDITIONS)])
    filter_notebook(nb)
    assert "Show the solution" not in nb.cells[0].source
    assert "checked in class" in nb.cells[0].source
    (tmp_path / "page.md").write_text(EDITIONS, encoding="utf-8")
    filter_tree(tmp_path)
    assert (tmp_path / "page.md").read_text(encoding="utf-8") == resolve_editions(EDITIONS)
