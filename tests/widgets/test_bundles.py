"""The shipped explorer bundles (lib/backprop/widgets/static/<name>.js) must be exactly what
a fresh esbuild build of the sources (lib/backprop/widgets/js/) gives: the test rebuilds them
with tools/build_widgets.mjs into a temporary folder and compares bytes.

Needs node and node_modules (`npm ci --ignore-scripts`); without them the test skips loudly,
except under CI=true, where that is a failure. Fix a failure with `make widgets`."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "lib" / "backprop" / "widgets" / "js"
STATIC = ROOT / "lib" / "backprop" / "widgets" / "static"
BUILDER = ROOT / "tools" / "build_widgets.mjs"


def _entries() -> list[str]:
    """The entries the builder lists (ENTRIES in tools/build_widgets.mjs)."""
    m = re.search(r"ENTRIES\s*=\s*\[([^\]]*)\]", BUILDER.read_text(encoding="utf-8"))
    assert m, "tools/build_widgets.mjs has no ENTRIES list"
    return re.findall(r'"([a-z_]+)"', m.group(1))


def _has_default_export(path: Path) -> bool:
    return re.search(r"^\s*export\s+default\b", path.read_text(encoding="utf-8"), re.M) is not None


@pytest.fixture(scope="module")
def fresh(node: str, esbuild: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundles")
    proc = subprocess.run(
        [node, str(BUILDER), str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"build_widgets.mjs failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def test_every_entry_with_a_source_is_built(fresh: Path) -> None:
    entries = _entries()
    assert {"toy", "graph", "descent"} <= set(entries)
    for name in entries:
        src = SRC / f"{name}.js"
        if src.exists() and _has_default_export(src):
            assert (fresh / f"{name}.js").is_file(), f"{name}: source present but not built"
            assert (STATIC / f"{name}.js").is_file(), (
                f"{name}: static/{name}.js is missing; run `make widgets`"
            )


def test_shipped_bundles_equal_a_fresh_build(fresh: Path) -> None:
    """Every bundle, and LICENSES.txt (the licences of the npm code inlined into them)."""
    built = sorted(p.name for p in fresh.iterdir())
    assert "LICENSES.txt" in built
    stale = []
    for name in built:
        shipped = STATIC / name
        if not shipped.exists() or shipped.read_bytes() != (fresh / name).read_bytes():
            stale.append(name)
    assert not stale, f"stale bundles {stale}: run `make widgets` and commit static/"


def test_no_orphan_bundles(fresh: Path) -> None:
    """Every shipped bundle comes from a source: none is left behind by a deleted entry."""
    shipped = {p.name for p in STATIC.glob("*.js")}
    orphans = shipped - {p.name for p in fresh.glob("*.js")}
    assert not orphans, f"bundles with no source entry: {sorted(orphans)}"


def test_bundles_load_nothing_from_another_host() -> None:
    """The site serves the bundles itself: no import of a URL (a CDN) inside them."""
    for path in STATIC.glob("*.js"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""\bimport\s*(?:\(|[^;]*?from\s*)\s*["']https?:""", text), path
