"""Taking a submission in: every refusal said plainly, and nothing stored unless accepted.

A submission is committed, with the job that grades it, in one transaction
before the student hears it was received. The hourly budget is a token
bucket kept on the student's row and spent in that same transaction: on
PostgreSQL the row is locked for it, on SQLite the transaction holds the one
write lock, so two submissions at once cannot both spend the last one.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grader.course.catalog import Exercise
from grader.grading.notebook import SUFFIX as NOTEBOOK
from grader.server.auth import Refusal
from grader.server.models import Job, Student, Submission
from grader.server.queue import FIRST
from grader.server.settings import LatePolicy, Settings


@dataclass(frozen=True)
class Accepted:
    submission_id: int
    late: bool


@dataclass(frozen=True)
class Budget:
    """A student's budget as they see it: how many now, how many an hour, when the next comes."""

    left: int
    per_hour: float
    next_in: float  # seconds until one more, 0 when full


def _refill(bucket: float, at: float, now: float, per_hour: float) -> float:
    return min(per_hour, bucket + max(0.0, now - at) * per_hour / 3600)


def budget_of(bucket: float, at: float, settings: Settings, now: float | None = None) -> Budget:
    """What is left of a student's budget now."""
    now = time.time() if now is None else now
    level = _refill(bucket, at, now, settings.budget_per_hour)
    missing = 0.0 if level >= settings.budget_per_hour else 1 - (level % 1)
    return Budget(int(level), settings.budget_per_hour, missing * 3600 / settings.budget_per_hour)


#: What a submission's file may end with: a Python file, or a notebook (its code cells).
SUFFIXES = (".py", NOTEBOOK)


def suffix(filename: str) -> str:
    """What the submission is graded as, by its file's name: `.ipynb` or `.py`."""
    return NOTEBOOK if filename.lower().endswith(NOTEBOOK) else ".py"


def _refuse_kind(filename: str, text: str) -> None:
    """A Refusal for a file that is neither Python nor a notebook Jupyter could open."""
    if not filename.lower().endswith(SUFFIXES):
        raise Refusal(
            f"{PurePath(filename).name} is neither a Python file (.py) nor a notebook "
            "(.ipynb): hand in the file your work is in",
            400,
        )
    if suffix(filename) != NOTEBOOK:
        return
    try:
        cells = json.loads(text).get("cells")
    except (ValueError, AttributeError):
        cells = None
    if not isinstance(cells, list):
        raise Refusal(
            "this .ipynb file is not a notebook Jupyter can open: save it again from Jupyter",
            400,
        )


def _file_names_other_exercise(filename: str, exercise: Exercise, known: set[str]) -> str | None:
    stem = PurePath(filename).stem.replace("_", "-")
    if stem != exercise.id and stem in known:
        return stem
    return None


def accept(
    engine: Engine,
    settings: Settings,
    student_id: int,
    exercise: Exercise | None,
    exercise_asked: str,
    known: set[str],
    filename: str,
    data: bytes,
    nonce: str | None = None,
) -> Accepted:
    """Store a submission and queue its grading, or raise a Refusal saying why not."""
    if exercise is None:
        raise Refusal(f"there is no exercise {exercise_asked!r} on this server", 404)
    if len(data) > settings.max_upload:
        raise Refusal(
            f"the file is too large ({len(data)} bytes); the limit is {settings.max_upload} bytes",
            413,
        )
    if not data.strip():
        raise Refusal("the file is empty: choose your file, or paste your code", 400)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise Refusal(
            f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}): "
            "save it as UTF-8 and hand it in again",
            400,
        ) from None
    _refuse_kind(filename, text)
    other = _file_names_other_exercise(filename, exercise, known)
    if other is not None:
        raise Refusal(
            f"this file is named for {other}, but you chose {exercise.id}: choose the exercise "
            "the file is for",
            400,
        )
    now = time.time()
    deadline = settings.deadline(exercise.id)
    late = deadline is not None and now > deadline
    if late and settings.late is LatePolicy.REFUSE:
        raise Refusal(f"the deadline of {exercise.id} has passed; late work is not accepted", 403)
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            student = session.execute(
                select(Student).where(Student.id == student_id).with_for_update()
            ).scalar_one()
            level = _refill(student.bucket, student.bucket_at, now, settings.budget_per_hour)
            if level < 1:
                wait = math.ceil((1 - level) * 3600 / settings.budget_per_hour / 60)
                raise Refusal(
                    f"you have used your {settings.budget_per_hour:g} submissions for this "
                    f"hour; the next one is possible in {wait} minute{'s' if wait != 1 else ''}",
                    429,
                )
            session.execute(
                update(Student)
                .where(Student.id == student_id)
                .values(bucket=level - 1, bucket_at=now)
            )
            submission_id = session.execute(
                insert(Submission)
                .values(
                    student_id=student_id,
                    exercise=exercise.id,
                    filename=filename[:200],
                    content=data,
                    submitted_at=now,
                    late=late,
                    nonce=nonce,
                )
                .returning(Submission.id)
            ).scalar_one()
            session.execute(
                insert(Job).values(
                    submission_id=submission_id,
                    student_id=student_id,
                    round=0,
                    priority=FIRST,
                    state="queued",
                    attempts=0,
                )
            )
    except IntegrityError:
        raise Refusal(
            "this form was already sent: your submission was received the first time; "
            "open the page again to hand in another",
            409,
        ) from None
    return Accepted(submission_id, late)
