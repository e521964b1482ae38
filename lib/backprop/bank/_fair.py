"""Drawing a fair variant: draw, test, draw again, within a bounded number of tries.

A generator draws candidate numbers for its exercise and keeps the first candidate that
makes a fair exercise (no answer near zero, no step that teaches nothing). Every such
loop in the bank goes through :func:`first_fair`, so none can run forever: after
``tries`` unfair candidates it raises :class:`NoFairVariant`, naming the exercise and
seed.

The order of the draws is part of each exercise's identity (instructors hand out
variants by seed, and ``tests/bank/variants_0_119.json`` pins seeds 0 to 119), so the
two ways of reseeding here reproduce exactly what the generators did before:

- :func:`fair_variant` (the default, ``reseed=False``): one generator
  ``default_rng([*stream, seed])`` per variant, and each try draws where the previous
  one stopped. This is what the older ``while True: ... seed += 1000`` loops did (their
  generator was built before the loop, so the reseed changed nothing; the stream simply
  carried on), and carrying on one stream is sound: successive draws of one PCG64
  generator are independent. A fresh generator per try would have been as good, but not
  compatible: 412 of the 1,920 variants (seeds 0 to 119) of these 16 exercises needed more
  than one try (ch04.one-unit up to 23), and every one of them would have changed.
- ``reseed=True`` (chapter 3): a fresh ``default_rng([*stream, seed + 1_000_003 * t])``
  for try ``t``, so every try starts from its own seed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

T = TypeVar("T")

#: How many candidates a generator may draw before giving up.
TRIES = 1000
#: Tries of chapter 3's reseeding generators are this far apart in seed space.
RESEED_STEP = 1_000_003


class NoFairVariant(RuntimeError):
    """No candidate in ``tries`` draws made a fair exercise."""


def first_fair(
    draw: Callable[[], T], is_fair: Callable[[T], bool], *, what: str, tries: int = TRIES
) -> T:
    """The first of ``draw()``, ``draw()``, ... for which ``is_fair`` holds, within ``tries``."""
    for _ in range(tries):
        candidate = draw()
        if is_fair(candidate):
            return candidate
    raise NoFairVariant(
        f"{what}: no fair candidate in {tries} draws; widen the ranges the generator draws "
        "from or relax its fairness test"
    )


def fair_variant(
    seed: int,
    stream: Sequence[int],
    draw: Callable[[np.random.Generator], T],
    is_fair: Callable[[T], bool],
    *,
    book: Callable[[], T] | None = None,
    reseed: bool = False,
    tries: int = TRIES,
) -> T:
    """The variant ``seed`` of an exercise: the first fair candidate ``draw(rng)`` gives.

    ``stream`` names the exercise (``(chapter, number)``), so that each exercise draws
    its own numbers; ``book`` gives seed 0's fixed numbers (the variant the chapter
    shows), which must be fair: they are never replaced by drawn ones.
    """
    name = f"exercise stream {tuple(stream)}, seed {seed}"
    if seed == 0 and book is not None:
        return first_fair(book, is_fair, what=f"{name} (the book's numbers)", tries=1)
    if reseed:
        attempt = iter(range(tries))

        def fresh() -> T:
            rng = np.random.default_rng([*stream, seed + RESEED_STEP * next(attempt)])
            return draw(rng)

        return first_fair(fresh, is_fair, what=name, tries=tries)
    rng = np.random.default_rng([*stream, seed])
    return first_fair(lambda: draw(rng), is_fair, what=name, tries=tries)
