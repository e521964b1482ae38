"""Every exercise's text and answer for seeds 0 to 119 are fixed: instructors hand out
variants by seed (``backprop.instructor``), so a refactor of a generator must not change
one. ``variants_0_119.json`` holds a digest of each variant (question, prompt, answer,
tolerances, hints, solution, params; for formulas, listings and code also the answer,
the listing and the tests' inputs), written once from the generators as they were.

A new exercise is pinned once it is ready to hand out:
``python tests/bank/test_bank_variants_unchanged.py --add KEY``. ``--write`` rewrites the
whole file: only for a deliberate change of the exercises, never to make this test pass.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import backprop.exercises as E
import pytest

STORED = Path(__file__).with_name("variants_0_119.json")
SEEDS = range(120)


def digest(ex: E.Exercise) -> str:
    """A short digest of everything a student or an answer key sees of a variant."""
    data = [
        ex.key,
        ex.question,
        ex.prompt,
        [repr(a) for a in ex.answer],
        repr(ex.rtol),
        repr(ex.atol),
        list(ex.hints),
        ex.solution,
        json.dumps(ex.params, sort_keys=True, default=repr),
    ]
    if ex.kind != "number":  # what the other kinds check against (numbers' digests unchanged)
        data += [ex.kind, ex.answer_text, json.dumps(ex.spec(), sort_keys=True, default=repr)]
        for test in getattr(ex, "tests", ()):
            data.append([test.name, test.points, json.dumps(test.args, default=_listed)])
    return hashlib.sha256(json.dumps(data).encode("utf-8")).hexdigest()[:16]


def _listed(value: object) -> object:
    return value.tolist() if hasattr(value, "tolist") else repr(value)


def current() -> dict[str, list[str]]:
    return {key: [digest(E.make(key, seed)) for seed in SEEDS] for key in E.keys()}


def stored() -> dict[str, list[str]]:
    return json.loads(STORED.read_text(encoding="utf-8"))


def test_the_stored_digests_cover_every_exercise():
    missing = sorted(set(E.keys()) - set(stored()))
    assert not missing, (
        f"exercises not pinned yet: {missing}; once ready to hand out, run "
        f"python tests/bank/test_bank_variants_unchanged.py --add {' '.join(missing)}"
    )
    gone = sorted(set(stored()) - set(E.keys()))
    assert not gone, f"exercises handed out before are gone: {gone}"
    assert all(len(v) == len(SEEDS) for v in stored().values())


@pytest.mark.parametrize("key", E.keys())
def test_seeds_0_to_119_give_the_same_exercise_as_before(key):
    if key not in stored():
        pytest.skip(f"{key} is not pinned yet (see the test above)")
    want = stored()[key]
    got = [digest(E.make(key, seed)) for seed in SEEDS]
    changed = [seed for seed in SEEDS if got[seed] != want[seed]]
    assert not changed, f"{key}: the variants of seeds {changed} changed"


def write(digests: dict[str, list[str]]) -> None:
    rows = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(digests.items())]
    STORED.write_text("{\n" + ",\n".join(rows) + "\n}\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write(current())
    elif sys.argv[1:2] == ["--add"] and sys.argv[2:]:
        pinned = stored()
        for key in sys.argv[2:]:
            if key in pinned:
                sys.exit(f"{key} is pinned already: its variants may not change")
            pinned[key] = [digest(E.make(key, seed)) for seed in SEEDS]
        write(pinned)
    else:
        sys.exit(__doc__)
