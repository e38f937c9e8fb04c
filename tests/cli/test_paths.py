"""Relative paths everywhere: --exercises (before or after the command), GRADER_EXERCISES,
files and folders, all resolved against the caller's working directory.

The checks run in a pytest process whose working directory is a scratch
folder, so a relative exercises folder used to break `check`, `grade` and
`verify`; these tests run every command from a folder of their own, with
nothing but relative paths.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from grader.cli import cli
from tests.support import EXERCISES, SOLUTIONS


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A course of one exercise in the working directory: exercises/count-sync, solutions/."""
    shutil.copytree(EXERCISES / "count-sync", tmp_path / "exercises" / "count-sync")
    (tmp_path / "solutions").mkdir()
    shutil.copy(SOLUTIONS / "count-sync.py", tmp_path / "solutions" / "count-sync.py")
    shutil.copytree(tmp_path / "exercises", tmp_path / "elsewhere")  # not found by default
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("before", "after", "env"),
    [
        (["--exercises", "elsewhere"], [], None),
        ([], ["--exercises", "elsewhere"], None),
        ([], [], {"GRADER_EXERCISES": "elsewhere"}),
    ],
    ids=["option-before", "option-after", "environment"],
)
def test_check_with_a_relative_exercises_folder(
    course: Path, before: list[str], after: list[str], env: dict[str, str] | None
) -> None:
    done = run(*before, "check", "count-sync", "solutions/count-sync.py", *after, "--format",
               "json", env=env)  # fmt: skip
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["score"] == report["max_score"] > 0 and report["submission"] == (
        "solutions/count-sync.py"
    )


def test_grade_and_verify_with_a_relative_exercises_folder(course: Path) -> None:
    graded = run("grade", "count-sync", "solutions/count-sync.py", "--exercises", "elsewhere",
                 "--format", "json")  # fmt: skip
    assert graded.exit_code == 0, graded.output
    assert json.loads(graded.output)["score"] == 10
    verified = run("verify", "count-sync", env={"GRADER_EXERCISES": "exercises"})
    assert verified.exit_code == 0, verified.output
    assert "solution 10/10" in verified.output and "stub 0/10" in verified.output


def test_the_issue_s_commands_with_a_kit(course: Path) -> None:
    """`grader --exercises kit check count-async work/count-async.py`, as it failed before."""
    assert run("--exercises", "exercises", "release", "kit").exit_code == 0
    started = run("--exercises", "kit", "start", "count-sync", "work")
    assert started.exit_code == 0, started.output
    # The command it suggests keeps --exercises, and works as printed.
    suggested = started.output.strip().splitlines()[-1].split("run: grader ", 1)[1].split()
    assert suggested == ["check", "count-sync", "work/count-sync.py", "--exercises", "kit"]
    shutil.copy("solutions/count-sync.py", "work/count-sync.py")
    checked = run(*suggested)
    assert checked.exit_code == 0, checked.output
    assert "score: 6/6 on the public checks" in checked.output


def test_release_prints_a_check_command_that_works(course: Path) -> None:
    released = run("release", "kit", "--exercises", "exercises")
    assert released.exit_code == 0, released.output
    line = next(x for x in released.output.splitlines() if x.startswith("students run: "))
    command = line.removeprefix("students run: grader ").split()
    assert command == ["check", "EXERCISE", "FILE", "--exercises", "kit"]
    filled = ["count-sync" if w == "EXERCISE" else w for w in command]
    filled = ["solutions/count-sync.py" if w == "FILE" else w for w in filled]
    assert run(*filled).exit_code == 0


def test_batch_with_relative_folders(course: Path) -> None:
    (course / "class" / "ann").mkdir(parents=True)
    shutil.copy("solutions/count-sync.py", "class/ann/count-sync.py")
    done = run("batch", "class", "--out", "results", "--exercises", "exercises", "--quiet")
    assert done.exit_code == 0, done.output
    with open("results/grades.csv", newline="") as file:
        assert list(csv.DictReader(file)) == [{"student": "ann", "count-sync": "10", "total": "10"}]
