"""``grade --feedback`` and ``grade --report``: a page per student, and one for the class.

Every page is a single HTML file readable offline: inline CSS, no script, no font or
image to download. The math of the questions and solutions is MathML (made by
:func:`backprop.widgets.markup.to_html`), or the plain text with its LaTeX if that
converter cannot be imported. Each student's page shows every question as that
student saw it (their variant, ``backprop.exercises.make(key, seed)`` with the seed
of the key), the answer the grader read, the right answer and the worked solution
for their numbers. Whatever a student wrote is escaped (:func:`html.escape`).

The class report gives, per exercise, the share of students right and the most
common wrong answers, each with the slip it matches where one is recognised: the
wrong value :math:`w` equals the right one :math:`a` times a factor :math:`r`
(:math:`w = r\\,a` entry by entry) with :math:`r` one of :data:`SLIPS`; then each
student's total, with a histogram of the totals. The plots are inline SVG written
here (no plotting library, no external file), the same bytes for the same grades.

A mark is the share of an exercise earned (partial credit for answers of several
numbers): the report counts full marks and plots the mean mark per exercise.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ..exercises import Exercise, make, parse_answer
from .key import StudentKey
from .results import Result, mark_text
from .variants import safe_name

#: Factors r with w = r a that name a common slip, and the slip's name.
SLIPS: dict[float, str] = {
    2.0: "a factor 2 too many (twice the answer)",
    0.5: "a factor 1/2 (half the answer)",
    -1.0: "the sign flipped",
    -2.0: "the sign flipped and a factor 2",
    -0.5: "the sign flipped and a factor 1/2",
}
for _n in range(3, 11):
    SLIPS[float(_n)] = f"a factor {_n} too many (a sum instead of a mean of {_n}?)"
    SLIPS[1 / _n] = f"off by a factor 1/{_n} (a mean instead of a sum of {_n}?)"

_CSS = """
body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
.right{color:#1a7f37}.wrong{color:#b42318}.part{color:#9a6700}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;
text-align:left;vertical-align:top}
.box{background:#f6f8fa;border-left:4px solid #ccc;padding:.3rem .8rem;margin:.4rem 0}
code{font-family:ui-monospace,monospace}.bar{white-space:nowrap}
"""


def _markup(text: str) -> str:
    """Markdown with LaTeX as HTML with MathML; without the converter, escaped text."""
    try:
        from ..widgets.markup import to_html
    except ImportError:  # pragma: no cover - the converter's dependencies are missing
        return f"<p>{html.escape(text)}</p>"
    return to_html(text)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
        f"<body>\n{body}\n</body></html>\n"
    )


def _variant(key: str, seed: int) -> Exercise | None:
    try:
        return make(key, seed)
    except ValueError:
        return None


def feedback_page(result: Result, sk: StudentKey, title: str = "Assignment") -> str:
    """One student's page: per exercise their question, answer, mark, the right answer
    and the worked solution for their numbers."""
    who = sk.student_id + (f" ({sk.name})" if sk.name else "")
    parts = [
        f"<h1>{html.escape(title)}: feedback</h1>",
        f"<p>Student: <strong>{html.escape(who)}</strong>. "
        f"Total: <strong>{mark_text(result.total)} / {result.max}</strong>.</p>",
    ]
    if result.problems:
        items = "".join(f"<li>{html.escape(p)}</li>" for p in result.problems)
        parts.append(f"<p>About your submission:</p><ul>{items}</ul>")
    for i, it in enumerate(sk.items, start=1):
        ex = _variant(it.key, it.seed)
        head = f"Exercise {i}" + (f" ({ex.title})" if ex is not None and ex.title else "")
        got = result.marks.get(it.key, 0)
        if got == 1:
            verdict = '<span class="right">right</span>'
        elif got > 0:
            verdict = f'<span class="part">partly right ({mark_text(got)} of 1)</span>'
        else:
            verdict = '<span class="wrong">not right</span>'
        given = result.answers.get(it.key, "")
        reason = result.reasons.get(it.key, "")
        parts.append(f"<h2>{html.escape(head)}: {verdict}</h2>")
        if ex is not None:
            parts.append(f'<div class="box">{_markup(ex.full_question)}</div>')
        parts.append(
            f"<p>Your answer: <code>{html.escape(given) if given else '(none read)'}</code></p>"
        )
        if reason:
            parts.append(f"<p>{html.escape(reason)}</p>")
        parts.append(f"<p>The right answer: <code>{html.escape(it.answer_text)}</code></p>")
        if ex is not None and ex.solution:
            parts.append(f'<div class="box"><p><em>Solution.</em></p>{_markup(ex.solution)}</div>')
    return _page(f"{title}: {sk.student_id}", "\n".join(parts))


def write_feedback(
    results: Sequence[Result], key: dict[str, StudentKey], folder: str | Path, title: str = ""
) -> list[Path]:
    """``folder/<student id>.html`` for every student of ``key`` with a graded submission."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for r in results:
        if not r.student_id or not r.file or r.student_id not in key:
            continue
        path = folder / f"{safe_name(r.student_id)}.html"
        path.write_text(feedback_page(r, key[r.student_id], title or "Assignment"), "utf-8")
        written.append(path)
    return written


def slip(wrong: str, right: Sequence[float]) -> str:
    """The common slip the typed answer ``wrong`` matches against the right answer
    ``right``: a factor r of :data:`SLIPS` with w = r a entry by entry ("" if none)."""
    values = parse_answer(wrong, len(right)).values
    if values is None:
        return ""
    ratios = {round(w / a, 9) for w, a in zip(values, right, strict=True) if abs(a) > 1e-12}
    if len(ratios) != 1 or any(
        abs(w) > 1e-9 for w, a in zip(values, right, strict=True) if abs(a) <= 1e-12
    ):
        return ""
    [r] = ratios
    for factor, name in SLIPS.items():
        if math.isclose(r, factor, rel_tol=1e-3):
            return name
    return ""


def _bar(share: float) -> str:
    width = round(200 * share)
    return (
        f'<svg width="210" height="14" role="img" aria-label="{share:.0%}">'
        f'<rect width="200" height="14" fill="#eee"/>'
        f'<rect width="{width}" height="14" fill="#1a7f37"/></svg>'
    )


def histogram_counts(totals: Sequence[float], most: int) -> list[int]:
    r"""How many totals fall in each bin :math:`[j, j+1)`, :math:`j = 0, \dots, m-1`, and
    how many equal :math:`m` = ``most`` (full marks) in bin :math:`m`."""
    counts = [0] * (most + 1)
    for t in totals:
        counts[min(max(math.floor(t + 1e-9), 0), most)] += 1
    return counts


def _histogram(totals: Sequence[float], most: int) -> str:
    """Inline SVG: a bar per bin of :func:`histogram_counts`, its count above it."""
    counts = histogram_counts(totals, most)
    top = max(counts, default=0) or 1
    w, h, gap, base = 36, 120, 6, 140
    width = (w + gap) * len(counts) + gap
    parts = [
        f'<svg width="{width}" height="{base + 24}" viewBox="0 0 {width} {base + 24}" '
        'role="img" aria-label="histogram of the totals" font-size="11" '
        'font-family="system-ui,sans-serif" text-anchor="middle">'
    ]
    for j, n in enumerate(counts):
        x = gap + j * (w + gap)
        bar = round(h * n / top)
        label = f"{j}" if j == most else f"{j}\u2013{j + 1}"
        parts.append(
            f'<rect x="{x}" y="{base - bar}" width="{w}" height="{bar}" fill="#1a7f37">'
            f"<title>{label}: {n}</title></rect>"
            f'<text x="{x + w / 2:g}" y="{base - bar - 3}">{n}</text>'
            f'<text x="{x + w / 2:g}" y="{base + 14}">{label}</text>'
        )
    parts.append(f'<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="#888"/></svg>')
    return "".join(parts)


def report_page(
    results: Sequence[Result], key: dict[str, StudentKey], title: str = "", top: int = 5
) -> str:
    """The class report: per exercise the share of full marks, the mean mark (a bar) and
    the ``top`` most common answers short of full marks with their slips; a histogram of
    the totals; then every student's total."""
    students = [r for r in results if r.student_id in key]
    exercises = [it.key for it in next(iter(key.values())).items]
    parts = [f"<h1>{html.escape(title or 'Assignment')}: class report</h1>"]
    submitted = [r for r in students if r.file]
    parts.append(f"<p>{len(submitted)} of {len(students)} students submitted.</p>")
    parts.append("<h2>Per exercise</h2>")
    rows = [
        "<tr><th>exercise</th><th>right</th><th>mean mark</th>"
        "<th>most common wrong answers</th></tr>"
    ]
    for k in exercises:
        right = sum(1 for r in students if r.marks.get(k) == 1)
        share = right / len(students) if students else 0.0
        mean = sum(r.marks.get(k, 0) for r in students) / len(students) if students else 0.0
        wrong: Counter[str] = Counter()
        slips: dict[str, str] = {}
        for r in submitted:
            given = r.answers.get(k, "").strip()
            if r.marks.get(k) == 1 or not given:
                continue
            found = slip(given, key[r.student_id].item(k).answer)
            label = found or given
            wrong[label] += 1
            slips[label] = "slip" if found else "answer"
        items = []
        for label, count in wrong.most_common(top):
            text = (
                f"<em>{html.escape(label)}</em>"
                if slips[label] == "slip"
                else (f"<code>{html.escape(label)}</code>")
            )
            items.append(f"<li>{text}: {count}</li>")
        listed = f"<ul>{''.join(items)}</ul>" if items else ""
        rows.append(
            f"<tr><td>{html.escape(k)}</td><td>{right}/{len(students)} ({share:.0%})</td>"
            f"<td class='bar'>{_bar(mean)} {mean:.2f}</td><td>{listed}</td></tr>"
        )
    parts.append(f"<table>{''.join(rows)}</table>")
    most = len(exercises)
    totals = [r.total for r in students]
    mean_total = sum(totals) / len(totals) if totals else 0.0
    parts.append("<h2>Totals</h2>")
    parts.append(
        f"<p>Mean {mean_total:.2f} of {most}; students per total "
        f"({len(students) - len(submitted)} without a submission count as 0).</p>"
    )
    parts.append(f"<p>{_histogram(totals, most)}</p>")
    parts.append("<h2>Per student</h2>")
    rows = ["<tr><th>student</th><th>name</th><th>total</th><th>file</th></tr>"]
    for r in students:
        rows.append(
            f"<tr><td>{html.escape(r.student_id)}</td><td>{html.escape(r.name)}</td>"
            f"<td>{mark_text(r.total)} / {r.max}</td>"
            f"<td>{html.escape(r.file) or 'no submission'}</td></tr>"
        )
    parts.append(f"<table>{''.join(rows)}</table>")
    return _page(f"{title or 'Assignment'}: class report", "\n".join(parts))


def write_report(
    results: Sequence[Result], key: dict[str, StudentKey], path: str | Path, title: str = ""
) -> Path:
    """Write :func:`report_page` to ``path`` (its folder made if need be)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_page(results, key, title), "utf-8")
    return path
