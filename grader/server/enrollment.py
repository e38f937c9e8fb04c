"""The class as the server knows it: students from the roster, and their sign-in links.

Links are made for students new to the server (a token is stored only as a
hash, so an old one cannot be shown again); `renew_link` makes a new one
for a student who lost theirs, which ends the old one's sessions.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, insert, select, update

from grader.batch import roster as rosters
from grader.server.auth import TEACHER, digest, new_token
from grader.server.models import Setting, Student
from grader.server.settings import Settings


@dataclass
class Links:
    """Sign-in links made now: by student name, and the teacher's if it was made now."""

    students: dict[str, str] = field(default_factory=dict)
    teacher: str | None = None


def sign_in_url(settings: Settings, token: str) -> str:
    return f"{settings.base_url()}/signin/{token}"


def enroll(engine: Engine, settings: Settings, roster_file: Path | None) -> Links:
    """Add the roster's new students, and the teacher's token on first start; their links."""
    made = Links()
    expires = time.time() + settings.links_valid_days * 86400
    members = rosters.read(roster_file).members if roster_file is not None else []
    with engine.begin() as connection:
        if connection.execute(select(Setting.value).where(Setting.key == TEACHER)).scalar() is None:
            token = new_token()
            connection.execute(insert(Setting).values(key=TEACHER, value=digest(token)))
            made.teacher = sign_in_url(settings, token)
        known = set(connection.execute(select(Student.name)).scalars())
        for member in members:
            if member.folder in known:
                continue
            token = new_token()
            row = {f.name: getattr(member, f.name) for f in dataclasses.fields(member)}
            row.pop("line")
            connection.execute(
                insert(Student).values(
                    name=member.folder,
                    token_hash=digest(token),
                    token_expires=expires,
                    lms=json.dumps(row),
                    bucket=settings.budget_per_hour,
                    bucket_at=time.time(),
                )
            )
            made.students[member.folder] = sign_in_url(settings, token)
    return made


def renew_link(engine: Engine, settings: Settings, student_id: int) -> str:
    """A new sign-in link for a student; the old link and its sessions stop working."""
    token = new_token()
    with engine.begin() as connection:
        connection.execute(
            update(Student)
            .where(Student.id == student_id)
            .values(
                token_hash=digest(token),
                token_expires=time.time() + settings.links_valid_days * 86400,
            )
        )
    return sign_in_url(settings, token)


def renew_teacher_link(engine: Engine, settings: Settings) -> str:
    """A new teacher link (`grader serve --new-teacher-link`); the old one stops working."""
    token = new_token()
    with engine.begin() as connection:
        connection.execute(
            update(Setting).where(Setting.key == TEACHER).values(value=digest(token))
        )
    return sign_in_url(settings, token)


def write_links(path: Path, links: Links) -> None:
    """Add the new students' links to a CSV file (student,link) only its owner may read."""
    import csv
    import os

    new = not path.exists()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        if new:
            writer.writerow(["student", "link"])
        for name, link in links.students.items():
            writer.writerow([name, link])
