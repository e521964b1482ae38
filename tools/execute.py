"""Re-execute notebooks in place so their stored outputs are fresh (``make execute``).

Runs each notebook in its own folder with widget state saved (the static site
needs it) and no timing metadata (so a rerun changes nothing that did not change).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    nbformat.write(nb, path)


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(f"executing {arg}", file=sys.stderr)
        execute(Path(arg))
