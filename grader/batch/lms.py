"""Gradebook import files for an LMS, from a batch's grades and a roster.

Only roster rows whose folder is in the class go into the files, and only
students a roster row names: a roster row without a folder may be a student
who handed in nothing or a folder named differently, and either way a 0
written for them could overwrite a real grade, so both kinds are listed for
the teacher instead.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from grader.batch.roster import Match, Member, Roster, match, require_a_match
from grader.batch.runner import BatchResult
from grader.outputs import canvas, gradebook, moodle

CANVAS_FILE = canvas.FILE
MOODLE_FILE = moodle.FILE


@dataclass
class LmsExport:
    """What was written for the LMS, and how the roster matched the class."""

    match: Match
    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # a file not written, and why
    formulas: list[Member] = field(default_factory=list)  # rows left out: see `export`


def export(result: BatchResult, roster: Roster) -> LmsExport:
    """Write the Canvas and Moodle import files the roster has identities for.

    A row with a cell a spreadsheet would run as a formula (a name such as
    `=HYPERLINK(...)`) is left out and listed: quoting it would change the
    name or the id the LMS finds the student by.
    """
    require_a_match(roster, result.classroom.students)  # no empty files for the LMS
    lined_up = match(roster, result.classroom.students)
    done = LmsExport(lined_up)
    done.formulas = [m for m in lined_up.matched if _has_a_formula(m)]
    members = [m for m in lined_up.matched if m not in done.formulas]
    if roster.fields & set(canvas.IDENTITIES):
        path = result.out_dir / CANVAS_FILE
        gradebook.write_atomic(path, canvas.to_csv(result.gradebook, members))
        done.written.append(path)
    else:
        done.skipped.append(
            f"{CANVAS_FILE}: the roster has no column Canvas finds students by "
            "(id, sis_user_id, login or name)"
        )
    if roster.fields & set(moodle.IDENTITIES):
        path = result.out_dir / MOODLE_FILE
        gradebook.write_atomic(path, moodle.to_csv(result.gradebook, members, roster.fields))
        done.written.append(path)
    else:
        done.skipped.append(
            f"{MOODLE_FILE}: the roster has no column Moodle finds users by "
            "(email, username or idnumber)"
        )
    return done


def _has_a_formula(member: Member) -> bool:
    return any(
        gradebook.formula_like(str(getattr(member, f.name)))
        for f in dataclasses.fields(member)
        if f.name != "line"
    )
