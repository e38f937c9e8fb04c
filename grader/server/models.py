"""The server's tables: students, submissions, the job queue, grades and regrade rounds.

Times are seconds since the epoch (floats): every process that touches the
queue compares them, and a float means the same on SQLite and PostgreSQL.
The schema is created and changed by the Alembic migrations in
`grader/server/migrations`, never by `create_all`.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """The server's tables."""


class Setting(Base):
    """One server-wide value kept across restarts (the session key, the teacher's token hash)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Student(Base):
    """A student of the roster; signed in by a personal token stored only as its hash."""

    __tablename__ = "students"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # the roster's folder
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_expires: Mapped[float] = mapped_column(Float)
    lms: Mapped[str] = mapped_column(Text, default="{}")  # the roster row, for LMS exports
    bucket: Mapped[float] = mapped_column(Float)  # submissions left in the hourly budget
    bucket_at: Mapped[float] = mapped_column(Float)  # when `bucket` was last brought up to date


class Submission(Base):
    """A file handed in; committed before the student is told it was received."""

    __tablename__ = "submissions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    exercise: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    submitted_at: Mapped[float] = mapped_column(Float)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    # The form's one-time value: a replayed form is refused by this column's uniqueness.
    nonce: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    __table_args__ = (Index("ix_submissions_student_exercise", "student_id", "exercise"),)


class Regrade(Base):
    """A regrade round: every counted submission graded again, applied once the teacher says."""

    __tablename__ = "regrades"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # the round its grades carry
    created_at: Mapped[float] = mapped_column(Float)
    applied_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class Job(Base):
    """A grading to do: a submission's first grading (round 0) or a regrade round's."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # its order in the queue
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"))
    round: Mapped[int] = mapped_column(Integer, default=0)
    priority: Mapped[int] = mapped_column(Integer, default=0)  # students' first gradings first
    state: Mapped[str] = mapped_column(String(16), default="queued")  # queued, running, done
    owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[float | None] = mapped_column(Float, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    # The checks so far while it grades (JSON: [{"name", "status"}], "waiting" until run).
    progress: Mapped[str | None] = mapped_column(Text, nullable=True)
    __table_args__ = (
        UniqueConstraint("submission_id", "round", name="uq_jobs_submission_round"),
        Index("ix_jobs_state_priority", "state", "priority", "id"),
    )


class Grade(Base):
    """The one grade of a submission in a round: the uniqueness is what 'exactly once' rests on."""

    __tablename__ = "grades"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    round: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    report: Mapped[str] = mapped_column(Text)  # the full JSON report, hidden details included
    graded_at: Mapped[float] = mapped_column(Float)
    __table_args__ = (
        UniqueConstraint("submission_id", "round", name="uq_grades_submission_round"),
    )
