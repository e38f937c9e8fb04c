"""kill -9 in the middle of a burst: a grading worker, the server itself, then a worker again.

After the restart every submission the server accepted has exactly one
grade: none lost (a killed worker's job goes back to the queue; a killed
server's jobs come back when their leases run out) and none graded twice
(the grades table holds one grade per submission and round, and only a
job's current owner may close it). On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from grader.server.models import Grade, Job, Submission
from tests.server_support import DATABASES, REPO, Server, engine_of, serving
from tests.support import until

STUDENTS = [f"s{i:02d}" for i in range(4)]
FILES = [REPO / "solutions" / "count-async.py", REPO / "exercises" / "count-async" / "stub.py"]


def hand_in(server: Server, student: str, path: Path) -> int | None:
    """The submission's id if the server accepted it; None if the request failed."""
    try:
        answer = httpx.post(
            f"{server.url}/api/submissions", params={"exercise": "count-async"},
            content=path.read_bytes(), headers={"Authorization": f"Bearer {server.token(student)}"},
            timeout=30,
        )  # fmt: skip
    except httpx.HTTPError:
        return None  # the server was killed under it: not accepted, as far as the student knows
    return int(answer.json()["id"]) if answer.status_code == 201 else None


def burst(server: Server) -> list[int]:
    jobs = [(s, f) for f in FILES for s in STUDENTS]
    with ThreadPoolExecutor(4) as pool:
        return [i for i in pool.map(lambda job: hand_in(server, *job), jobs) if i is not None]


def running(server: Server) -> int:
    with engine_of(server).begin() as connection:
        return int(
            connection.execute(
                select(func.count(Job.id)).where(Job.state == "running")
            ).scalar_one()
        )


@pytest.mark.parametrize("kind", DATABASES)
def test_kill_9_of_a_worker_and_of_the_server_loses_nothing_and_grades_once(
    kind: str, tmp_path: Path
) -> None:
    with serving(kind, tmp_path, STUDENTS, "--workers", "2", "--lease", "3") as server:
        accepted = burst(server)
        assert len(accepted) == len(STUDENTS) * len(FILES)
        until(lambda: running(server) and server.worker_pids(), within=60, every=0.05)
        victim = server.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        until(lambda: running(server), within=60, every=0.05)  # grading goes on
        more = burst(server)  # the second wave: the server dies under it
        server.kill()
        accepted += more
        assert running(server) or more  # something was in flight when it died
        server.start()
        # And a worker of the restarted server, in the middle of what was left.
        until(lambda: running(server) and server.worker_pids(), within=120, every=0.05)
        os.kill(server.worker_pids()[0], signal.SIGKILL)
        engine = engine_of(server)

        def drained() -> bool:
            with engine.begin() as connection:
                return not connection.execute(
                    select(func.count(Job.id)).where(Job.state != "done")
                ).scalar_one()

        until(drained, within=600, every=0.5)
        with engine.begin() as connection:
            stored = set(connection.execute(select(Submission.id)).scalars())
            retried = connection.execute(select(func.max(Job.attempts))).scalar_one()
            grades = dict(
                connection.execute(
                    select(Grade.submission_id, func.count(Grade.id))
                    .where(Grade.round == 0)
                    .group_by(Grade.submission_id)
                ).all()
            )
        assert set(accepted) <= stored  # every submission the server said it took is there
        assert {s: grades.get(s, 0) for s in stored} == {s: 1 for s in stored}
        assert retried >= 2  # the kills did cut gradings short, which were done again
