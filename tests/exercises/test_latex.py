"""Tests of backprop.exercises.latex: numbers as the questions write them."""

from __future__ import annotations

import numpy as np
from backprop import exercises as E


def test_vector_formats_numbers_for_questions():
    assert E.vector([1, -2, 3]) == "(1, -2, 3)"
    assert E.vector(np.array([0.5, 2.0])) == "(0.5, 2)"
    assert E.vector(7) == "(7)"


def test_number_is_the_shortest_form_that_reads_back():
    assert E.number(2.0) == "2" and E.number(-0.5) == "-0.5" and E.number(1e20) == "1e+20"
    assert float(E.number(0.1 + 0.2)) == 0.1 + 0.2
