"""The command line: help for every command, bad input as a message with exit status 2,
and ``student-edition --check``'s exit status."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest
from backprop import exercises as E
from backprop.instructor.cli import main
from instructor_helpers import ROOT, assign_cli, fake_site, widget_html


def test_the_check_command_exits_1_on_leaks_and_0_on_a_clean_site(tmp_path, capsys):
    ex = E.make("ch05.steepest")
    clean = fake_site(tmp_path / "clean", widget_html([]))
    assert main(["student-edition", "--check", str(clean)]) == 0
    assert "0 leaks" in capsys.readouterr().err
    leaky = fake_site(tmp_path / "leaky", widget_html(list(ex.answer)))
    assert main(["student-edition", "--check", str(leaky)]) == 1
    err = capsys.readouterr().err
    assert "carries its answer" in err and "1 leaks" in err.splitlines()[-1]


def test_help_explains_the_commands(capsys):
    for argv in (["--help"], ["assign", "--help"], ["grade", "--help"]):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 0
    out = capsys.readouterr().out
    assert "HMAC-SHA256" in out and "time limit" in out.lower() and "--roster" in out


def test_bad_input_is_an_error_message(tmp_path, capsys):
    (tmp_path / "r.csv").write_text("name\nAda\n")
    with pytest.raises(SystemExit) as e:
        assign_cli(tmp_path / "r.csv", tmp_path / "o", "--chapters", "4", secret="x")
    assert e.value.code == 2
    assert "student_id" in capsys.readouterr().err
    (tmp_path / "r.csv").write_text("student_id\nada\n")
    with pytest.raises(SystemExit):
        assign_cli(tmp_path / "r.csv", tmp_path / "o", "--chapters", "99", secret="x")
    assert "chapter 99 has no exercises" in capsys.readouterr().err


def test_python_dash_m_runs_the_command_line_and_student_edition_has_help():
    for argv in (["--help"], ["student-edition", "--help"]):
        done = subprocess.run(
            [sys.executable, "-m", "backprop.instructor", *argv],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    assert "--check SITE" in done.stdout and "_build/student" in done.stdout
    assert "searched for every exercise" in done.stdout  # the epilog


def _modules():
    return sorted((ROOT / "lib" / "backprop" / "instructor").glob("*.py"))


def test_cli_is_the_only_argument_parser():
    users = [
        p.name for p in _modules() if re.search(r"^\s*(import|from) argparse", p.read_text(), re.M)
    ]
    assert users == ["cli.py"]


def test_no_private_attribute_of_another_library_is_used():
    # obj._name is allowed only on our own objects (self) and our own modules' names.
    own = {"self", "cls"}
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                if node.attr.startswith("__") and node.attr.endswith("__"):
                    continue
                base = node.value
                assert isinstance(base, ast.Name) and base.id in own, (
                    f"{path.name}:{node.lineno}: .{node.attr}"
                )
