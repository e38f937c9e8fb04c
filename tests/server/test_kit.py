"""A class server reached from the student kit, and notebooks handed in to it.

A real server (`grader serve` on SQLite and PostgreSQL, tests/server_support.py)
and a kit released for it with `grader release --server`: `grader login`
keeps the student's token in their own credentials file, and `grader submit`
finds the server in the kit and the token there, with no flag and no variable. A
notebook is handed in through `grader submit`, the JSON endpoint and the
upload form, and graded as a notebook: full marks for the solution's code,
feedback in cells and lines for a wrong one, and the class export keeps its
name.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from sqlalchemy import func, select

from grader.server.models import Student, Submission
from tests.server_support import DATABASES, REPO, Server, engine_of, serving
from tests.support import until

STUDENTS = ["alice", "bob", "carol", "dave"]
SOLUTION = (REPO / "solutions" / "count-async.py").read_text().split("\nif __name__")[0]
STUB = REPO / "exercises" / "count-async" / "stub.py"


@pytest.fixture(scope="module", params=DATABASES)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp(f"server-kit-{request.param}")
    with serving(request.param, folder, STUDENTS, "--workers", "2") as running:
        yield running


def student_env(config: Path) -> dict[str, str]:
    """A student's terminal: no server, token or exercises folder named; their own config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRADER_")}
    return env | {"XDG_CONFIG_HOME": str(config)}


def grader(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=cwd, env=env, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip


def release(server: Server, into: Path, *extra: str) -> Path:
    """A kit of the server's course (no wheel: none is needed to hand in)."""
    kit = into / "kit"
    into.mkdir(parents=True, exist_ok=True)
    made = grader(
        "release", str(kit), "--exercises", str(server.exercises), "--install",
        "asyncio-grader", *extra, cwd=into, env=student_env(into / "unused"),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return kit


def notebook(path: Path, *cells: str) -> Path:
    """A notebook written by nbformat: a Markdown title, then these code cells."""
    made = [new_markdown_cell("# Counting, concurrently"), *map(new_code_cell, cells)]
    nbformat.write(new_notebook(cells=made), str(path))
    return path


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    return lines[0]


def stored(server: Server, student: str) -> int:
    with engine_of(server).begin() as connection:
        return int(
            connection.execute(
                select(func.count(Submission.id))
                .join(Student, Student.id == Submission.student_id)
                .where(Student.name == student)
            ).scalar_one()
        )


def graded(server: Server, token: str, submission_id: int) -> dict[str, Any]:
    def done() -> dict[str, Any] | None:
        answer = httpx.get(
            f"{server.url}/api/submissions/{submission_id}",
            headers={"Authorization": f"Bearer {token}"}, timeout=30,
        ).json()  # fmt: skip
        return answer if answer["status"] == "graded" else None

    return until(done, within=180, every=0.2)


def test_submit_from_a_kit_needs_no_flag_nor_variable(server: Server, tmp_path: Path) -> None:
    kit = release(server, tmp_path, "--server", server.url + "/")
    assert (kit / "kit.yaml").read_text().count(server.url) == 1  # the address, normalised
    readme = (kit / "README.md").read_text()
    assert "grader login YOUR-SIGN-IN-LINK --exercises kit" in readme
    config = tmp_path / "config"
    env = student_env(config)
    # Once: the sign-in link, from inside the kit; the token goes to the student's own file.
    signed = grader("login", server.links["alice"], cwd=kit, env=env)
    assert signed.returncode == 0, signed.stderr
    credentials = config / "grader" / "credentials.yaml"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert stat.S_IMODE(credentials.parent.stat().st_mode) == 0o700
    token = server.token("alice")
    assert token in credentials.read_text()
    assert not any(token in p.read_text() for p in kit.rglob("*") if p.is_file())
    solution = tmp_path / "count-async.py"
    solution.write_text(SOLUTION)
    inside = grader("submit", "count-async", str(solution), cwd=kit, env=env)
    assert inside.returncode == 0, inside.stderr
    assert "score: 10/10" in inside.stdout
    # From the folder holding the kit, as its README has students work: --exercises KIT.
    beside = grader("submit", "count-async", str(STUB), "--exercises", "kit", cwd=tmp_path, env=env)
    assert beside.returncode == 0, beside.stderr
    assert "score: 0/10" in beside.stdout and "NotImplementedError" in beside.stdout
    assert stored(server, "alice") == 2


def test_flags_then_variables_then_the_kit(server: Server, tmp_path: Path) -> None:
    kit = release(server, tmp_path, "--server", server.url)
    env = student_env(tmp_path / "config") | {"GRADER_TOKEN": server.token("bob")}
    nowhere = "http://127.0.0.1:9"  # nothing listens there: the attempt names where it went
    by_variable = grader(
        "submit", "count-async", str(STUB), cwd=kit, env=env | {"GRADER_SERVER": nowhere}
    )
    assert f"cannot reach the server at {nowhere}" in one_line_error(by_variable)
    by_flag = grader(
        "submit", "count-async", str(STUB), "--server", nowhere, cwd=kit,
        env=env | {"GRADER_SERVER": server.url},
    )  # fmt: skip
    assert f"cannot reach the server at {nowhere}" in one_line_error(by_flag)
    assert stored(server, "bob") == 0


def test_a_missing_server_or_token_is_one_line(server: Server, tmp_path: Path) -> None:
    env = student_env(tmp_path / "config")
    bare = release(server, tmp_path / "bare")  # released without --server
    no_server = grader("submit", "count-async", str(STUB), cwd=bare, env=env)
    assert "no server: give --server URL, set GRADER_SERVER" in one_line_error(no_server)
    kit = release(server, tmp_path / "served", "--server", server.url)
    no_token = grader("submit", "count-async", str(STUB), cwd=kit, env=env)
    said = one_line_error(no_token)
    assert f"no token for {server.url}: run `grader login LINK`" in said
    wrong = grader("login", "A" * 32, cwd=kit, env=env)
    assert "not valid" in one_line_error(wrong)
    assert not (tmp_path / "config" / "grader" / "credentials.yaml").exists()
    assert stored(server, "carol") == 0


def test_a_notebook_of_the_solution_gets_full_marks_through_the_server(
    server: Server, tmp_path: Path
) -> None:
    path = notebook(
        tmp_path / "count-async.ipynb", "import asyncio", SOLUTION.replace("import asyncio\n", ""),
        "print(await count(5, {2: 0.1}))",
    )  # fmt: skip
    env = student_env(tmp_path / "config") | {
        "GRADER_SERVER": server.url, "GRADER_TOKEN": server.token("dave"),
    }  # fmt: skip
    done = grader("submit", "count-async", str(path), "--format", "json", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["score"] == report["max_score"] == 10, report
    assert report["submission"] == "dave/count-async.ipynb"
    assert report["notebook"]["left_out"][0]["note"] == "cell 4 left out: top-level await"
    with httpx.Client(base_url=server.url) as teacher:
        teacher.get(server.teacher_link.replace(server.url, ""))
        archive = teacher.get("/teacher/exports/class.zip")
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert "class/dave/count-async.ipynb" in names and "class/dave/count-async.py" not in names


def test_a_wrong_notebook_uploaded_in_the_form_is_told_its_cell_and_line(
    server: Server, tmp_path: Path
) -> None:
    broken = SOLUTION.replace(
        "    printed: list[int] = []\n", "    printed: list[int] = []\n    raise ValueError('no')\n"
    ).replace("import asyncio\n", "")
    line = broken.splitlines().index("    raise ValueError('no')") + 1
    path = notebook(tmp_path / "count-async.ipynb", "import asyncio", broken)
    with httpx.Client(base_url=server.url) as browser:
        browser.get(server.links["bob"].replace(server.url, ""))
        page = browser.get("/student").text
        fields = dict(re.findall(r'name="(csrf|nonce)" value="([^"]+)"', page))
        sent = browser.post(
            "/submit", data={**fields, "exercise": "count-async"},
            files={"file": ("count-async.ipynb", path.read_bytes(), "application/x-ipynb+json")},
        )  # fmt: skip
        assert sent.status_code == 303, sent.text
        submission_id = int(sent.headers["location"].rsplit("/", 1)[-1])
    report = graded(server, server.token("bob"), submission_id)["report"]
    assert report["notebook"]["code_cells"] == 2
    errors = [c["message"] for c in report["checks"] if c["status"] == "error" and c["message"]]
    assert errors and all(f"cell 3, line {line}" in m for m in errors), errors


@pytest.mark.parametrize(
    ("filename", "data", "said"),
    [
        ("count-async.ipynb", b'{"not": "a notebook"}', "not a notebook Jupyter can open"),
        ("count-async.ipynb", b"import asyncio\n", "not a notebook Jupyter can open"),
        ("count-async.ipynb", b'{"cells": [], "x": "caf\xe9"}', "not UTF-8"),
        ("count-async.txt", b"x = 1\n", "neither a Python file (.py) nor a notebook"),
    ],
    ids=["json-not-notebook", "python-named-ipynb", "not-utf8", "other-suffix"],
)
def test_a_file_that_is_no_submission_is_refused_and_not_stored(
    server: Server, filename: str, data: bytes, said: str
) -> None:
    answer = httpx.post(
        f"{server.url}/api/submissions", params={"exercise": "count-async", "filename": filename},
        content=data, headers={"Authorization": f"Bearer {server.token('carol')}"}, timeout=30,
    )  # fmt: skip
    assert answer.status_code == 400, answer.text
    assert said in answer.json()["error"]
    assert stored(server, "carol") == 0
