"""Rosters as learning-management systems export them: Canvas's gradebook, Moodle's
participants and grades, semicolons, byte-order marks and Latin-1, and clear errors
(file and line) for the rest."""

from __future__ import annotations

import pytest
from backprop.instructor.cli import main
from backprop.instructor.variants import Student, read_roster

CANVAS = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Homework 1 (123)\n"
    "    Points Possible,,,,,10.00\n"
    '"Lovelace, Ada",101,S001,ada.l,Section 1,\n'
    '"Student, Test",999,,,Section 1,\n'
    '"Bö, Bo",102,S002,bo,Section 2,7\n'
)


def _write(tmp_path, text, encoding="utf-8", name="roster.csv"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "latin-1"])
def test_a_canvas_gradebook_export_as_it_comes(tmp_path, encoding):
    students = read_roster(_write(tmp_path, CANVAS, encoding))
    # The Points Possible row and Canvas's test student are not students.
    assert students == [Student("ada.l", "Lovelace, Ada"), Student("bo", "Bö, Bo")]
    assert dict(students[1].row)["sis user id"] == "S002"
    assert dict(students[1].row)["section"] == "Section 2"


def test_canvas_without_logins_uses_the_sis_user_id_then_the_id(tmp_path):
    no_login = CANVAS.replace(",ada.l,", ",,")
    assert [s.student_id for s in read_roster(_write(tmp_path, no_login))] == ["S001", "S002"]
    no_sis = no_login.replace("S001", "").replace("S002", "")
    assert [s.student_id for s in read_roster(_write(tmp_path, no_sis))] == ["101", "102"]


def test_a_moodle_export_with_semicolons_in_latin_1(tmp_path):
    text = (
        "First name;Surname;ID number;Institution;Department;Email address\n"
        "Zoë;Müller;;Uni;Maths;zoe@example.org\n"
        "Ada;Lovelace;;Uni;Maths;ada@example.org\n"
    )
    students = read_roster(_write(tmp_path, text, "latin-1"))
    # No ID numbers: the email addresses are the ids.
    assert students == [
        Student("zoe@example.org", "Zoë Müller"),
        Student("ada@example.org", "Ada Lovelace"),
    ]


def test_a_moodle_export_with_id_numbers_and_last_name_in_utf_8_with_bom(tmp_path):
    text = (
        "First name,Last name,ID number,Email address\n"
        "Zoë,Müller,2024-17,zoe@example.org\n"
        "Ada,Lovelace,2024-18,ada@example.org\n"
    )
    students = read_roster(_write(tmp_path, text, "utf-8-sig"))
    assert [(s.student_id, s.name) for s in students] == [
        ("2024-17", "Zoë Müller"),
        ("2024-18", "Ada Lovelace"),
    ]


def test_any_other_layout_with_id_column(tmp_path, capsys):
    text = "Matrikelnummer;Nachname;Vorname\n4711;Lovelace;Ada\n4712;Bo;Bo\n"
    p = _write(tmp_path, text)
    with pytest.raises(ValueError, match=r"roster.csv, line 1: .*'matrikelnummer'.*--id-column"):
        read_roster(p)
    assert [s.student_id for s in read_roster(p, id_column="Matrikelnummer")] == ["4711", "4712"]
    with pytest.raises(ValueError, match=r"no column 'Matrikel' \(--id-column\)"):
        read_roster(p, id_column="Matrikel")
    argv = ["assign", "--roster", str(p), "--secret", "s", "--exercises", "ch01.gradient"]
    assert main([*argv, "--id-column", "matrikelnummer", "--out", str(tmp_path / "hw")]) == 0
    assert sorted(f.name for f in (tmp_path / "hw" / "handout").iterdir()) == [
        "4711.ipynb",
        "4712.ipynb",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("student_id,name\nada,Ada\nbo,Bo,extra\n", r"line 3: 3 fields but the header has 2"),
        ('student_id,name\nada,"Ada\n', r"line 2: not readable as CSV"),
        ("", "the roster is empty"),
        (CANVAS.replace(",bo,", ",ada.l,"), r"line 5: student id 'ada.l' appears twice"),
    ],
)
def test_unreadable_rosters_say_file_and_line(tmp_path, text, message):
    p = _write(tmp_path, text)
    with pytest.raises(ValueError, match=message) as e:
        read_roster(p)
    assert str(p) in str(e.value)
