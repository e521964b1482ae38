"""The live explorers: anywidgets whose JavaScript front end computes and draws in the browser.

One module per idea (``toy.py``, ``graph.py``, ``relu.py``, ``descent.py``, ``deltas.py``,
``digits.py``), each with a front end ``js/<name>.js`` bundled by esbuild into
``static/<name>.js`` (``make widgets``). The same front end runs in JupyterLab, Notebook 7,
Colab, VS Code and on the static website, where the saved widget state carries it. The
parameters are synced traits, so notebook code and tests can read and set them; each
explorer's Python side computes what it shows with the library, for the tests. Nothing
prints (nbval compares the outputs). ``exercise.py`` is the exercises' answer box.
"""
