"""What the pages and endpoints show, read from the database: statuses, grades, the class.

A student is only ever shown `public` reports: hidden checks keep their
name, status and score, and lose every detail (message, expected and
measured values, hints, diagnostics, timeline), as Gradescope's
`--hidden-details never` does.

Which submission counts: a student's latest for each exercise. Its grade is
that of the newest round applied to it (round 0 is its first grading; a
regrade round counts once the teacher applied it).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, func, insert, select, update
from sqlalchemy.orm import Session

from grader.grading.report import Failure, Report, Visibility
from grader.outputs.gradebook import Cell, CellState, Gradebook
from grader.server.models import Grade, Job, Regrade, Student, Submission
from grader.server.queue import REGRADE


def public(report: Report) -> Report:
    """The report with every hidden check's details taken out."""
    checks = [
        check
        if check.visibility is Visibility.PUBLIC
        else dataclasses.replace(
            check,
            message="",
            failure=Failure(),
            diagnostics=[],
            timeline=None,
            observed=None,
        )
        for check in report.checks
    ]
    return dataclasses.replace(report, checks=checks)


@dataclass(frozen=True)
class Status:
    """Where a submission is: queued, grading or graded, and its report once graded."""

    id: int
    student_id: int
    student: str
    exercise: str
    filename: str
    submitted_at: float
    late: bool
    state: str  # queued, grading, graded
    ahead: int  # jobs before it in the queue, while queued
    report: Report | None
    checks: list[dict[str, str]]  # while grading: each check's name and status so far

    def to_dict(self, hidden_details: bool = False) -> dict[str, Any]:
        report = self.report if hidden_details or self.report is None else public(self.report)
        return {
            "id": self.id, "exercise": self.exercise, "student": self.student,
            "filename": self.filename, "submitted_at": self.submitted_at, "late": self.late,
            "status": self.state, "ahead": self.ahead, "checks": self.checks,
            "report": report.to_dict() if report is not None else None,
        }  # fmt: skip


def applied_rounds(session: Any) -> set[int]:
    rounds = session.execute(select(Regrade.id).where(Regrade.applied_at.is_not(None)))
    return {0, *rounds.scalars()}


def _current(grades: Iterable[Grade], applied: set[int]) -> Grade | None:
    counted = [g for g in grades if g.round in applied]
    return max(counted, key=lambda g: g.round) if counted else None


def status(engine: Engine, submission_id: int) -> Status | None:
    """A submission's status, or None when there is no such submission."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        row = session.execute(
            select(Submission, Student.name)
            .join(Student, Student.id == Submission.student_id)
            .where(Submission.id == submission_id)
        ).first()
        if row is None:
            return None
        submission, name = row
        grades = session.execute(
            select(Grade).where(Grade.submission_id == submission_id)
        ).scalars()
        grade = _current(list(grades), applied_rounds(session))
        job = session.execute(
            select(Job).where(Job.submission_id == submission_id, Job.round == 0)
        ).scalar()
        ahead = 0
        state = "graded"
        if grade is None:
            state = "grading" if job is not None and job.state == "running" else "queued"
            if job is not None and state == "queued":
                ahead = session.execute(
                    select(func.count(Job.id)).where(
                        Job.state == "queued", Job.id < job.id, Job.priority <= job.priority
                    )
                ).scalar_one()
    report = Report.from_dict(json.loads(grade.report)) if grade is not None else None
    checks = json.loads(job.progress) if state == "grading" and job and job.progress else []
    return Status(
        submission.id, submission.student_id, name, submission.exercise, submission.filename,
        submission.submitted_at, submission.late, state, int(ahead), report, checks,
    )  # fmt: skip


@dataclass(frozen=True)
class Row:
    """One submission in a history list."""

    id: int
    exercise: str
    submitted_at: float
    late: bool
    score: float | None
    max_score: float | None
    state: str


def history(engine: Engine, student_id: int) -> list[Row]:
    """A student's submissions, newest first."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        applied = applied_rounds(session)
        submissions = session.execute(
            select(Submission.id, Submission.exercise, Submission.submitted_at, Submission.late)
            .where(Submission.student_id == student_id)
            .order_by(Submission.id.desc())
        ).all()
        grades = _grades_of(session, [s.id for s in submissions])
        running = set(
            session.execute(
                select(Job.submission_id).where(
                    Job.state == "running",
                    Job.round == 0,
                    Job.submission_id.in_([s.id for s in submissions]),
                )
            ).scalars()
        )
    rows = []
    for s in submissions:
        grade = _current(grades.get(s.id, []), applied)
        state = "graded" if grade else ("grading" if s.id in running else "queued")
        rows.append(
            Row(
                s.id,
                s.exercise,
                s.submitted_at,
                s.late,
                grade.score if grade else None,
                grade.max_score if grade else None,
                state,
            )
        )
    return rows


def _grades_of(session: Any, ids: Sequence[int]) -> dict[int, list[Grade]]:
    found: dict[int, list[Grade]] = {}
    if not ids:
        return found
    for grade in session.execute(select(Grade).where(Grade.submission_id.in_(ids))).scalars():
        found.setdefault(grade.submission_id, []).append(grade)
    return found


@dataclass(frozen=True)
class Counted:
    """A student's counted submission for an exercise, and its current grade."""

    student: str
    student_id: int
    exercise: str
    submission_id: int
    late: bool
    grade: Grade | None


def counted(engine: Engine) -> list[Counted]:
    """Every student's latest submission per exercise, with its current grade."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        applied = applied_rounds(session)
        latest = (
            select(func.max(Submission.id)).group_by(Submission.student_id, Submission.exercise)
        ).scalar_subquery()
        rows = session.execute(
            select(Submission.id, Submission.exercise, Submission.late, Student.name, Student.id)
            .join(Student, Student.id == Submission.student_id)
            .where(Submission.id.in_(latest))
        ).all()
        grades = _grades_of(session, [r[0] for r in rows])
    return [
        Counted(name, sid, exercise, sub_id, late, _current(grades.get(sub_id, []), applied))
        for sub_id, exercise, late, name, sid in rows
    ]


def students(engine: Engine) -> list[tuple[int, str, str]]:
    """Every student: id, name and roster row (JSON), by name."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        return [
            (r.id, r.name, r.lms)
            for r in session.execute(
                select(Student.id, Student.name, Student.lms).order_by(Student.name)
            )
        ]


def class_book(
    engine: Engine, exercises: dict[str, float]
) -> tuple[Gradebook, dict[tuple[str, str], Report]]:
    """The class's gradebook and the counted reports, as `grader batch` would have them."""
    book = Gradebook(exercises=list(exercises), max_scores=dict(exercises))
    for _, name, _ in students(engine):
        book.rows[name] = {e: Cell(CellState.MISSING) for e in exercises}
    reports: dict[tuple[str, str], Report] = {}
    for c in counted(engine):
        if c.exercise not in exercises:
            continue
        if c.grade is None:
            book.rows[c.student][c.exercise] = Cell(CellState.UNGRADED)
            continue
        report = Report.from_dict(json.loads(c.grade.report))
        reports[(c.student, c.exercise)] = report
        state = CellState.ERROR if c.grade.status == "error" else CellState.GRADED
        book.rows[c.student][c.exercise] = Cell(state, c.grade.score)
    return book, reports


def version(engine: Engine) -> str:
    """Changes whenever a submission or a grade is added: the live pages poll it."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        grades = session.execute(select(func.count(Grade.id))).scalar_one()
        submissions = session.execute(select(func.max(Submission.id))).scalar()
        running = session.execute(
            select(func.count(Job.id)).where(Job.state == "running")
        ).scalar_one()
        applied = len(applied_rounds(session))
    return f"{grades}-{submissions or 0}-{running}-{applied}"


# -- regrading --------------------------------------------------------------------------


def start_regrade(engine: Engine) -> int:
    """Queue a new grading of every counted submission, as a round to preview; its number."""
    targets = counted(engine)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        round_id = session.execute(
            insert(Regrade).values(created_at=time.time()).returning(Regrade.id)
        ).scalar_one()
        for c in targets:
            session.execute(
                insert(Job).values(
                    submission_id=c.submission_id,
                    student_id=c.student_id,
                    round=round_id,
                    priority=REGRADE,
                    state="queued",
                    attempts=0,
                )
            )
    return int(round_id)


@dataclass(frozen=True)
class Change:
    """One counted submission in a regrade round: its score before and after."""

    student: str
    exercise: str
    submission_id: int
    old: float | None
    new: float | None  # None while the round grades it
    max_score: float | None


def regrade_preview(engine: Engine, round_id: int) -> tuple[Regrade | None, list[Change]]:
    """A round, and for each submission it regrades, the old and new scores."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        round_row = session.execute(select(Regrade).where(Regrade.id == round_id)).scalar()
        if round_row is None:
            return None, []
        applied = applied_rounds(session) - {round_id}
        jobs = session.execute(
            select(Job.submission_id, Submission.exercise, Student.name)
            .join(Submission, Submission.id == Job.submission_id)
            .join(Student, Student.id == Job.student_id)
            .where(Job.round == round_id)
            .order_by(Student.name, Submission.exercise)
        ).all()
        grades = _grades_of(session, [j[0] for j in jobs])
    changes = []
    for submission_id, exercise, name in jobs:
        mine = grades.get(submission_id, [])
        before = _current([g for g in mine if g.round < round_id], applied)
        after = next((g for g in mine if g.round == round_id), None)
        changes.append(
            Change(
                name,
                exercise,
                submission_id,
                before.score if before else None,
                after.score if after else None,
                shown.max_score if (shown := after or before) else None,
            )
        )
    return round_row, changes


def apply_regrade(engine: Engine, round_id: int) -> bool:
    """Make a fully graded round's scores count; False if it is not finished or unknown."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        pending = session.execute(
            select(func.count(Job.id)).where(Job.round == round_id, Job.state != "done")
        ).scalar_one()
        if pending:
            return False
        done = session.execute(
            update(Regrade)
            .where(Regrade.id == round_id, Regrade.applied_at.is_(None))
            .values(applied_at=time.time())
        )
    return bool(cast(CursorResult[Any], done).rowcount)


def rounds(engine: Engine) -> list[Regrade]:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        return list(session.execute(select(Regrade).order_by(Regrade.id.desc())).scalars())


def student_version(engine: Engine, student_id: int) -> str:
    """Changes whenever one of the student's submissions moves on, check by check too."""
    with Session(engine) as session:
        rows = session.execute(
            select(Submission.id, Job.state, Job.progress)
            .join(Job, Job.submission_id == Submission.id)
            .where(Submission.student_id == student_id, Job.round == 0)
            .order_by(Submission.id)
        ).all()
    marks = [f"{i}:{state}:{len(progress or '')}" for i, state, progress in rows]
    return "|".join(marks)
