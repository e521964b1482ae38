"""Print the notebooks listed in _toc.yml, in reading order (used by the Makefile)."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _files(node: object) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        if "file" in node:
            out.append(str(node["file"]))
        for key in ("root", "parts", "chapters", "sections"):
            if key == "root" and key in node:
                out.append(str(node["root"]))
            elif key in node:
                out.extend(_files(node[key]))
    elif isinstance(node, list):
        for item in node:
            out.extend(_files(item))
    return out


def notebooks() -> list[Path]:
    """Every .ipynb page of the table of contents."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    paths = [ROOT / f"{f}.ipynb" for f in _files(toc)]
    return [p for p in paths if p.exists()]


if __name__ == "__main__":
    print(" ".join(str(p.relative_to(ROOT)) for p in notebooks()))
