"""A class's grades as a Moodle grade import file (Grades > Import > CSV file).

Moodle's CSV grade import reads a header row and one row per student. On its
mapping page the teacher picks the column that identifies each user, mapped
to one of Moodle's user fields (email address, username or ID number), and
maps each other column to a grade item. The identifier columns here are named
as Moodle's own grade export names them (`Email address`, `Username`,
`ID number`), the grade columns by exercise id; there is no total column, as
Moodle computes the course total itself.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from grader.batch.roster import Member
from grader.outputs.canvas import grade_cell
from grader.outputs.gradebook import Gradebook

#: The import file's name in a batch's output folder.
FILE = "moodle-grades.csv"

#: The roster fields Moodle can find a user by, and the header each is written under.
IDENTITIES = {"email": "Email address", "username": "Username", "idnumber": "ID number"}


def to_csv(book: Gradebook, members: Sequence[Member], fields: set[str]) -> str:
    """The import file for `members`, identified by the roster's Moodle fields in `fields`."""
    chosen = [f for f in IDENTITIES if f in fields]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*(IDENTITIES[f] for f in chosen), *book.exercises])
    for member in members:
        row = book.rows[member.folder]
        writer.writerow(
            [*(getattr(member, f) for f in chosen), *(grade_cell(row[e]) for e in book.exercises)]
        )
    return buffer.getvalue()
