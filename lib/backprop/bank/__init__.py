"""Exercise generators, one module per chapter (``ch01.py``, ``ch02.py``, ...).

Each module registers ``make(seed) -> Exercise`` functions with
:func:`backprop.exercises.register`; every module here is imported by
:func:`backprop.exercises.make`, so a new chapter's file needs no other edit.
"""
