"""Every chapter starts with the Colab install cell that ``tools/colab_cells.py`` writes: it
installs the book's library when (and only when) the notebook runs on Colab."""

from __future__ import annotations

import sys
import types

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

from tools.colab_cells import (
    CHAPTERS,
    colab_packages,
    first_code_cell,
    install_cell,
    package_name,
    pip_spec,
    repository_url,
)


class FakeIPython:
    """Records the magics a cell runs instead of running them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def run_line_magic(self, name: str, line: str, _stack_depth: int = 1) -> None:
        self.calls.append((name, line))


def run_cell(source: str) -> list[tuple[str, str]]:
    """Run a cell as IPython would (magics turned into calls); return the magics it ran."""
    shell = FakeIPython()
    code = TransformerManager().transform_cell(source)
    exec(compile(code, "<install cell>", "exec"), {"get_ipython": lambda: shell})
    return shell.calls


def test_there_are_chapters():
    assert len(CHAPTERS) >= 4


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_first_code_cell_is_the_colab_install_cell(path):
    nb = nbformat.read(path, as_version=4)
    cell = first_code_cell(nb)
    assert cell.source == install_cell(), (
        f"{path.name}: the first code cell is not the Colab install cell for "
        f"{repository_url()} (run `make colab-cells`)"
    )
    assert cell.outputs == [], "the install cell prints nothing off Colab"
    before = nb.cells[: nb.cells.index(cell)]
    assert all(c.cell_type == "markdown" for c in before)


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_install_cell_does_nothing_off_colab(path, monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert run_cell(first_code_cell(nbformat.read(path, as_version=4)).source) == []


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_install_cell_installs_the_library_on_colab(path, monkeypatch):
    monkeypatch.setitem(sys.modules, "google", types.ModuleType("google"))
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    calls = run_cell(first_code_cell(nbformat.read(path, as_version=4)).source)
    packages = " ".join(f'"{p}"' for p in colab_packages())
    assert calls == [("pip", f"install --quiet {packages}")]
    assert f'"{pip_spec()}"' in packages


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_colab_gets_myst_nb_when_a_chapter_glues(path):
    # Colab has numpy, matplotlib, scikit-learn and tqdm, but not myst-nb: a chapter
    # that imports it would stop at its second cell.
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    if "from myst_nb import" in source:
        assert any(p.startswith("myst-nb==") for p in colab_packages())


def test_the_spec_names_this_package_and_repository():
    assert pip_spec().startswith(package_name() + " @ git+https://")
    assert repository_url() in install_cell()
