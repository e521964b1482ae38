"""The leak check finds an exercise widget saved with its worked solution (the book
edition's widgets carry it in ``solution_html``; the student edition's must not)."""

from __future__ import annotations

import json

from backprop import exercises as E
from backprop.instructor.leaks import find_leaks
from instructor_helpers import fake_site


def widget_state_html(ex: E.Exercise, student: bool) -> str:
    state = ex.widget(student=student).get_state()
    saved = {"state": {"m1": {"model_name": "AnyModel", "state": state}}}
    return f'<script type="application/vnd.jupyter.widget-state+json">{json.dumps(saved)}</script>'


def test_a_widget_with_its_solution_is_a_leak_and_the_student_widget_is_not(tmp_path):
    ex = E.make("ch05.steepest")
    leaks, seen = find_leaks(fake_site(tmp_path / "book", widget_state_html(ex, False)), [ex.key])
    whats = " | ".join(lk.what for lk in leaks)
    assert "carries its worked solution" in whats and "carries its answer" in whats
    leaks, seen = find_leaks(fake_site(tmp_path / "student", widget_state_html(ex, True)), [ex.key])
    assert leaks == [] and seen["widgets"] == 1
