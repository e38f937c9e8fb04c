"""The grading queue, in the database: enqueue, claim, keep, finish or give back a job.

A job is claimed atomically and leased: its owner renews the lease while it
grades (`renew`), and a job whose lease ran out (its worker or the whole
server was killed) is claimed again by whoever asks next. A grade is
written in the same transaction that closes the job, and only by the job's
current owner; the grades table holds one grade per submission and round,
so a late answer from a grading presumed dead is dropped, never counted
twice.

Order: a student's first gradings before regrades, then oldest first; but a
student with a grading in flight waits while others' jobs go ahead (their
next job runs only when nobody else's is waiting), so one student handing
in a hundred files cannot hold up the class. Last come the jobs put off
(`put_off`): gradings the machine kept too busy to time, graded again
alone, as `grader batch` does: one is claimed only when no other job runs,
and while it runs nothing else is claimed.

PostgreSQL picks the job with SELECT ... FOR UPDATE SKIP LOCKED: claimers
never wait for one another. SQLite has one writer at a time (every
transaction is BEGIN IMMEDIATE, `grader.server.database`), so one
conditional UPDATE ... RETURNING is atomic there.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from grader.server.database import is_sqlite
from grader.server.models import Grade, Job, Student, Submission

#: Jobs of students' own submissions; regrade rounds come after them; then those put off.
FIRST = 0
REGRADE = 1
LATER = 2


@dataclass(frozen=True)
class Claimed:
    """A job now owned by one dispatcher, with what it needs to grade it."""

    job_id: int
    submission_id: int
    round: int
    attempts: int
    exercise: str
    filename: str
    content: bytes
    student: str


def _claimable(now: float) -> Any:
    """Queued, or running on a lease that ran out (its grader is gone)."""
    return (Job.state == "queued") | ((Job.state == "running") & (Job.lease_until < now))


def _busy_student(now: float) -> Any:
    """The job's student has another grading in flight, on a live lease."""
    other = aliased(Job)
    return exists().where(
        other.student_id == Job.student_id,
        other.state == "running",
        other.lease_until >= now,
        other.id != Job.id,
    )


def _running(now: float, *, later: bool = False) -> Any:
    """Another job is grading on a live lease (`later`: one put off, which grades alone)."""
    other = aliased(Job)
    return exists().where(
        other.state == "running",
        other.lease_until >= now,
        other.id != Job.id,
        *((other.priority == LATER,) if later else ()),
    )


def claim(engine: Engine, owner: str, lease: float) -> Claimed | None:
    """Take the next job for `owner`, leased for `lease` seconds; None when there is none."""
    now = time.time()
    order = (Job.priority, Job.id)
    # A job put off grades alone: claimed only when nothing runs, and nothing beside it.
    alone = ~_running(now, later=True) & ((Job.priority < LATER) | ~_running(now))
    with engine.begin() as connection:
        job_id: int | None = None
        # Another student's job first; a busy student's next one only when nobody else waits.
        for condition in (alone & _claimable(now) & ~_busy_student(now), alone & _claimable(now)):
            pick = select(Job.id).where(condition).order_by(*order).limit(1)
            if not is_sqlite(engine):
                pick = pick.with_for_update(skip_locked=True)
            job_id = connection.execute(pick).scalar()
            if job_id is not None:
                break
        if job_id is None:
            return None
        row = connection.execute(
            update(Job)
            .where(Job.id == job_id, _claimable(now))
            .values(
                state="running",
                owner=owner,
                lease_until=now + lease,
                attempts=Job.attempts + 1,
                started_at=now,
            )
            .returning(Job.submission_id, Job.round, Job.attempts)
        ).first()
        if row is None:  # taken meanwhile (PostgreSQL without the lock cannot get here)
            return None
        found = connection.execute(
            select(Submission.exercise, Submission.filename, Submission.content, Student.name)
            .join(Student, Student.id == Submission.student_id)
            .where(Submission.id == row.submission_id)
        ).one()
    return Claimed(
        job_id, row.submission_id, row.round, row.attempts, found.exercise, found.filename,
        bytes(found.content), found.name,
    )  # fmt: skip


def renew(engine: Engine, job_id: int, owner: str, lease: float) -> bool:
    """Extend `owner`'s lease on the job; False when the job is no longer theirs."""
    with engine.begin() as connection:
        done = connection.execute(
            update(Job)
            .where(Job.id == job_id, Job.owner == owner, Job.state == "running")
            .values(lease_until=time.time() + lease)
        )
    return bool(done.rowcount)


def note_progress(engine: Engine, job_id: int, owner: str, progress: str) -> None:
    """Record the checks graded so far (JSON), while `owner` holds the job."""
    with engine.begin() as connection:
        connection.execute(
            update(Job)
            .where(Job.id == job_id, Job.owner == owner, Job.state == "running")
            .values(progress=progress)
        )


def finish(engine: Engine, claimed: Claimed, owner: str, report: dict[str, Any]) -> bool:
    """Record the job's grade and close it, if `owner` still holds it; whether it was recorded."""
    now = time.time()
    try:
        with engine.begin() as connection:
            closed = connection.execute(
                update(Job)
                .where(Job.id == claimed.job_id, Job.owner == owner, Job.state == "running")
                .values(state="done", lease_until=None)
            )
            if not closed.rowcount:
                connection.rollback()
                return False
            connection.execute(
                insert(Grade).values(
                    submission_id=claimed.submission_id,
                    round=claimed.round,
                    score=float(report["score"]),
                    max_score=float(report["max_score"]),
                    status=str(report["status"]),
                    report=json.dumps(report),
                    graded_at=now,
                )
            )
    except IntegrityError:  # graded already: the grade stands, this one is dropped
        return False
    return True


def give_back(engine: Engine, job_id: int, owner: str) -> None:
    """Put `owner`'s job back in the queue, at its place (its worker died, say)."""
    with engine.begin() as connection:
        connection.execute(
            update(Job)
            .where(Job.id == job_id, Job.owner == owner, Job.state == "running")
            .values(state="queued", owner=None, lease_until=None)
        )


def put_off(engine: Engine, job_id: int, owner: str) -> None:
    """Put `owner`'s job back at the end of the queue, to be graded alone (`LATER`)."""
    with engine.begin() as connection:
        connection.execute(
            update(Job)
            .where(Job.id == job_id, Job.owner == owner, Job.state == "running")
            .values(state="queued", owner=None, lease_until=None, priority=LATER)
        )


def waiting(engine: Engine) -> tuple[int, int]:
    """How many jobs are queued and how many running."""
    with engine.begin() as connection:
        rows = dict(
            connection.execute(
                select(Job.state, func.count(Job.id)).where(Job.state != "done").group_by(Job.state)
            ).all()
        )
    return int(rows.get("queued", 0)), int(rows.get("running", 0))
