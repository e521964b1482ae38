"""Every chapter starts with the Colab install cell: it installs the book's library when (and
only when) the notebook runs on Colab, from the repository _config.yml names.

A fork that changes ``repository.url`` in _config.yml rewrites these cells with
``make colab-cells`` (``python -m tools.colab_cells --write``); ``tests/test_colab_cell.py``
checks that every chapter's first code cell is the one this module writes.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def package_name() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]


def repository_url() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"].rstrip("/")


def pip_spec() -> str:
    return f"{package_name()} @ git+{repository_url()}"


def pinned(package: str) -> str:
    """``package==version`` as constraints.txt pins it."""
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        name, _, version = line.partition("==")
        if name.strip().lower() == package.lower() and version:
            return f"{package}=={version.strip()}"
    raise ValueError(f"constraints.txt does not pin {package}")


#: What a chapter imports that Colab does not have: the library, and myst-nb for ``glue``
#: (numpy, matplotlib, scikit-learn, tqdm and ipywidgets come with Colab).
def colab_packages() -> list[str]:
    return [pip_spec(), pinned("myst-nb")]


def install_cell() -> str:
    """The cell every chapter starts with (its first code cell)."""
    packages = " ".join(f'"{p}"' for p in colab_packages())
    return (
        "# On Colab, install the book's library first; everywhere else it is installed already.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f"    %pip install --quiet {packages}"
    )


def first_code_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.cell_type == "code")


def write_cells() -> None:
    """Make every chapter's first code cell the install cell for _config.yml's repository."""
    for path in CHAPTERS:
        nb = nbformat.read(path, as_version=4)
        cell = first_code_cell(nb)
        if cell.source != install_cell():
            cell.source = install_cell()
            nbformat.write(nb, path)
            print(f"updated {path.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write_cells()
    else:
        sys.exit("usage: python -m tools.colab_cells --write")
