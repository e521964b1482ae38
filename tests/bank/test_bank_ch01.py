"""The exercises of chapter 1, checked against independent derivations with autograd."""

from __future__ import annotations

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad
from backprop import exercises as E

KEYS = E.keys()
SEEDS = range(21)


# Independent derivations of the chapter-1 answers from the exercises' parameters.
def _composite(p):
    return float(grad(lambda x: anp.sin(p["a"] * x**2))(float(p["x0"])))


def _three_links(p):
    return float(grad(lambda x: anp.exp(anp.sin(p["w"] * x + p["b"])))(float(p["x0"])))


def _gradient(p):
    A, b = np.array(p["A"]), np.array(p["b"])
    return tuple(grad(lambda u: anp.sum((anp.dot(A, u) + b) ** 2))(np.array(p["u"], dtype=float)))


INDEPENDENT = {
    "ch01.composite": _composite,
    "ch01.three-links": _three_links,
    "ch01.gradient": _gradient,
}


@pytest.mark.parametrize("key", sorted(INDEPENDENT))
def test_chapter_1_answers_match_autograd(key):
    if key not in KEYS:
        pytest.skip(f"{key} is not registered")
    for seed in SEEDS:
        ex = E.make(key, seed)
        expected = np.atleast_1d(INDEPENDENT[key](ex.params))
        np.testing.assert_allclose(ex.answer, expected, rtol=1e-12, atol=1e-12)
