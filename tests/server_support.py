"""Starting a real class server for the tests: `grader serve` in a subprocess, on a free port.

Each server gets a fresh database: an SQLite file in its folder, or a new
PostgreSQL database on the cluster GRADER_TEST_POSTGRES names (`.ci/run`
starts one and sets it; without it the PostgreSQL cases are skipped, unless
GRADER_REQUIRE_POSTGRES is set, as in CI, where they fail instead).
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.support import until

REPO = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("GRADER_TEST_POSTGRES")
REQUIRE_POSTGRES = bool(os.environ.get("GRADER_REQUIRE_POSTGRES"))
DATABASES = ["sqlite", "postgresql"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    """A fresh, empty database of `kind`: its URL; a PostgreSQL one is dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'server.db'}"
        return
    if kind == "default":  # no --db: the server's own default, a file in its folder
        yield f"sqlite:///{folder / 'grader-server.db'}"
        return
    if not POSTGRES:
        if REQUIRE_POSTGRES:
            raise RuntimeError("GRADER_REQUIRE_POSTGRES is set, but GRADER_TEST_POSTGRES is not")
        pytest.skip("no PostgreSQL for the tests: set GRADER_TEST_POSTGRES=postgresql://...")
    import psycopg

    name = f"grader_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    parts = urlsplit(POSTGRES)
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def course(folder: Path, exercises: tuple[str, ...] = ("count-async", "count-sync")) -> Path:
    """A copy of some of the course's exercises, which a test may change (a check fixed)."""
    target = folder / "exercises"
    for exercise in exercises:
        shutil.copytree(REPO / "exercises" / exercise, target / exercise)
    return target


@dataclass
class Server:
    """A running `grader serve`."""

    folder: Path
    db_url: str
    exercises: Path
    args: list[str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    links: dict[str, str] = field(default_factory=dict)
    teacher_link: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def token(self, student: str) -> str:
        return self.links[student].rsplit("/", 1)[-1]

    @property
    def teacher_token(self) -> str:
        return self.teacher_link.rsplit("/", 1)[-1]

    def start(self) -> None:
        log = open(self.folder / "serve.log", "ab")  # noqa: SIM115 (the server's for its life)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "grader",
                "serve",
                "--exercises",
                str(self.exercises),
                "--port",
                str(self.port),
                *self.args,
            ],
            cwd=self.folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

        def ready() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"the server ended: {self.log()}")
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", self.port)) == 0

        until(ready, within=60)
        if not self.teacher_link:
            for line in self.log().splitlines():
                if line.startswith("teacher's sign-in link"):
                    self.teacher_link = line.rsplit(" ", 1)[-1]
        links = self.folder / "grader-links.csv"
        if links.exists():
            with links.open(encoding="utf-8") as f:
                self.links.update({row["student"]: row["link"] for row in csv.DictReader(f)})

    def log(self) -> str:
        return (self.folder / "serve.log").read_text(errors="replace")

    def kill(self) -> None:
        """kill -9: no clean-up of any kind."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self) -> list[int]:
        """The grading worker processes the server started."""
        assert self.process is not None
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            if parent == self.process.pid and b"grader.batch.worker" in cmdline:
                found.append(int(entry.name))
        return found


def roster(folder: Path, students: list[str]) -> Path:
    path = folder / "roster.csv"
    lines = ["folder,name,email"] + [f"{s},{s.title()} Example,{s}@example.org" for s in students]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextmanager
def serving(kind: str, folder: Path, students: list[str], *args: str) -> Iterator[Server]:
    """A server on a fresh database of `kind` with these students, stopped afterwards."""
    exercises = course(folder)
    with database(kind, folder) as url:
        given = [] if kind == "default" else ["--db", url]
        server = Server(
            folder, url, exercises, [*given, "--roster", str(roster(folder, students)), *args]
        )
        server.start()
        try:
            yield server
        finally:
            server.stop()


def engine_of(server: Server) -> Any:
    from grader.server import database

    return database.connect(server.db_url)
