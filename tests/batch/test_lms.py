"""Gradebook import files for Canvas and Moodle, from a batch and a roster.

The files are checked against the layouts the LMSs document and their
importers read: Canvas's gradebook import (the columns of its own export:
Student, ID, SIS User ID, SIS Login ID, Section, then one column per
assignment, and an optional "Points Possible" row) and Moodle's CSV grade
import (a column to identify users by email address, username or ID number,
mapped on its import page, then one column per grade item).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.batch import roster
from grader.cli import cli
from grader.errors import GraderError
from grader.outputs import canvas, moodle
from grader.outputs.gradebook import Cell, CellState, Gradebook
from tests.support import FakeGrader, small_class, touch

# -- what the LMSs accept --------------------------------------------------------------------


def canvas_import(text: str) -> tuple[list[str], dict[str, float], list[dict[str, str]]]:
    """Read a file as Canvas's gradebook importer does; raise on what it would refuse.

    The rules are those of Canvas's GradebookImporter: the header starts with
    Student and ID, then optionally SIS User ID and SIS Login ID, and its last
    student column is Section; trailing score columns (Current Score, Final
    Grade, ...) are dropped; a row whose first cell says Points Possible gives
    the assignments' points; every other row is a student, found by ID, SIS
    User ID, SIS Login ID or name. Returns assignments, points and students.
    """
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert len(header) > 3 and re.search("Student", header[0]) and re.search("ID", header[1])
    columns = 3
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        columns += 1
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        columns += 2
    assert re.search("Section", header[columns - 1]), "the last student column must be Section"
    assignments = header[columns:]
    final = re.compile(
        "Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade"
    )
    assert not any(final.search(a) for a in assignments)
    points: dict[str, float] = {}
    students = []
    for row in rows[1:]:
        assert len(row) == len(header), row
        if re.search("Points Possible", row[0]):
            points = {a: float(v) for a, v in zip(assignments, row[columns:], strict=True)}
            continue
        who = dict(zip(header[:columns], row[:columns], strict=True))
        assert any(who.get(k) for k in ("ID", "SIS User ID", "SIS Login ID", "Student")), row
        for value in row[columns:]:
            assert value == "" or re.fullmatch(r"-?\d+(\.\d+)?", value), value
        students.append(dict(zip(header, row, strict=True)))
    return assignments, points, students


#: Moodle's import page maps a column to one of these user fields to find each user.
MOODLE_USER_FIELDS = {
    "Email address": "useremail",
    "Username": "username",
    "ID number": "useridnumber",
}


def moodle_import(text: str, identify_by: str) -> dict[str, dict[str, str]]:
    """Read a file as Moodle's CSV grade import does with column `identify_by` as the identifier.

    Every other column must map to a grade item with numeric (or empty, left
    unchanged) values; no total, since Moodle computes the course total.
    """
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert identify_by in header and identify_by in MOODLE_USER_FIELDS
    items = [h for h in header if h not in MOODLE_USER_FIELDS]
    assert items and not any(h.lower() in ("total", "course total") for h in items)
    users = {}
    for row in rows[1:]:
        record = dict(zip(header, row, strict=True))
        assert record[identify_by], f"a row without an identifier: {row}"
        for item in items:
            assert record[item] == "" or re.fullmatch(r"-?\d+(\.\d+)?", record[item])
        users[record[identify_by]] = {item: record[item] for item in items}
    return users


# -- the roster ------------------------------------------------------------------------------


def test_a_canvas_export_with_a_folder_column_is_a_roster(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(
        "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Folder,Email address,Homework (12)\n"
        "    Points Possible,,,,,,,10\n"
        '"Lovelace, Ada",101,S-1,ada,Mon,ann,ada@example.edu,7\n',
        encoding="utf-8",
    )
    read = roster.read(path)
    assert read.fields == {"name", "id", "sis_user_id", "login", "section", "email"}
    (ann,) = read.members
    assert (ann.folder, ann.name, ann.id, ann.login, ann.email, ann.line) == (
        "ann", "Lovelace, Ada", "101", "ada", "ada@example.edu", 3,
    )  # fmt: skip


def test_a_semicolon_roster_with_moodle_columns(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("folder;username;ID number\nann;ann01;9001\n\nben;ben02;9002\n")
    read = roster.read(path)
    assert read.fields == {"username", "idnumber"}
    assert [(m.folder, m.username, m.idnumber, m.line) for m in read.members] == [
        ("ann", "ann01", "9001", 2), ("ben", "ben02", "9002", 4),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("student,email\nann,a@x\n", "has no 'folder' column (its columns: 'student', 'email')"),
        ("folder,email\nann,a@x\nann,b@x\n", "line 3: folder 'ann' is already on line 2"),
        ("folder,email\n,a@x\n", "line 2: the 'folder' cell is empty"),
        ("", "is empty"),
    ],
)
def test_a_bad_roster_is_one_clear_error(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(GraderError, match=re.escape(says)):
        roster.read(path)


# -- the files -------------------------------------------------------------------------------


def book() -> Gradebook:
    cells = {
        "ann": {"count-sync": Cell(CellState.GRADED, 7.5), "count-async": Cell(CellState.ERROR)},
        "ben": {"count-sync": Cell(CellState.MISSING), "count-async": Cell(CellState.UNGRADED)},
    }
    return Gradebook(["count-sync", "count-async"], {"count-sync": 10, "count-async": 8}, cells)


def members() -> list[roster.Member]:
    return [
        roster.Member("ann", 2, name="Lovelace, Ada", id="101", login="ada", email="ada@x.edu"),
        roster.Member("ben", 3, sis_user_id="S-2", section="Tue", username="ben02"),
    ]


def test_canvas_file_follows_canvas_s_import_layout() -> None:
    assignments, points, students = canvas_import(canvas.to_csv(book(), members()))
    assert assignments == ["count-sync", "count-async"]
    assert points == {"count-sync": 10, "count-async": 8}
    ann, ben = students
    assert (ann["ID"], ann["SIS Login ID"], ann["count-sync"], ann["count-async"]) == (
        "101", "ada", "7.5", "0",
    )  # fmt: skip
    # Missing scores 0, as in grades.csv; not graded yet stays empty (Canvas keeps its grade).
    assert (ben["SIS User ID"], ben["Section"], ben["count-sync"], ben["count-async"]) == (
        "S-2", "Tue", "0", "",
    )  # fmt: skip


def test_moodle_file_follows_moodle_s_import_layout() -> None:
    text = moodle.to_csv(book(), members(), {"email", "username"})
    assert text.splitlines()[0] == "Email address,Username,count-sync,count-async"
    by_name = moodle_import(moodle.to_csv(book(), members()[1:], {"email", "username"}), "Username")
    assert by_name == {"ben02": {"count-sync": "0", "count-async": ""}}
    by_email = moodle_import(moodle.to_csv(book(), members()[:1], {"email"}), "Email address")
    assert by_email == {"ada@x.edu": {"count-sync": "7.5", "count-async": "0"}}


def test_batch_with_a_roster_writes_both_files_and_names_the_mismatches(
    tmp_path: Path,
    fake: FakeGrader,
) -> None:
    class_dir = small_class(tmp_path / "class")  # ann, ben, cat, dan, eve
    path = tmp_path / "roster.csv"
    path.write_text(
        "folder,name,id,email\n"
        "ann,Ann A,1,ann@x.edu\nben,Ben B,2,ben@x.edu\nzoe,Zoe Z,9,zoe@x.edu\n"
        "cat,Cat C,3,cat@x.edu\ndan,Dan D,4,dan@x.edu\n"
    )
    out = tmp_path / "out"
    done = CliRunner().invoke(
        cli, ["batch", str(class_dir), "--out", str(out), "--roster", str(path)]
    )
    assert done.exit_code == 0, done.output
    _, points, students = canvas_import((out / "canvas-grades.csv").read_text())
    assert [s["Student"] for s in students] == ["Ann A", "Ben B", "Cat C", "Dan D"]
    assert points == {"count-sync": 10, "count-async": 10}
    assert students[3]["count-sync"] == "10" and students[0]["count-async"] == "0"
    users = moodle_import((out / "moodle-grades.csv").read_text(), "Email address")
    assert list(users) == ["ann@x.edu", "ben@x.edu", "cat@x.edu", "dan@x.edu"]
    assert f"wrote {out / 'canvas-grades.csv'} (4 students)" in done.output
    assert "1 roster row with no folder in the class" in done.output
    assert "  line 4: zoe" in done.output
    assert "1 folder with no roster row" in done.output and "\n  eve\n" in done.output + "\n"


def test_a_roster_row_a_spreadsheet_would_run_is_left_out_and_said(
    tmp_path: Path,
    fake: FakeGrader,
) -> None:
    """OWASP's CSV injection: a name such as =HYPERLINK(...) is a live link in a spreadsheet."""
    class_dir = small_class(tmp_path / "class")
    touch(class_dir / "=cmd" / "count-sync.py", "right")  # a folder named as a formula
    path = tmp_path / "roster.csv"
    path.write_text(
        "folder,name,id,email\n"
        'ann,"=HYPERLINK(""http://x"",""y"")",1,ann@x.edu\nben,Ben B,2,ben@x.edu\n'
        "cat,Cat C,3,@cat\n"
    )
    out = tmp_path / "out"
    done = CliRunner().invoke(
        cli, ["batch", str(class_dir), "--out", str(out), "--roster", str(path)]
    )
    assert done.exit_code == 0, done.output
    _, _, students = canvas_import((out / "canvas-grades.csv").read_text())
    assert [s["Student"] for s in students] == ["Ben B"]
    assert list(moodle_import((out / "moodle-grades.csv").read_text(), "Email address")) == [
        "ben@x.edu"
    ]
    assert "2 roster rows with a cell a spreadsheet would run as a formula" in done.output
    assert "  line 2: ann\n  line 4: cat" in done.output
    grades = list(csv.reader(io.StringIO((out / "grades.csv").read_text())))
    assert [row[0] for row in grades[1:]] == ["'=cmd", "ann", "ben", "cat", "dan", "eve"]


def test_a_roster_without_moodle_identities_writes_canvas_only(
    tmp_path: Path,
    fake: FakeGrader,
) -> None:
    class_dir = tmp_path / "class"
    touch(class_dir / "ann" / "count-sync.py", "right")
    path = tmp_path / "roster.csv"
    path.write_text("folder,login\nann,ann01\n")
    out = tmp_path / "out"
    done = CliRunner().invoke(
        cli, ["batch", str(class_dir), "--out", str(out), "--roster", str(path)]
    )
    assert done.exit_code == 0, done.output
    assert (out / "canvas-grades.csv").is_file() and not (out / "moodle-grades.csv").exists()
    assert "did not write moodle-grades.csv: the roster has no column Moodle finds" in done.output


def test_a_bad_roster_stops_the_batch_before_grading(
    tmp_path: Path,
    fake: FakeGrader,
) -> None:
    class_dir = small_class(tmp_path / "class")
    path = tmp_path / "roster.csv"
    path.write_text("name,email\nAnn,ann@x.edu\n")
    done = CliRunner().invoke(
        cli, ["batch", str(class_dir), "--out", str(tmp_path / "out"), "--roster", str(path)]
    )
    assert done.exit_code == 2 and done.output.count("\n") == 1, done.output
    assert "has no 'folder' column" in done.output and not fake.calls
