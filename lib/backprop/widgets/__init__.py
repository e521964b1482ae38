"""Interactive widgets: thin ipywidgets shells over pure functions of ``backprop``.

One module per idea (``toy.py``, ``relu.py``, ``descent.py``, ``deltas.py``).
Each builder returns a widget whose controls can be set from Python (tests do
so and assert on the result); callbacks update widget values or redraw into an
Output widget and never print.
"""
