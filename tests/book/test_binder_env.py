"""Binder's environment, built from requirements.txt and runtime.txt alone, runs a chapter.

A fresh virtual environment of runtime.txt's Python gets ``pip install -r requirements.txt``
(nothing from pyproject's extras, the Makefile or the main .venv); then
chapters/01_chain_rule.ipynb runs in a kernel of that environment and gives its stored
outputs. Every module any chapter imports must import there, and the build tools must not
be installed (Binder installs what the notebooks need, not what builds the website).

Slow (about a minute: pip uses its local cache and any configured wheel folder). Without
runtime.txt's Python on PATH the test skips loudly, except under CI=true.
"""

from __future__ import annotations

import ast
import configparser
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

ROOT = Path(__file__).resolve().parents[2]
CHAPTER = ROOT / "chapters" / "01_chain_rule.ipynb"
CI = os.environ.get("CI", "").lower() == "true"

# Runs inside the Binder environment: execute the chapter with that environment's kernel.
EXECUTE = r"""
import json, sys
import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

src, out = sys.argv[1], sys.argv[2]
nb = nbformat.read(src, as_version=4)
# Last cell: where the kernel's Python lives (checked by the test).
nb.cells.append(nbformat.v4.new_code_cell("import sys; print('KERNEL_PREFIX=' + sys.prefix)"))
km = KernelManager(kernel_cmd=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"])
NotebookClient(nb, km=km, timeout=300, resources={"metadata": {"path": sys.argv[3]}}).execute()
nbformat.write(nb, out)
"""


def _python_for_runtime() -> str:
    text = (ROOT / "runtime.txt").read_text(encoding="utf-8").strip()
    m = re.fullmatch(r"python-(\d+)\.(\d+)(?:\.\d+)?", text)
    assert m, f"runtime.txt should read like 'python-3.11', not {text!r}"
    version = f"{m[1]}.{m[2]}"
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == version:
        base = getattr(sys, "_base_executable", None) or sys.executable
        return base
    found = shutil.which(f"python{version}")
    if found is None:
        reason = (
            f"python{version} (runtime.txt) NOT FOUND: Binder's environment is NOT TESTED "
            f"(install Python {version} to run tests/test_binder_env.py)"
        )
        if CI:
            pytest.fail(reason + "; CI=true, so this is a failure")
        pytest.skip(reason)
    return found


def _chapter_imports() -> set[str]:
    """Top-level modules imported by the code cells of every chapter."""
    tm = TransformerManager()
    mods: set[str] = set()
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for node in ast.walk(ast.parse(tm.transform_cell(cell.source))):
                if isinstance(node, ast.Import):
                    mods.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    mods.add(node.module.split(".")[0])
    return mods


def _clean_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.pop("JUPYTER_PATH", None)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONHASHSEED"] = "0"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory) -> Path:
    python = _python_for_runtime()
    venv = tmp_path_factory.mktemp("binder") / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--prefer-binary",
            "-r",
            "requirements.txt",
        ],
        cwd=ROOT,
        env=_clean_env(venv),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert pip.returncode == 0, f"pip install -r requirements.txt failed:\n{pip.stderr[-3000:]}"
    return venv


def _installed(venv: Path) -> dict[str, str]:
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "list", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
        env=_clean_env(venv),
    ).stdout
    return {p["name"].lower().replace("_", "-"): p["version"] for p in json.loads(out)}


def test_binder_installs_the_pinned_versions_and_no_build_tools(binder_env):
    installed = _installed(binder_env)
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    for name in ("numpy", "anywidget", "ipywidgets", "matplotlib", "myst-nb", "ipykernel"):
        assert installed.get(name) == pins[name], (name, installed.get(name), pins[name])
    assert installed.get("backprop-book"), "the book's library is not installed"
    for tool in ("jupyter-book", "sphinx-exercise", "pytest", "nbval", "ruff", "playwright"):
        assert tool not in installed, f"{tool} is a build/test tool: Binder does not need it"


def test_every_module_the_chapters_import_is_there(binder_env):
    mods = sorted(_chapter_imports())
    assert {"backprop", "numpy", "matplotlib", "myst_nb"} <= set(mods), mods
    proc = subprocess.run(
        [
            str(binder_env / "bin" / "python"),
            "-c",
            "import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m)",
            *mods,
        ],
        capture_output=True,
        text=True,
        env=_clean_env(binder_env),
        cwd=ROOT / "chapters",
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


def _sanitize(text: str) -> str:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "tests" / "nbval_sanitize.cfg")
    for section in cfg.sections():
        text = re.sub(cfg[section]["regex"], cfg[section]["replace"], text)
    return text


def _texts(cell) -> list[str]:
    out = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            out.append(o.text)
        elif o.output_type in ("execute_result", "display_data"):
            out.append(o.data.get("text/plain", ""))
        elif o.output_type == "error":
            out.append(f"{o.ename}: {o.evalue}")
    return [_sanitize(t) for t in out]


def test_chapter_one_runs_in_the_binder_environment(binder_env, tmp_path):
    out = tmp_path / "executed.ipynb"
    proc = subprocess.run(
        [
            str(binder_env / "bin" / "python"),
            "-c",
            EXECUTE,
            str(CHAPTER),
            str(out),
            str(CHAPTER.parent),
        ],
        capture_output=True,
        text=True,
        env=_clean_env(binder_env),
        cwd=tmp_path,
        timeout=600,
    )
    assert proc.returncode == 0, (
        f"the chapter failed in Binder's environment:\n{proc.stderr[-4000:]}"
    )
    ran = nbformat.read(out, as_version=4)
    stored = nbformat.read(CHAPTER, as_version=4)
    prefix = "".join(_texts(ran.cells[-1])).strip()
    assert prefix == f"KERNEL_PREFIX={binder_env}", "the kernel did not run in the Binder env"
    # The same outputs as the stored notebook (which strict nbval checks in the main env).
    for i, (a, b) in enumerate(zip(ran.cells[:-1], stored.cells, strict=True)):
        if b.cell_type == "code":
            assert _texts(a) == _texts(b), f"cell {i} gives other outputs in Binder's env"
