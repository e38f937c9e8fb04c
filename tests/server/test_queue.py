"""The database queue and the intake, called directly on both databases (no server, no grading).

First come, first served, but one student's pile waits behind everyone
else's next job; a lease that ran out lets another claim the job, and the
first owner's late answer is dropped; late work is taken and marked late
when the teacher accepts it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from grader.course import catalog
from grader.server import database as databases
from grader.server import enrollment, intake, queue
from grader.server.auth import Refusal
from grader.server.models import Grade, Student
from grader.server.settings import LatePolicy, Rules, Settings
from tests.server_support import DATABASES, REPO, database
from tests.support import until


@pytest.fixture(params=DATABASES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with database(request.param, tmp_path) as url:
        made = databases.connect(url)
        databases.migrate(made)
        yield made
        made.dispose()


def settings(**rules: object) -> Settings:
    made = Rules(budget_per_hour=100, **rules)  # type: ignore[arg-type]
    return Settings(exercises_dir=REPO / "exercises", db_url="", rules=made)


def enrolled(engine: Engine, tmp_path: Path, names: list[str], given: Settings) -> dict[str, int]:
    roster = tmp_path / "roster.csv"
    roster.write_text("folder\n" + "\n".join(names) + "\n")
    enrollment.enroll(engine, given, roster)
    with engine.begin() as connection:
        return dict(connection.execute(select(Student.name, Student.id)).all())


def hand_in(engine: Engine, given: Settings, student: int, text: str = "x = 1\n") -> int:
    exercise = catalog.find("count-async", REPO / "exercises")
    known = {"count-async", "count-sync"}
    done = intake.accept(
        engine, given, student, exercise, "count-async", known, "f.py", text.encode()
    )
    return done.submission_id


def report(score: float) -> dict[str, object]:
    return {"score": score, "max_score": 10.0, "status": "graded", "checks": []}


def test_one_students_pile_waits_behind_the_others_next_job(engine: Engine, tmp_path: Path) -> None:
    given = settings()
    ids = enrolled(engine, tmp_path, ["ann", "ben", "cid"], given)
    piled = [hand_in(engine, given, ids["ann"]) for _ in range(3)]
    ben = hand_in(engine, given, ids["ben"])
    cid = hand_in(engine, given, ids["cid"])
    order = []
    for owner in ("a", "b", "c"):  # three graders at once: ann gets one of them
        claimed = queue.claim(engine, owner, lease=60)
        assert claimed is not None
        order.append(claimed.submission_id)
    assert order == [piled[0], ben, cid]
    nxt = queue.claim(engine, "d", lease=60)  # nobody else waits: ann's next one
    assert nxt is not None and nxt.submission_id == piled[1]


def test_a_lapsed_lease_is_claimed_again_and_the_old_answer_dropped(
    engine: Engine, tmp_path: Path
) -> None:
    given = settings()
    ids = enrolled(engine, tmp_path, ["ann"], given)
    hand_in(engine, given, ids["ann"])
    first = queue.claim(engine, "gone", lease=0.2)
    assert first is not None
    assert queue.claim(engine, "other", lease=60) is None  # leased: nobody else takes it
    # The lease runs out: what a killed worker leaves. Then another may claim the job.
    second = until(lambda: queue.claim(engine, "other", lease=60), within=60, every=0.05)
    assert second is not None and second.job_id == first.job_id and second.attempts == 2
    assert queue.finish(engine, second, "other", report(7.0))
    assert not queue.finish(engine, first, "gone", report(3.0))  # the presumed dead answers
    with engine.begin() as connection:
        scores = connection.execute(select(Grade.score)).scalars().all()
    assert scores == [7.0]


def test_a_grading_put_off_for_load_runs_alone_after_every_other(
    engine: Engine, tmp_path: Path
) -> None:
    given = settings()
    ids = enrolled(engine, tmp_path, ["ann", "ben", "cid"], given)
    busy = hand_in(engine, given, ids["ann"])
    first = queue.claim(engine, "a", lease=60)
    assert first is not None and first.submission_id == busy
    queue.put_off(engine, first.job_id, "a")  # the machine was too busy to time it
    ben, cid = hand_in(engine, given, ids["ben"]), hand_in(engine, given, ids["cid"])
    taken = [queue.claim(engine, owner, lease=60) for owner in ("b", "c")]
    assert [t.submission_id for t in taken if t] == [ben, cid]  # handed in later, graded first
    assert queue.claim(engine, "d", lease=60) is None  # the put-off one waits: others grade
    for job in taken:
        assert job is not None and queue.finish(
            engine, job, "b" if job.submission_id == ben else "c", report(5.0)
        )
    alone = queue.claim(engine, "d", lease=60)
    assert alone is not None and alone.submission_id == busy and alone.attempts == 2
    hand_in(engine, given, ids["ben"])
    assert queue.claim(engine, "e", lease=60) is None  # nothing beside it while it grades
    assert queue.finish(engine, alone, "d", report(8.0))
    assert queue.claim(engine, "e", lease=60) is not None


def test_late_work_is_taken_and_marked_late_when_accepted(engine: Engine, tmp_path: Path) -> None:
    given = settings(deadlines={"count-async": time.time() - 60}, late=LatePolicy.ACCEPT)
    ids = enrolled(engine, tmp_path, ["ann"], given)
    exercise = catalog.find("count-async", REPO / "exercises")
    done = intake.accept(engine, given, ids["ann"], exercise, "count-async", set(), "f.py", b"x\n")
    assert done.late
    refusing = settings(deadlines={"count-async": time.time() - 60}, late=LatePolicy.REFUSE)
    with pytest.raises(Refusal, match="late work is not accepted"):
        intake.accept(engine, refusing, ids["ann"], exercise, "count-async", set(), "f.py", b"x\n")
    with engine.begin() as connection:
        assert connection.execute(select(func.count(Grade.id))).scalar_one() == 0


def test_the_migrations_make_the_models_schema(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(databases.MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.check(config)  # raises if the models hold anything the migrations do not


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["serve", "--db", "mysql://x/y"], "expected sqlite:///FILE or postgresql://"),
        (["serve", "--db", "postgresql://me:secret@127.0.0.1:1/x"], "cannot use the database"),
        (["serve", "--deadline", "count-async=tomorrow"], "--deadline count-async=tomorrow"),
        (
            ["serve", "--deadline", "nope=2026-01-01T00:00"],
            "names no exercise of this course: nope",
        ),
        (["submit", "count-async", "x.py"], "no server: give --server URL"),
        (
            ["submit", "count-async", "x.py", "--server", "http://127.0.0.1:1", "--token", "t"],
            "no file at x.py",
        ),
    ],
    ids=["db-scheme", "db-down", "deadline", "deadline-exercise", "no-server", "no-file"],
)
def test_bad_serve_and_submit_input_is_one_line(
    args: list[str], said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import sys

    monkeypatch.chdir(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("GRADER_SERVER", "GRADER_TOKEN")}
    done = subprocess.run(
        [sys.executable, "-m", "grader", *args], capture_output=True, text=True, env=env,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert said in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "secret" not in done.stderr  # a password is never printed


def test_every_json_endpoint_is_documented() -> None:
    from grader.server import api

    documented = (REPO / "docs" / "server.md").read_text(encoding="utf-8")
    for route in api.routes:
        path = route.path.replace("{submission_id}", "ID")
        for method in sorted((route.methods or set()) - {"HEAD"}):
            assert f"`{method} {path}" in documented, (method, path)
