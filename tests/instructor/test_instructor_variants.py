"""Per-student variants (HMAC seeds, 100 seeds of every exercise), rosters, chapters and
file names, and the student edition's widgets."""

from __future__ import annotations

import hashlib
import hmac
import json

import numpy as np
import pytest
from backprop import exercises as E
from backprop.instructor import chapter_keys, read_roster, variant, variant_seed
from backprop.instructor.variants import SEED_RANGE, Student, fingerprint, safe_name
from instructor_helpers import ROOT

KEYS = E.keys()
NUMBER_KEYS = [k for k in KEYS if E.make(k).kind == "number"]
OTHER_KEYS = [k for k in KEYS if k not in NUMBER_KEYS]
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
    assert variant_seed("s3cret", "ada", key) != variant_seed("s3cret", "ada", "ch04.masked-delta")


def test_variant_seed_rejects_an_empty_secret_or_id():
    with pytest.raises(ValueError, match="secret"):
        variant_seed("", "ada", "ch05.steepest")
    with pytest.raises(ValueError, match="student id"):
        variant_seed("x", "", "ch05.steepest")


def _right(ex: E.Exercise) -> object:
    """The right answer to ``ex`` as a student gives it (code: the reference function)."""
    if isinstance(ex, E.CodeExercise):
        return ex.reference_function()
    return ex.answer_text if ex.kind == "formula" else ex.answer


@pytest.mark.parametrize("key", KEYS)
def test_hmac_variants_are_never_the_books(key):
    book = E.make(key, 0).identity
    for sid in IDS[:40] if key in OTHER_KEYS else IDS:
        seed = variant_seed("course-secret", sid, key)
        assert 1 <= seed <= SEED_RANGE
        ex = E.make(key, seed)
        assert ex.identity != book, (key, sid)
        assert ex.check(_right(ex)).correct


# ---- 100 seeds of every exercise ----------------------------------------------------


#: How many of 100 seeds must differ, per kind: a formula exercise has a few forms (which
#: weight, which activation), a listing a few slips and places, code fresh inputs each time.
DISTINCT = {"formula": 3, "bug": 5, "code": 50}


@pytest.mark.parametrize("key", OTHER_KEYS)
def test_100_seeds_of_the_other_kinds_are_valid_and_varied(key):
    seen = set()
    for seed in SEEDS:
        ex = E.make(key, seed)
        assert ex.key == key and ex.seed == seed and ex.question.strip() and ex.solution.strip()
        assert E.make(key, seed).identity == ex.identity
        for word in ("nan", "inf", "None"):
            assert word not in ex.question.replace("\\inf", ""), (key, seed, ex.question)
        if not isinstance(ex, E.CodeExercise) or seed <= 20:  # running code takes longer
            assert ex.check(_right(ex)).correct, (key, seed)
        seen.add(ex.identity)
    assert len(seen) >= DISTINCT[E.make(key).kind], (key, len(seen))


@pytest.mark.parametrize("key", NUMBER_KEYS)
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
    js = ROOT / "lib" / "backprop" / "widgets" / "js"
    assert f'"{E.CHECKED_IN_CLASS}"' in (js / "answers.js").read_text(encoding="utf-8")
    front = (js / "exercise.js").read_text(encoding="utf-8")
    # Every kind says so when its state carries no answer.
    assert "answer.length === 0" in front
    assert 'if (!spec.bug) return { verdict: "", message: CHECKED_IN_CLASS }' in front
    assert 'if (!spec.formula) return { verdict: "", message: CHECKED_IN_CLASS }' in front
