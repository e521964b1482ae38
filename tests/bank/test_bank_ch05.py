"""The exercises of chapter 5, checked against independent derivations.

(tests/exercises/test_registry.py checks every registered exercise's mechanics; this file
checks the numbers, computed here without the library.)
"""

from __future__ import annotations

import backprop.exercises as E
import numpy as np
import pytest
from autograd import grad

SEEDS = range(21)


def answers(key):
    for seed in SEEDS:
        ex = E.make(key, seed)
        yield seed, ex, np.array(ex.answer)


def test_update_step_is_minus_eta_times_the_autograd_gradient():
    for seed, ex, a in answers("ch05.update-step"):
        p = ex.params

        def loss(wb, p=p):
            return 0.5 * (wb[0] * p["x"] + wb[1] - p["t"]) ** 2

        wb = np.array([p["w"], p["b"]])
        np.testing.assert_allclose(a, wb - p["lr"] * grad(loss)(wb), rtol=1e-10, err_msg=str(seed))


def test_steepest_direction_is_the_unit_vector_minimising_the_directional_derivative():
    for seed, ex, a in answers("ch05.steepest"):
        p = ex.params

        def f(u, p=p):
            return p["a"] * u[0] ** 2 + p["c"] * u[1] ** 2

        g = grad(f)(np.array(p["p"], dtype=float))
        assert np.linalg.norm(a) == pytest.approx(1.0)
        # Among many unit vectors, none has a smaller directional derivative g . u.
        angles = np.linspace(0, 2 * np.pi, 3601)
        units = np.stack([np.cos(angles), np.sin(angles)], axis=1)
        assert g @ a <= (units @ g).min() + 1e-9, seed


def test_overshoot_follows_the_closed_form():
    for seed, ex, a in answers("ch05.overshoot"):
        p = ex.params
        r = 1 - 2 * p["a"] * p["lr"]
        np.testing.assert_allclose(a, [r * p["w0"], r * r * p["w0"]], rtol=1e-10, err_msg=str(seed))
    assert E.make("ch05.overshoot").answer == (-2.0, 4.0)  # the book's: it diverges
