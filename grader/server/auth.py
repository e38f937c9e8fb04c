"""Who is asking: students by personal token, the teacher by the teacher's token.

Tokens are random (192 bits) and stored only as their SHA-256: a leaked
database hands out no sign-in. A token is high-entropy, so a plain hash is
as good as a slow one here and lets a token be looked up by its hash. A
browser signs in once with its link and then carries a signed session
cookie (`itsdangerous`, through Starlette's SessionMiddleware) naming who it
is and the hash's first characters, so a new link ends the old sessions.
Forms carry the session's CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from grader.server.models import Setting, Student

TEACHER = "teacher_token_hash"
SESSION_KEY = "session_key"


@dataclass(frozen=True)
class Who:
    """A signed-in user: the teacher, or a student by id and name."""

    teacher: bool
    student_id: int | None = None
    name: str = ""


class Refusal(Exception):
    """A request refused with a message a person understands, and an HTTP status."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def new_token() -> str:
    return secrets.token_urlsafe(24)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def setting(engine: Engine, key: str) -> str | None:
    with Session(engine, expire_on_commit=False) as session, session.begin():
        return session.execute(select(Setting.value).where(Setting.key == key)).scalar()


def session_key(engine: Engine) -> str:
    """The key session cookies are signed with, made once and kept in the database."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        found = session.execute(select(Setting.value).where(Setting.key == SESSION_KEY)).scalar()
        if found is None:
            found = secrets.token_urlsafe(32)
            session.execute(insert(Setting).values(key=SESSION_KEY, value=found))
        return str(found)


def who_by_token(engine: Engine, token: str) -> Who:
    """The user a token belongs to; a Refusal for a forged or an expired one."""
    hashed = digest(token)
    teacher = setting(engine, TEACHER)
    if teacher is not None and same(teacher, hashed):
        return Who(teacher=True)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        student = session.execute(select(Student).where(Student.token_hash == hashed)).first()
    if student is None:
        raise Refusal(
            "this sign-in link or token is not valid: check that you copied all of it, or ask "
            "your teacher for your link",
            403,
        )
    row = student[0]
    if row.token_expires < time.time():
        raise Refusal("this sign-in link has expired: ask your teacher for a new one", 403)
    return Who(teacher=False, student_id=row.id, name=row.name)


def who_by_session(engine: Engine, session: dict[str, object]) -> Who | None:
    """The user a session cookie names, if the token it was made from still holds."""
    kind, mark = session.get("who"), session.get("mark")
    if not isinstance(mark, str):
        return None
    if kind == "teacher":
        teacher = setting(engine, TEACHER) or ""
        return Who(teacher=True) if same(teacher[:16], mark) else None
    student_id = session.get("student")
    if kind != "student" or not isinstance(student_id, int):
        return None
    with Session(engine, expire_on_commit=False) as db, db.begin():
        row = db.execute(select(Student).where(Student.id == student_id)).scalar()
    if row is None or not same(row.token_hash[:16], mark) or row.token_expires < time.time():
        return None
    return Who(teacher=False, student_id=row.id, name=row.name)


def open_session(session: dict[str, object], who: Who, hashed: str) -> None:
    """Fill a fresh session for `who`, signed in with the token whose hash is `hashed`."""
    session.clear()
    session["who"] = "teacher" if who.teacher else "student"
    session["mark"] = hashed[:16]
    if who.student_id is not None:
        session["student"] = who.student_id
    session["csrf"] = secrets.token_urlsafe(24)


def check_csrf(session: dict[str, object], given: object) -> None:
    """Refuse a form whose CSRF token is not this session's."""
    expected = session.get("csrf")
    if not isinstance(expected, str) or not isinstance(given, str) or not same(expected, given):
        raise Refusal(
            "this form has expired or did not come from this site: reload the page and try again",
            403,
        )
