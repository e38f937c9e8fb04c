"""The class's grades in the files teachers take elsewhere, made by the batch's own writers.

grades.csv is `grader batch`'s gradebook; the Canvas and Moodle files are
its LMS writers fed with the roster rows the server was started with; the
class folder is what `grader batch` reads (`<student>/<exercise>.py`, or
`.ipynb` for a notebook, each student's counted submission), zipped.
"""

from __future__ import annotations

import io
import json
import zipfile

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from grader.batch.roster import Member
from grader.course.catalog import Exercise
from grader.outputs import canvas, moodle
from grader.outputs.gradebook import Gradebook, formula_like
from grader.server import intake, views
from grader.server.models import Submission


def _book(engine: Engine, exercises: list[Exercise]) -> Gradebook:
    book, _ = views.class_book(engine, {e.id: e.points for e in exercises})
    return book


def grades_csv(engine: Engine, exercises: list[Exercise]) -> str:
    return _book(engine, exercises).to_csv()


def _members(engine: Engine) -> tuple[list[Member], set[str]]:
    """The roster rows (without any a spreadsheet would run as a formula) and their fields."""
    members: list[Member] = []
    fields: set[str] = set()
    for line, (_, name, lms) in enumerate(views.students(engine), start=2):
        row = {k: str(v) for k, v in json.loads(lms or "{}").items() if k != "folder"}
        fields |= {k for k, v in row.items() if v}
        member = Member(folder=name, line=line, **row)
        if not any(formula_like(v) for v in [name, *row.values()]):
            members.append(member)
    return members, fields


def canvas_csv(engine: Engine, exercises: list[Exercise]) -> str:
    members, _ = _members(engine)
    return canvas.to_csv(_book(engine, exercises), members)


def moodle_csv(engine: Engine, exercises: list[Exercise]) -> str:
    members, fields = _members(engine)
    return moodle.to_csv(_book(engine, exercises), members, fields)


def class_zip(engine: Engine) -> bytes:
    """The class folder `grader batch` reads, as a zip: each counted submission's file."""
    counted = {c.submission_id: c for c in views.counted(engine)}
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        Session(engine) as session,
    ):
        rows = session.execute(
            select(Submission.id, Submission.filename, Submission.content).where(
                Submission.id.in_(list(counted))
            )
        ).all()
        for submission_id, filename, content in rows:
            c = counted[submission_id]
            kind = intake.suffix(filename)  # a notebook stays one: `grader batch` reads both
            archive.writestr(f"class/{c.student}/{c.exercise}{kind}", bytes(content))
    return buffer.getvalue()
