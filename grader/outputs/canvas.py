"""A class's grades as a Canvas gradebook import file (Grades > Import).

Canvas reads the layout of its own gradebook export: a header row whose
first columns say who the student is, `Student`, `ID`, `SIS User ID`,
`SIS Login ID` and `Section` (the last of them must be `Section`), then one
column per assignment; a second row whose first cell is `Points Possible`
gives each assignment's points. Canvas finds each student by `ID` (the
Canvas user id), else by `SIS User ID` or `SIS Login ID`, else by name. An
assignment column is matched by its header, `Title (assignment id)` as an
export writes it, or by the title alone; a header that matches no assignment
makes a new one, worth its Points Possible. The columns here are named by
exercise id. A total column is left out: Canvas would import it as one more
assignment.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from grader.batch.roster import Member
from grader.outputs.gradebook import Cell, CellState, Gradebook

#: The import file's name in a batch's output folder.
FILE = "canvas-grades.csv"
#: The student columns of a Canvas gradebook, in the order Canvas requires.
STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
#: The first cell of the row that gives each assignment's points.
POINTS_POSSIBLE = "Points Possible"
#: The roster fields Canvas can find a student by (see `grader.batch.roster`).
IDENTITIES = ("id", "sis_user_id", "login", "name")


def grade_cell(cell: Cell) -> str:
    """A score, 0 for a missing submission (as in grades.csv), empty when not graded yet.

    An empty cell leaves Canvas's grade as it is: a grading that did not
    finish must not overwrite a grade with 0.
    """
    if cell.state is CellState.UNGRADED:
        return ""
    return f"{cell.score:g}"


def to_csv(book: Gradebook, members: Sequence[Member]) -> str:
    """The import file for the students of `members` (roster rows with a folder)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*STUDENT_COLUMNS, *book.exercises])
    blanks = [""] * (len(STUDENT_COLUMNS) - 1)
    writer.writerow(
        [POINTS_POSSIBLE, *blanks, *(f"{book.max_scores[e]:g}" for e in book.exercises)]
    )
    for member in members:
        row = book.rows[member.folder]
        who = [member.name, member.id, member.sis_user_id, member.login, member.section]
        writer.writerow([*who, *(grade_cell(row[e]) for e in book.exercises)])
    return buffer.getvalue()
