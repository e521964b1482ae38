"""Tests of backprop.plots._axes (a new figure or the given axes, PNG bytes) and of the
package itself: its public names, its imports and its import cost."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import backprop
import matplotlib.pyplot as plt
import pytest
from backprop import plots
from backprop.optim import loss_grid
from backprop.plots._axes import axes_on, figure_on

PACKAGE = Path(plots.__file__).parent


def test_axes_on_makes_a_figure_of_the_size_asked_for_or_uses_the_given_axes():
    ax, fig = axes_on(None, (4.0, 2.5))
    assert ax.figure is fig and tuple(fig.get_size_inches()) == (4.0, 2.5)
    assert ax.name == "rectilinear"
    given_fig, given = plt.subplots()
    assert axes_on(given, (9.0, 9.0)) == (given, given_fig)
    ax3d, _ = axes_on(None, (3.0, 3.0), projection="3d")
    assert ax3d.name == "3d"


def test_figure_on_makes_a_figure_or_uses_the_given_one():
    fig = figure_on(None, (5.0, 2.0))
    assert tuple(fig.get_size_inches()) == (5.0, 2.0) and not fig.axes
    assert figure_on(fig, (1.0, 1.0)) is fig


def test_to_png_gives_png_bytes_and_a_figure_repr_has_no_address():
    grid = loss_grid(lambda p: p[0] ** 2 + 4 * p[1] ** 2, (-2.0, 2.0), (-1.0, 1.0), n=41)
    fig = plots.contour_paths(grid)
    data = plots.to_png(fig)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert re.fullmatch(r"<Figure size \d+x\d+ with 1 Axes>", repr(fig))


@pytest.mark.parametrize("name", plots.__all__)
def test_every_public_name_is_a_module_member_re_exported(name):
    obj = getattr(plots, name)
    if callable(obj) and not isinstance(obj, type):
        # Defined in one of the modules, and the same object there.
        module = sys.modules[obj.__module__]
        assert module.__name__.startswith("backprop.plots.")
        assert getattr(module, name) is obj


# The library modules a figure may use; never the widgets, exercises or instructor tools.
CORE = {"network", "toy_model", "activations", "losses", "_types", "_checks", "data", "optim"}


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_plots_imports_only_the_core_numpy_and_matplotlib(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 2:  # from ..x import y
            assert node.module in CORE, f"{path.name} imports backprop.{node.module}"
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            top = node.module.split(".")[0]
            assert top in {
                "__future__",
                "collections",
                "io",
                "types",
                "typing",
                "numpy",
                "matplotlib",
            }, f"{path.name} imports {node.module}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                assert alias.name.split(".")[0] in {"io", "numpy", "matplotlib"}, alias.name


def test_importing_the_library_does_not_import_pyplot():
    code = "import sys, backprop; assert 'matplotlib.pyplot' not in sys.modules, 'pyplot'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(backprop.__file__).parent)
