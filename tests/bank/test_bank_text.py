"""Exercise text reads as a person writes it, for every exercise and seeds 0 to 119:
no space inside brackets or doubled, no ``+ -``, and in the question and the
prompt no zero terms (``+ (0)``), no coefficient 1
(``1x``) and no added negative (``+ (-1)``). Hints and worked solutions may substitute
numbers into a formula (``0.5 + (-1) \\cdot h_1``): that is the formula with its numbers, not a slip."""

from __future__ import annotations

import re

import backprop.exercises as E
import pytest

SEEDS = range(120)

EVERYWHERE = {
    "a space after an opening bracket": re.compile(r"[(\[{] "),
    "a space before a closing bracket": re.compile(r"\S [)\]]"),
    "a doubled space": re.compile(r"\S  +\S"),
    "a plus followed by a minus": re.compile(r"\+\s*-"),
    "a negative zero": re.compile(r"(?<![\w.])-0(?![.\d])"),
    "a bare negative factor": re.compile(r"(?:·|\\cdot|\\times|×)\s*-\d"),
}
BEFORE_ANSWERING = {
    "a zero term": re.compile(r"[+-]\s*\(?0(\.0*)?\)?(?![\d.(])"),
    "a coefficient 1": re.compile(r"(?<![\d.,])1\s*(?:\\cdot\s*)?[a-zA-Z](?![a-zA-Z])"),
    "an added negative": re.compile(r"\+\s*\(-"),
}


def texts(ex: E.Exercise) -> dict[str, str]:
    hints = {f"hint {i}": h for i, h in enumerate(ex.hints, start=1)}
    return {"question": ex.question, "prompt": ex.prompt, **hints, "solution": ex.solution}


def slips(ex: E.Exercise) -> list[str]:
    found = []
    for field, text in texts(ex).items():
        rules = dict(EVERYWHERE)
        if field in ("question", "prompt"):
            rules.update(BEFORE_ANSWERING)
        for what, pattern in rules.items():
            m = pattern.search(text)
            if m:
                found.append(f"{field}: {what} in {text[max(0, m.start() - 30) : m.end() + 15]!r}")
    return found


@pytest.mark.parametrize("key", E.keys())
def test_text_reads_as_a_person_writes_it(key):
    bad = {seed: s for seed in SEEDS if (s := slips(E.make(key, seed)))}
    assert not bad, (
        f"{key}: {len(bad)} seeds, e.g. seed {next(iter(bad))}: {next(iter(bad.values()))}"
    )


@pytest.mark.parametrize(
    "text",
    [
        r"Let $h(x) = \sin( x^2)$.",
        r"Let $f(w) =  w^2$.",
        r"$z = 3 x + (0)$",
        r"$z = 1 x - 1$",
        r"$z = 2 x + (-1)$",
        r"$y = -1 \cdot 2 + -0.1$",
        r"y = -0, so",
        r"f₃ = 0.6 + (-1.1)·-0.7028.",
    ],
)
def test_the_rules_catch_the_slips_the_review_found(text):
    ex = E.Exercise(key="x", question=text, answer=(1.0,))
    assert slips(ex)
