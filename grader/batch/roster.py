"""A class roster: which LMS account each student folder of a class belongs to.

The roster is a CSV file with a header row and one row per student. Its one
required column is `folder`, the student's folder in the class folder; the
others say who the student is in the LMS, each under its own name or under
the name the LMS's own gradebook export uses (so a Canvas export with a
`folder` column added is a roster):

    roster column     aliases                      written to
    folder                                         (matched to the class folder)
    name              student, full name           Canvas "Student"
    id                canvas id, canvas user id    Canvas "ID"
    sis_user_id                                    Canvas "SIS User ID"
    login             sis_login_id                 Canvas "SIS Login ID"
    section                                        Canvas "Section"
    email             email address                Moodle "Email address"
    username                                       Moodle "Username"
    idnumber          id number                    Moodle "ID number"

Column names are matched without regard to case, spaces, hyphens or
underscores; other columns are ignored.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from grader.errors import GraderError, MissingFile


class BadRoster(GraderError):
    """The roster file cannot be read as a roster."""


#: Each roster field and the column names it is read from, normalized (see `_key`).
COLUMNS: dict[str, tuple[str, ...]] = {
    "folder": ("folder",),
    "name": ("name", "student", "fullname", "studentname"),
    "id": ("id", "canvasid", "canvasuserid", "userid"),
    "sis_user_id": ("sisuserid",),
    "login": ("login", "sisloginid", "loginid"),
    "section": ("section",),
    "email": ("email", "emailaddress"),
    "username": ("username",),
    "idnumber": ("idnumber",),
}


@dataclass(frozen=True)
class Member:
    """One row of the roster: a student folder and who that student is in the LMS."""

    folder: str
    line: int  # in the roster file, for messages
    name: str = ""
    id: str = ""
    sis_user_id: str = ""
    login: str = ""
    section: str = ""
    email: str = ""
    username: str = ""
    idnumber: str = ""


@dataclass
class Roster:
    """The rows of a roster file, and which LMS identities its columns hold."""

    path: Path
    members: list[Member]
    fields: set[str] = field(default_factory=set)  # the fields that have a column

    def by_folder(self) -> dict[str, Member]:
        return {m.folder: m for m in self.members}


@dataclass(frozen=True)
class Match:
    """How a roster and a class folder line up."""

    matched: list[Member]  # roster rows with a student folder, in roster order
    without_folder: list[Member]  # roster rows whose folder is not in the class
    without_row: list[str]  # student folders no roster row names


def _key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.strip().lower())


def read(path: Path) -> Roster:
    """Read a roster file; a missing `folder` column or a repeated folder is a BadRoster."""
    rows = _rows(path)
    where = _columns(path, rows[0])
    return Roster(path, _members(path, rows, where), set(where) - {"folder"})


def _rows(path: Path) -> list[list[str]]:
    """The roster's rows, the header first (a file of none is a BadRoster)."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # spreadsheets often write a BOM
    except FileNotFoundError:
        raise MissingFile(f"no roster at {path}") from None
    except UnicodeDecodeError:
        raise BadRoster(f"{path} is not UTF-8 text: export the roster as CSV UTF-8") from None
    except OSError as error:
        raise MissingFile(f"cannot read the roster {path}: {error.strerror or error}") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:  # a field over csv's size limit, a stray NUL
        raise BadRoster(f"{path} is not a CSV file the grader can read: {error}") from None
    if not rows:
        raise BadRoster(f"{path} is empty: expected a header row with a 'folder' column")
    return rows


def _columns(path: Path, first: list[str]) -> dict[str, int]:
    """Which column holds what, by the header row `first`; it must name the folder."""
    header = [_key(h) for h in first]
    where: dict[str, int] = {}
    for name, aliases in COLUMNS.items():
        found = [i for i, h in enumerate(header) if h in aliases]
        if found:
            where[name] = found[0]
    if "folder" not in where:
        shown = ", ".join(repr(h) for h in first) or "none"
        raise BadRoster(
            f"{path} has no 'folder' column (its columns: {shown}); add one that names each "
            "student's folder in the class folder"
        )
    return where


def _members(path: Path, rows: list[list[str]], where: dict[str, int]) -> list[Member]:
    """A member for each row below the header; each folder on one row only."""
    members: list[Member] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row) or (row and row[0].strip() == "Points Possible"):
            continue  # blank, or the points row of a Canvas export
        values = {name: row[i].strip() if i < len(row) else "" for name, i in where.items()}
        folder = values.pop("folder")
        if not folder:
            raise BadRoster(f"{path}, line {line}: the 'folder' cell is empty")
        if folder in seen:
            raise BadRoster(
                f"{path}, line {line}: folder {folder!r} is already on line {seen[folder]}"
            )
        seen[folder] = line
        members.append(Member(folder=folder, line=line, **values))
    return members


#: How many of a long list of names a message quotes.
QUOTED = 3


def require_a_match(roster: Roster, students: Iterable[str]) -> None:
    """A roster that names none of the class's folders is the wrong one: BadRoster, at once.

    Its gradebook files would be empty, which an LMS takes without a word.
    """
    folders = list(students)
    if not roster.members:
        raise BadRoster(f"{roster.path} has a header and no student rows")
    if match(roster, folders).matched:
        return
    named = ", ".join(repr(m.folder) for m in roster.members[:QUOTED])
    present = ", ".join(repr(f) for f in folders[:QUOTED])
    more = "..." if len(roster.members) > QUOTED else ""
    raise BadRoster(
        f"{roster.path} names none of the class's {len(folders)} student folders "
        f"({len(roster.members)} rows, the first naming {named}{more}; the class has "
        f"{present}{'...' if len(folders) > QUOTED else ''}): is it this class's roster, "
        "with each student's folder name in its 'folder' column?"
    )


def match(roster: Roster, students: Iterable[str]) -> Match:
    """Line the roster up with the class's student folders."""
    folders = list(students)
    present = set(folders)
    named = {m.folder for m in roster.members}
    return Match(
        matched=[m for m in roster.members if m.folder in present],
        without_folder=[m for m in roster.members if m.folder not in present],
        without_row=[f for f in folders if f not in named],
    )
