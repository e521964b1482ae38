"""``list``: every exercise key with its chapter, title, kind and points; an unknown key
is answered with the nearest known ones."""

from __future__ import annotations

import re

import pytest
from backprop import exercises
from backprop.instructor.catalog import entries, kind, unknown
from backprop.instructor.cli import main


def test_list_shows_every_key_with_chapter_title_kind_and_points(capsys):
    assert main(["list"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].split() == ["key", "chapter", "kind", "points", "title"]
    keys = exercises.keys()
    assert [line.split()[0] for line in lines[1:]] == keys
    mask = next(line for line in lines if line.startswith("ch04.masked-delta "))
    ex = exercises.make("ch04.masked-delta", 0)
    assert mask.split()[1:5] == ["4", str(ex.size), "numbers", "1"]
    assert mask.endswith(ex.title)
    assert f"{len(keys)} exercises of {len(keys)}, {len(keys)} points" in err


def test_list_chapters_and_keys_with_points(capsys):
    assert main(["list", "5", "ch04.masked-delta", "--points", "2,ch04.masked-delta=3"]) == 0
    out, err = capsys.readouterr()
    # Columns are two spaces apart (a kind may have a space: "4 numbers").
    rows = {line.split()[0]: re.split(r"\s{2,}", line) for line in out.splitlines()[1:]}
    ch05 = [k for k in exercises.keys() if k.startswith("ch05.")]
    assert list(rows) == [*ch05, "ch04.masked-delta"]
    assert rows["ch04.masked-delta"][3] == "3" and all(rows[k][3] == "2" for k in ch05)
    assert f"{2 * len(ch05) + 3} points" in err


def test_unknown_keys_suggest_the_nearest(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["list", "ch05.steepst"])
    assert (
        "unknown exercise 'ch05.steepst'; did you mean 'ch05.steepest'" in capsys.readouterr().err
    )
    assert "did you mean 'ch04." in unknown("ch04.qqqqqqqq")
    assert "did you mean" not in unknown("zz", ["ch01.a"])
    with pytest.raises(ValueError, match="did you mean 'ch05.steepest'"):
        entries(["ch05.steepset"])
    # assign says the same.
    roster = tmp_path / "r.csv"
    roster.write_text("student_id\nada\n")
    argv = ["assign", "--roster", str(roster), "--secret", "s", "--exercises", "ch05.steepst"]
    with pytest.raises(SystemExit):
        main([*argv, "--out", str(tmp_path / "hw")])
    assert "did you mean 'ch05.steepest'" in capsys.readouterr().err


def test_list_names_every_kind_of_answer():
    from backprop import exercises as E

    named = {kind(E.make(k)) for k in E.keys()}
    assert {"number", "formula", "bug line"} <= named, named
    assert any(n.startswith("code (") and n.endswith(" tests)") for n in named), named
    assert any(n.endswith(" numbers") for n in named), named
