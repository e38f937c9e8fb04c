"""`grader new ID`: an exercise folder that `grader verify ID` accepts as it stands."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import grader.checks
from grader.cli import cli
from grader.course import catalog
from tests.support import EXERCISES


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_new_exercise_verifies_and_releases(here: Path) -> None:
    made = run("new", "wait-all", "--exercises", "course/exercises", "--title", "Wait: all of them")
    assert made.exit_code == 0, made.output
    root = here / "course" / "exercises" / "wait-all"
    written = {p.relative_to(here / "course").as_posix() for p in (here / "course").rglob("*.*")}
    assert written == {
        "exercises/wait-all/exercise.yaml", "exercises/wait-all/task.md",
        "exercises/wait-all/stub.py", "exercises/wait-all/checks/__init__.py",
        "exercises/wait-all/checks/test_public.py",
        "exercises/wait-all/checks/test_hidden.py", "solutions/wait-all.py",
    }  # fmt: skip
    assert made.output.strip().endswith("grader verify wait-all --exercises course/exercises")
    exercise = catalog.find("wait-all", root.parent)
    assert exercise.title == "Wait: all of them" and exercise.has_hidden_checks
    assert "See wait-all.md" in (root / "stub.py").read_text()  # what `start` writes

    verified = run("verify", "wait-all", "--exercises", "course/exercises")
    assert verified.exit_code == 0, verified.output
    assert "solution 6/6  stub 0/6  ok" in verified.output

    assert run("release", "kit", "--exercises", "course/exercises").exit_code == 0
    kit_files = {p.relative_to(here / "kit").as_posix() for p in (here / "kit").rglob("*.*")}
    assert "wait-all/checks/test_public.py" in kit_files
    assert not any("hidden" in f or "solution" in f for f in kit_files), kit_files


def test_the_checks_use_the_check_authors_api_as_it_is(here: Path) -> None:
    assert run("new", "wait-all", "--exercises", "exercises").exit_code == 0
    for check in (here / "exercises" / "wait-all" / "checks").glob("*.py"):
        for node in ast.walk(ast.parse(check.read_text())):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("grader")
            ):
                assert node.module == "grader.checks", node.module
                missing = [a.name for a in node.names if a.name not in grader.checks.__all__]
                assert not missing, f"{check.name}: grader.checks exports no {missing}"


def test_a_new_exercise_joins_a_course_at_its_end(here: Path) -> None:
    for exercise in ("count-sync", "count-async"):
        shutil.copytree(EXERCISES / exercise, here / "exercises" / exercise)
    assert run("new", "third-one", "--exercises", "exercises").exit_code == 0
    listed = run("list", "--exercises", "exercises", "--format", "json")
    assert [row["id"] for row in json.loads(listed.output)] == [
        "count-sync", "count-async", "third-one",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("exercise_id", "says"),
    [("Bad_Id", "cannot be an exercise id"), ("count-sync", "already exists; pick another id")],
)
def test_new_refuses_in_one_line(here: Path, exercise_id: str, says: str) -> None:
    shutil.copytree(EXERCISES / "count-sync", here / "exercises" / "count-sync")
    done = run("new", exercise_id, "--exercises", "exercises")
    assert done.exit_code == 2 and done.output.count("\n") == 1 and says in done.output, done.output
