"""Settings and course files the grader cannot use: one clear line and exit 2.

Each is said before anything is graded (never "failed unexpectedly"): the
grader's own sandbox settings, `verify`'s options, the environment pytest
reads, an exercise.yaml, a roster.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support import (
    EXERCISES,
    REPO,
    SOLUTIONS,
    FakeGrader,
    grade_file,
    one_line_error,
    run,
    small_class,
)

# -- the grader's own settings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [("GRADER_SANDBOX_UIDS", "abc", "GRADER_SANDBOX_UIDS must be FIRST-LAST"),
     ("GRADER_SANDBOX_UIDS", "0-10", "GRADER_SANDBOX_UIDS '0-10' is out of range"),
     ("GRADER_SANDBOX_PYTHON", "/nonexistent/python", "is not a Python the sandbox can run"),
     ("GRADER_SANDBOX_PYTHON", "/bin/sh", "is not a Python the sandbox can run")],
    ids=["uids-text", "uids-zero", "python-missing", "python-not-python"],
)  # fmt: skip
def test_a_wrong_sandbox_setting_is_said_before_anything_is_graded(
    name: str, value: str, says: str
) -> None:
    """Not a 0 for every check of every file, blamed on the submission."""
    solution = str(SOLUTIONS / "count-async.py")
    for command in (["grade", "count-async", solution], ["check", "count-async", solution]):
        assert says in one_line_error(run(*command, env={name: value}))


@pytest.mark.parametrize("answer", ["[1]", "{}", '{"stdlib": 1}', "not json"])
def test_a_sandbox_python_that_answers_oddly_is_said_before_anything_is_graded(
    tmp_path: Path, answer: str
) -> None:
    fake_python = tmp_path / "python"
    fake_python.write_text(f"#!/bin/sh\necho '{answer}'\n")
    fake_python.chmod(0o755)
    solution = str(SOLUTIONS / "count-async.py")
    said = one_line_error(
        run("grade", "count-async", solution, env={"GRADER_SANDBOX_PYTHON": str(fake_python)})
    )
    assert "is not a Python the sandbox can run" in said


def test_verify_says_a_wrong_sandbox_setting_once_and_blames_no_exercise() -> None:
    said = one_line_error(run("verify", "count-async", env={"GRADER_SANDBOX_UIDS": "abc"}))
    assert said == "Error: GRADER_SANDBOX_UIDS must be FIRST-LAST (two numbers), not 'abc'"


# -- verify ------------------------------------------------------------------------------------


def test_verify_draws_fails_a_solution_that_cannot_run(tmp_path: Path) -> None:
    exercises = tmp_path / "exercises"
    assert run("--exercises", str(exercises), "new", "demo").exit_code == 0
    (tmp_path / "solutions" / "demo.py").write_text("def broken(:\n")
    result = run("--exercises", str(exercises), "verify", "demo", "--draws", "2")
    assert result.exit_code == 1, result.output
    assert "demo/solution" in result.output and "lost ['everything (your file has a syntax" in (
        result.output
    )
    said = one_line_error(
        run("--exercises", str(exercises), "verify", "demo", "--submissions", str(tmp_path / "x"))
    )
    assert said.endswith("x: no such folder")


# -- the environment and the course's files ----------------------------------------------------


def test_a_huge_columns_does_not_break_a_grading(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest, run inside `grader grade` or beside it, would draw its lines that wide."""
    stub = str(EXERCISES / "count-async" / "stub.py")
    command = [sys.executable, "-m", "grader", "grade", "count-async", stub]
    for shown in (["--format", "json"], []):
        done = subprocess.run(
            command + shown, cwd=REPO, capture_output=True, text=True, timeout=120,
            env={**os.environ, "COLUMNS": "99999999999"},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        if shown:
            assert json.loads(done.stdout)["score"] == 0
        else:
            assert "0/1  prints every number once" in done.stdout, done.stdout[:500]
    # Off the main thread (as in a batch), pytest runs in a process of its own.
    monkeypatch.setenv("COLUMNS", "99999999999")
    with ThreadPoolExecutor(1) as pool:
        report = pool.submit(grade_file, "count-async", Path(stub)).result()
    assert report.status == "graded" and report.score == 0, report.message


@pytest.mark.parametrize(
    ("content", "says"),
    [(b"\xff\xfe\x00binary", "is not UTF-8 text (byte 0xff at offset 0)"),
     (b"id: broken\ntitle: T\npoints: .nan\n", "key 'points' must be a positive number"),
     (b"id: broken\ntitle: T\npoints: 1\nlimits:\n  call_timeout: .inf\n",
      "key 'limits.call_timeout' must be a positive number"),
     (b"id: broken\ntitle: T\npoints: 1" + b"0" * 400 + b"\n",
      "key 'points' must be a positive number up to 1,000,000"),
     (b"id: broken\ntitle: T\npoints: 1" + b"0" * 5000 + b"\n",
      "holds a value that cannot be read: Exceeds the limit"),
     (b"id: broken\ntitle: T\npoints: 1\nlimits:\n  memory_mb: 100000000000000000000000\n",
      "key 'limits.memory_mb' must be a positive number up to 1,000,000"),
     (b"id: broken\ntitle: T\npoints: 1\nlimits:\n  memory_mb: 0.5\n",
      "key 'limits.memory_mb' must be a whole number")],
    ids=["binary", "nan-points", "infinite-timeout", "huge-points", "unreadable-points",
         "huge-memory", "half-a-megabyte"],
)  # fmt: skip
def test_an_exercise_yaml_that_cannot_be_used_is_one_line(
    tmp_path: Path, content: bytes, says: str
) -> None:
    folder = tmp_path / "course" / "broken"
    folder.mkdir(parents=True)
    (folder / "exercise.yaml").write_bytes(content)
    assert says in one_line_error(run("list", "--exercises", str(tmp_path / "course")))


def test_start_says_what_it_cannot_write_or_find(tmp_path: Path) -> None:
    (tmp_path / "here" / "count-async.md").mkdir(parents=True)
    said = one_line_error(run("start", "count-async", str(tmp_path / "here"), "--force"))
    assert said.endswith("count-async.md: Is a directory") and "cannot write" in said
    course = tmp_path / "course"
    (course / "lone").mkdir(parents=True)
    (course / "lone" / "exercise.yaml").write_text("id: lone\ntitle: Lone\npoints: 1\n")
    (course / "lone" / "task.md").write_text("a task\n")
    said = one_line_error(run("--exercises", str(course), "start", "lone", str(tmp_path / "x")))
    assert "exercise lone has no stub.py" in said
    kit = tmp_path / "kit"
    said = one_line_error(run("--exercises", str(course), "release", str(kit)))
    assert "exercise lone has no stub.py" in said and not kit.exists()


def test_a_roster_csv_cannot_parse_is_one_line(
    tmp_path: Path,
    fake: FakeGrader,
) -> None:
    room = small_class(tmp_path / "class")
    roster = tmp_path / "roster.csv"
    roster.write_text("folder,email\n" + "ann," + "x" * 200_000 + "\n")
    said = one_line_error(
        run("batch", str(room), "--out", str(tmp_path / "out"), "--roster", str(roster))
    )
    assert "roster.csv is not a CSV file the grader can read: field larger" in said
