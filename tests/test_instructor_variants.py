"""Per-student variants (HMAC seeds, 100 seeds of every exercise), rosters, the student
edition's widgets, and the filtering and leak check behind the student edition."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from backprop import exercises as E
from backprop.instructor import chapter_keys, read_roster, variant, variant_seed
from backprop.instructor.student_edition import (
    filter_notebook,
    find_leaks,
    prepare,
    strip_glue,
    strip_solutions,
)
from backprop.instructor.variants import SEED_RANGE, Student, fingerprint, safe_name

ROOT = Path(__file__).resolve().parent.parent
KEYS = E.keys()
SEEDS = range(1, 101)
IDS = [f"student{i:03d}" for i in range(100)]


# ---- seeds from HMAC-SHA256(secret, id + key) -------------------------------------


def test_a_students_seed_is_the_hmac_of_id_and_key():
    key = "ch05.update-step"
    digest = hmac.new(b"s3cret", b"ada\x1fch05.update-step", hashlib.sha256).digest()
    expected = 1 + int.from_bytes(digest[:8], "big") % SEED_RANGE
    # The derived seed is used unless it happens to give the book's own question.
    if E.make(key, expected).question != E.make(key, 0).question:
        assert variant_seed("s3cret", "ada", key) == expected


def test_the_same_id_always_gets_the_same_variant_and_the_secret_matters():
    key = "ch04.one-unit"
    a = variant("s3cret", "ada", key)
    assert variant("s3cret", "ada", key).question == a.question
    assert variant("s3cret", "ada", key).answer == a.answer
    seeds = {variant_seed(secret, "ada", key) for secret in ("s3cret", "other", "s3cret2")}
    assert len(seeds) == 3
    assert variant_seed("s3cret", "ada", key) != variant_seed("s3cret", "bob", key)
    # The seed depends on the exercise too, so one variant says nothing of another.
    assert variant_seed("s3cret", "ada", key) != variant_seed("s3cret", "ada", "ch04.mask")


def test_variant_seed_rejects_an_empty_secret_or_id():
    with pytest.raises(ValueError, match="secret"):
        variant_seed("", "ada", "ch05.steepest")
    with pytest.raises(ValueError, match="student id"):
        variant_seed("x", "", "ch05.steepest")


@pytest.mark.parametrize("key", KEYS)
def test_hmac_variants_are_never_the_books(key):
    book = E.make(key, 0).question
    for sid in IDS:
        seed = variant_seed("course-secret", sid, key)
        assert 1 <= seed <= SEED_RANGE
        ex = E.make(key, seed)
        assert ex.question != book, (key, sid)
        assert ex.check(ex.answer).correct


# ---- 100 seeds of every exercise ----------------------------------------------------


@pytest.mark.parametrize("key", KEYS)
def test_100_seeds_give_valid_distinct_non_degenerate_exercises(key):
    book = E.make(key, 0)
    questions = set()
    for seed in SEEDS:
        ex = E.make(key, seed)
        # Valid: the right key and seed, reproducible, readable text.
        assert ex.key == key and ex.seed == seed
        again = E.make(key, seed)
        assert (again.question, again.answer) == (ex.question, ex.answer)
        assert ex.question.strip() and ex.solution.strip() and ex.prompt.strip()
        assert ex.size == book.size  # the same kind of answer as the book's
        for word in ("nan", "inf", "None"):
            assert word not in ex.question.replace("\\inf", ""), (key, seed, ex.question)
        a = np.asarray(ex.answer)
        assert np.all(np.isfinite(a)) and np.all(np.abs(a) < 1e6), (key, seed, ex.answer)
        # The stored answer passes its own check, as numbers and as typed text.
        assert ex.check(ex.answer).correct, (key, seed)
        assert ex.check(list(ex.answer)).correct
        assert ex.check(ex.answer_text).correct, (key, seed, ex.answer_text)
        assert E.check_answer(ex.answer_text, ex.answer, ex.rtol, ex.atol).correct
        # Non-degenerate: zeros are not the answer, and neither is a sign slip or a
        # clearly wrong number.
        assert np.any(a != 0), (key, seed)
        assert not ex.check([0.0] * ex.size).correct, (key, seed)
        assert not ex.check(-a).correct, (key, seed)
        assert not ex.check(a + 10 * (1 + np.abs(a))).correct, (key, seed)
        questions.add(ex.question)
    # Distinct: students mostly get numbers of their own (and never the book's: a seed
    # that repeats the book's question is skipped, see test_hmac_variants_are_never_the_books).
    assert len(questions) >= 50, (key, len(questions))


# ---- rosters, chapters, file names ----------------------------------------------------


def test_read_roster_accepts_the_usual_layouts(tmp_path):
    p = tmp_path / "r.csv"
    p.write_text("\ufeffUsername,Name\nada,Ada Lovelace\n\n bo ,Bo\n", encoding="utf-8")
    assert read_roster(p) == [Student("ada", "Ada Lovelace"), Student("bo", "Bo")]
    p.write_text("email\nada@example.org\n", encoding="utf-8")
    assert read_roster(p) == [Student("ada@example.org", "")]
    example = read_roster(ROOT / "examples" / "roster.csv")
    assert len(example) >= 3 and all(s.student_id for s in example)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name\nAda\n", "needs a header row"),
        ("student_id\nada\nada\n", "appears twice"),
        ("student_id,name\n,Ada\n", "student id is empty"),
        ("student_id\n", "lists no students"),
    ],
)
def test_read_roster_errors_say_what_is_wrong(tmp_path, text, message):
    p = tmp_path / "r.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_roster(p)


def test_chapter_keys():
    assert chapter_keys([5]) == [k for k in KEYS if k.startswith("ch05.")]
    assert chapter_keys(["ch05", "5", 4]) == chapter_keys([5]) + chapter_keys([4])
    with pytest.raises(ValueError, match="chapter 99 has no exercises"):
        chapter_keys([99])
    with pytest.raises(ValueError, match="a chapter is a number"):
        chapter_keys(["five"])


def test_safe_name_and_fingerprint():
    assert safe_name("ada.l") == "ada.l"
    assert safe_name("../etc/passwd") == "_etc_passwd"
    assert "/" not in safe_name("a/b") and safe_name("...") == "student"
    v = [variant("s", "ada", "ch05.steepest")]
    assert fingerprint("ada", v) == fingerprint("ada", v)
    assert fingerprint("ada", v) != fingerprint("bo", v)
    assert fingerprint("ada", v) != fingerprint("ada", [variant("s", "bo", "ch05.steepest")])


# ---- the student edition's widgets ----------------------------------------------------


def test_student_edition_widgets_carry_no_answer(monkeypatch):
    ex = E.make("ch05.update-step")
    monkeypatch.setenv(E.STUDENT_EDITION_ENV, "1")
    assert E.student_edition()
    w = ex.widget()
    assert w.answer == [] and w.student
    state = json.dumps(w.get_state(), default=str)
    assert "0.68" not in state and "0.19" not in state  # the answer is (0.68, 0.19)
    fb = w.submit(ex.answer_text)
    assert fb.message == E.CHECKED_IN_CLASS and not fb.correct
    assert w.message == E.CHECKED_IN_CLASS and w.verdict == ""
    monkeypatch.setenv(E.STUDENT_EDITION_ENV, "0")
    full = ex.widget()
    assert full.answer == list(ex.answer) and full.submit(ex.answer_text).correct


def test_the_javascript_says_the_same_when_there_is_no_answer():
    js = (ROOT / "lib" / "backprop" / "exercise_widget.js").read_text(encoding="utf-8")
    assert f'"{E.CHECKED_IN_CLASS}"' in js
    assert "answer.length === 0" in js


# ---- filtering the sources --------------------------------------------------------------


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


def test_prepare_copies_and_filters_the_book(tmp_path):
    removed = prepare(ROOT, tmp_path / "book")
    book = tmp_path / "book"
    assert removed >= 10
    assert not (book / "_build").exists() and not (book / ".venv").exists()
    assert "student edition" in (book / "_config.yml").read_text()
    assert "binderhub_url" not in (book / "_config.yml").read_text()
    for nb_path in book.rglob("*.ipynb"):
        nb = nbformat.read(nb_path, as_version=4)
        for cell in nb.cells:
            assert "{solution" not in cell.source, nb_path
            assert not re.search(r"""glue\(\s*["']\w+_sol["']""", cell.source), nb_path
            assert not cell.get("outputs"), nb_path
    assert "student edition" in (book / "intro.md").read_text()


# ---- the leak check must find leaks ---------------------------------------------------


def _site(tmp_path, html):
    site = tmp_path / "site"
    (site / "chapters").mkdir(parents=True)
    (site / "chapters" / "page.html").write_text(html, encoding="utf-8")
    return site


def _widget_html(answer, key="ch05.steepest"):
    state = {"state": {"m1": {"model_name": "AnyModel", "state": {"key": key, "answer": answer}}}}
    return (
        '<script type="application/vnd.jupyter.widget-state+json">'
        + json.dumps(state)
        + "</script>"
    )


def test_find_leaks_passes_a_clean_site(tmp_path):
    ex = E.make("ch05.steepest")
    site = _site(tmp_path, f"<p>{ex.question}</p>" + _widget_html([]))
    leaks, seen = find_leaks(site, ["ch05.steepest"])
    assert leaks == [] and seen["widgets"] == 1 and seen["files"] == 1


@pytest.mark.parametrize(
    "make_html",
    [
        lambda ex: _widget_html(list(ex.answer), ex.key),
        lambda ex: f"<div>{ex.solution}</div>",
        lambda ex: f"<p>The answer is {ex.answer_text}.</p>",
        lambda ex: '<div class="solution dropdown admonition">…</div>',
        lambda ex: "Search.setIndex({'alltitles': {'Solution to Exercise 1': []}})",
    ],
    ids=["widget-state", "solution-text", "answer", "solution-block", "search-index"],
)
def test_find_leaks_finds_each_kind_of_leak(tmp_path, make_html):
    # An answer with digits enough to search for: (0.11419519938459449, 2.1698460195562856).
    ex = E.make("ch07.softmax-loss")
    leaks, _ = find_leaks(_site(tmp_path, make_html(ex)), [ex.key])
    assert leaks, make_html(ex)


def test_find_leaks_skips_short_answers_and_what_the_question_shows(tmp_path):
    # "-0.6, 0.8" could be on any page; the question's own numbers are shown on purpose.
    ex = E.make("ch05.steepest")
    site = _site(tmp_path, f"<p>{ex.answer_text}</p><p>{ex.question}</p>")
    assert find_leaks(site, [ex.key])[0] == []
    # An exercise the text works out: its number is allowed in the text, not in a widget.
    ex = E.make("ch01.composite")
    site = _site(tmp_path / "b", f"<p>{ex.answer[0]!r}</p>")
    assert find_leaks(site, [ex.key], worked_in_text=[ex.key])[0] == []
    assert find_leaks(site, [ex.key], worked_in_text=[])[0]
    (site / "chapters" / "page.html").write_text(_widget_html(list(ex.answer), ex.key))
    assert find_leaks(site, [ex.key], worked_in_text=[ex.key])[0]


def test_find_leaks_finds_a_rounded_answer_on_the_exercises_own_page(tmp_path):
    ex = E.make("ch07.params")  # 1210 parameters
    page = _widget_html([], ex.key) + "<p>The network has <b>1210</b> parameters.</p>"
    site = _site(tmp_path, page)
    [leak] = find_leaks(site, [ex.key], worked_in_text=[])[0]
    assert "the answer of ch07.params (1210) is in the page's text" in leak.what
    assert find_leaks(site, [ex.key], worked_in_text=[ex.key])[0] == []
    # On a page without that exercise the number may be anything.
    other = _site(tmp_path / "other", "<p>1210 parameters</p>")
    assert find_leaks(other, [ex.key], worked_in_text=[])[0] == []
    # Rounded decimals too: ch07.softmax-loss is (0.1142, 2.170) to 4 digits.
    ex = E.make("ch07.softmax-loss")
    site = _site(tmp_path / "c", _widget_html([], ex.key) + "<p>p = 0.1142</p>")
    assert find_leaks(site, [ex.key], worked_in_text=[])[0]


def test_find_leaks_reads_notebooks(tmp_path):
    ex = E.make("ch05.steepest")
    site = _site(tmp_path, "")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell('glue("ch05_steepest_sol", Markdown(ex.solution))')
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": ex.solution})]
    nb.cells = [cell]
    nbformat.write(nb, site / "chapters" / "page.ipynb")
    leaks, seen = find_leaks(site, ["ch05.steepest"])
    whats = " | ".join(lk.what for lk in leaks)
    assert seen["notebooks"] == 1
    assert "glued solution" in whats and "stored outputs" in whats and "solution of" in whats


def test_the_check_command_exits_1_on_leaks_and_0_on_a_clean_site(tmp_path, capsys):
    from backprop.instructor.cli import main

    ex = E.make("ch05.steepest")
    clean = _site(tmp_path / "clean", _widget_html([]))
    assert main(["student-edition", "--check", str(clean)]) == 0
    assert "0 leaks" in capsys.readouterr().err
    leaky = _site(tmp_path / "leaky", _widget_html(list(ex.answer)))
    assert main(["student-edition", "--check", str(leaky)]) == 1
    err = capsys.readouterr().err
    assert "carries its answer" in err and "1 leaks" in err.splitlines()[-1]
