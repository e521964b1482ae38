"""Every third-party module the instructor tools import is declared, pinned exactly, in
the ``instructor`` extra of pyproject.toml (or among the library's own dependencies), at
the version constraints.txt pins."""

from __future__ import annotations

import ast
import re
import sys
import tomllib

from instructor_helpers import ROOT

#: Import name -> distribution name, where they differ.
DISTRIBUTION = {"yaml": "PyYAML", "IPython": "ipython"}
#: Run by the grader but never imported: the kernel nbclient starts.
RUN_NOT_IMPORTED = {"ipykernel"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for req in requirements:
        name, sep, version = req.partition("==")
        assert sep, f"{req!r} is not pinned with =="
        pins[_norm(name)] = version
    return pins


def _imports() -> set[str]:
    found = set()
    for path in (ROOT / "lib" / "backprop" / "instructor").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"backprop"}


def test_every_third_party_import_is_in_the_instructor_extra():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extra = _pins(project["optional-dependencies"]["instructor"])
    core = _pins(project["dependencies"])
    imported = {_norm(DISTRIBUTION.get(name, name)) for name in _imports()}
    assert {"nbformat", "nbclient", "pyyaml", "tqdm", "ipython"} <= imported  # the scan works
    missing = imported - set(extra) - set(core)
    assert not missing, f"imported but not in the instructor extra: {sorted(missing)}"
    assert {_norm(n) for n in RUN_NOT_IMPORTED} <= set(extra)
    # Exactly the versions constraints.txt pins.
    constraints = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        name, sep, version = line.split("#")[0].strip().partition("==")
        if sep:
            constraints[_norm(name)] = version.strip()
    for name, version in extra.items():
        assert constraints.get(name) == version, (name, version, constraints.get(name))


def test_make_installs_the_instructor_extra():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    [extras] = re.findall(r'pip install .*-e "\.\[([^\]]*)\]"', makefile)
    assert "instructor" in extras.split(",")
