"""The leak check of the student edition: does a built site give a solution or an answer away?

:func:`find_leaks` reads every text file of a built site (pages, widget state,
the search index, the downloadable notebooks) and looks for the solution blocks,
the text of every exercise's solution, every answer that is distinctive enough
to search for anywhere (and its rounded forms on the exercise's own page),
widget state that carries an answer, glue of solutions, and stored outputs of
the downloadable notebooks.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import exercises

#: Files of a built site that :func:`find_leaks` reads (others are images and fonts).
TEXT_SUFFIXES = {".html", ".js", ".json", ".ipynb", ".md", ".txt", ".inv", ".css", ".xml", ".py"}

#: Exercises whose book variant the chapter's own text works out, so that their answer
#: is on the page in both editions: the number is not searched for in page text (their
#: widgets, solutions and glue are checked like every exercise's). Key -> where the text
#: does it; a test fails when an entry is no longer needed. Better: make the chapter's
#: example and the exercise's seed-0 numbers differ (as chapter 1 does, x0 = 0.8 vs 1.5).
WORKED_IN_TEXT: dict[str, str] = {}


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
    hold for its own reasons (0.5, 40, "8, 18"), nor what the question says. A formula's
    answer is its text; a code exercise's, every line of its reference solution that is
    long enough to be its own and not in the starter code; a bug's is its explanation
    (and the line number, which only widget state could carry)."""
    shown = _shown(ex)
    if isinstance(ex, exercises.FormulaExercise):
        form = _norm(ex.formula)
        return [form] if len(form.replace(" ", "")) >= 8 and form not in shown else []
    if isinstance(ex, exercises.CodeExercise):
        given = {_norm(line).strip() for line in ex.template.splitlines()}
        lines = [_norm(line).strip() for line in ex.reference.splitlines()]
        return [x for x in lines if len(x) >= 20 and x not in given and x not in shown]
    if isinstance(ex, exercises.BugExercise):
        text = _norm(ex.explanation).strip()
        return [text] if len(text) >= 40 and text not in shown else []
    forms: list[str] = []
    if ex.size > 2 or _digits(ex.answer_text) >= 5:
        forms += [ex.answer_text, json.dumps(list(ex.answer)), "[" + ex.answer_text + "]"]
    forms += [r for a in ex.answer if _digits(r := repr(float(a))) >= 8]  # 0.7071067811865476
    return [f for f in forms if f not in shown]


def _page_forms(ex: exercises.Exercise) -> list[str]:
    """Rounded forms of an answer, searched for on the exercise's own page: integers from
    100 up (2410, 2,410), other numbers rounded to 3 to 6 digits with at least 3 of them
    significant (2.703, 0.8667), leaving out what the question and hints show."""
    forms: list[str] = []
    if ex.kind != "number":  # a line number or nothing: no rounded forms to look for
        return forms
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
        # A script's text is the JSON itself; an escaped copy (&quot;) is read unescaped.
        # Unescaping JSON that holds HTML (a solution's &quot;) would break it, so that
        # comes second, and a state that reads neither way is reported, never skipped.
        try:
            blob = json.loads(m[1])
        except json.JSONDecodeError:
            try:
                blob = json.loads(html.unescape(m[1]))
            except json.JSONDecodeError:
                states.append({"state": {UNREADABLE: True}})
                continue
        states += list(blob.get("state", {}).values())
    return states


#: Marks a saved widget state that is not JSON (reported as a leak: it cannot be checked).
UNREADABLE = "__unreadable__"

#: What an exercise widget's ``spec`` holds only in the book edition: field -> what it is.
SPEC_ANSWERS = {
    "formula": "its answer formula",
    "bug": "the number of its wrong line",
    "notes": "its notes on the wrong picks",
    "explanation": "the explanation of its bug",
    "reference": "a reference solution",
}

#: Markers of a solution block, in a page's source or a notebook.
SOLUTION_MARKERS = ("{solution}", "{solution-start}", 'class="solution', "Solution to Exercise")


@dataclass(frozen=True)
class _Search:
    """What :func:`find_leaks` looks for: the book's variants of the exercises, those
    whose answer the text works out anyway, and the glue names of their solutions."""

    books: list[exercises.Exercise]
    in_text: set[str]
    sol_names: set[str]


def _solutions(raw: str, text: str, search: _Search) -> Iterable[str]:
    """Solution blocks, glued solutions and pieces of a solution's text."""
    for marker in SOLUTION_MARKERS:
        if marker in raw:
            yield f"a solution block ({marker!r})"
    for name in search.sol_names:
        if re.search(rf"""glue\(\s*["']{re.escape(name)}["']""", text) or f'"{name}"' in raw:
            yield f"the glued solution {name!r}"
    for ex in search.books:
        piece = next((p for p in _fragments(ex) if p in text), None)
        if piece is not None:
            yield f"the solution of {ex.key}: {piece[:60]!r}"
        forms = [] if ex.key in search.in_text else _distinctive(ex)
        form = next((f for f in forms if f in text), None)
        if form is not None:
            yield f"the answer of {ex.key}: {form!r}"


def _widgets(raw: str, suffix: str, seen: dict[str, int]) -> tuple[list[str], set[str]]:
    """Exercise widgets that carry their answer, and the keys of every exercise widget
    (counted in ``seen["widgets"]``)."""
    whats: list[str] = []
    keys: set[str] = set()
    for state in _widget_states(raw, suffix):
        st = state.get("state", {})
        if isinstance(st, dict) and st.get(UNREADABLE):
            whats.append("widget state that cannot be read (so it cannot be checked)")
            continue
        if isinstance(st, dict) and "answer" in st and "key" in st:
            seen["widgets"] += 1
            keys.add(str(st["key"]))
            if st["answer"]:
                whats.append(f"the widget of {st['key']} carries its answer {st['answer']}")
            if st.get("solution_html"):
                whats.append(f"the widget of {st['key']} carries its worked solution")
            spec = st.get("spec") if isinstance(st.get("spec"), dict) else {}
            for field, what in SPEC_ANSWERS.items():
                if spec.get(field):
                    whats.append(f"the widget of {st['key']} carries {what}")
    return whats, keys


def _rounded(raw: str, suffix: str, on_page: set[str], search: _Search) -> Iterable[str]:
    """Shorter forms of an answer (2410, 2.703) in the text of the exercise's own page."""
    prose = _prose(raw, suffix) if on_page else ""
    for ex in search.books:
        if ex.key not in on_page or ex.key in search.in_text:
            continue
        for form in _page_forms(ex):
            m = re.search(rf"(?<![\d.]){re.escape(form)}(?!\d)", prose)
            if m is not None:
                context = prose[max(0, m.start() - 40) : m.end() + 10].strip()
                yield f"the answer of {ex.key} ({form}) is in the page's text: {context!r}"
                break


def _stored_outputs(raw: str) -> int:
    try:
        nb = json.loads(raw)
        return sum(len(c.get("outputs", [])) for c in nb.get("cells", []))
    except (json.JSONDecodeError, AttributeError):
        return 0


def _check_file(raw: str, suffix: str, search: _Search, seen: dict[str, int]) -> list[str]:
    """What one file of the site gives away."""
    whats = list(_solutions(raw, _readable(raw, suffix), search))
    widget_leaks, on_page = _widgets(raw, suffix, seen)
    whats += widget_leaks
    on_page |= set(re.findall(r"""exercises\.make\(\s*\\?["']([\w.-]+)""", raw))
    whats += _rounded(raw, suffix, on_page, search)
    if suffix == ".ipynb":
        seen["notebooks"] += 1
        outputs = _stored_outputs(raw)
        if outputs:
            whats.append(f"a downloadable notebook with {outputs} stored outputs")
    return whats


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
    search = _Search(
        [exercises.make(k, 0) for k in keys],
        set(WORKED_IN_TEXT if worked_in_text is None else worked_in_text),
        {k.replace(".", "_").replace("-", "_") + "_sol" for k in keys},
    )
    leaks: list[Leak] = []
    seen = {"files": 0, "widgets": 0, "notebooks": 0}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        if path.suffix not in TEXT_SUFFIXES:
            continue
        rel = path.relative_to(site).as_posix()
        raw = path.read_text(encoding="utf-8", errors="replace")
        seen["files"] += 1
        leaks += [Leak(rel, what) for what in _check_file(raw, path.suffix, search, seen)]
    return leaks, seen
