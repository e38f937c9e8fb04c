"""The smaller things a new user ran into, each said clearly now.

One test (or a few) per item of the list in issue 10: what a student or a
teacher is told when a file, a folder or an exercise is not what it should be.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import grader.cli
from grader.checks import CheckFailed, Recorder, Span, expect_at_most
from grader.cli import cli
from grader.course import catalog
from tests.support import (
    EXERCISES,
    SOLUTIONS,
    FakeGrader,
    explain,
    grade_file,
    one_line_error,
    run,
    small_class,
)

# -- what a student's file is told ----------------------------------------------------------


def test_a_txt_file_is_told_to_be_a_py_file(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text((SOLUTIONS / "count-async.py").read_text())
    report = grade_file("count-async", notes)
    assert report.status == "error" and "AssertionError" not in report.message
    assert report.message == (
        "notes.txt is not a Python file: the grader imports your work as a module, so it must "
        "be a file ending in .py or a notebook ending in .ipynb (save it as count-async.py)"
    )


@pytest.mark.parametrize(
    ("data", "line"),
    [("x = 'caf\xe9'\n".encode("latin-1"), 1), ("x = 1\n# caf\xe9\n".encode("latin-1"), 2),
     ("x = 1\n".encode("utf-16"), 1)],
    ids=["latin-1-first-line", "latin-1-later", "utf-16"],
)  # fmt: skip
def test_a_file_not_saved_as_utf8_is_told_to_save_it_so(
    tmp_path: Path, data: bytes, line: int
) -> None:
    path = tmp_path / "count-async.py"
    path.write_bytes(data)
    report = grade_file("count-async", path)
    assert report.status == "error"
    assert "save the file as UTF-8" in report.message, report.message
    assert f"on line {line} is not UTF-8" in report.message, report.message


def test_a_declared_encoding_is_respected(tmp_path: Path) -> None:
    path = tmp_path / "count-sync.py"
    source = (SOLUTIONS / "count-sync.py").read_text()
    path.write_bytes(f"# -*- coding: latin-1 -*-\n# caf\xe9\n{source}".encode("latin-1"))
    report = grade_file("count-sync", path)
    assert report.status == "graded" and report.score == report.max_score, report.message


def test_an_empty_file_is_told_what_it_lacks_not_that_it_raised(tmp_path: Path) -> None:
    empty = tmp_path / "count-async.py"
    empty.write_text("")
    report = grade_file("count-async", empty)
    messages = {c.message for c in report.checks}
    assert messages == {"your file does not define count()"}, messages
    assert report.score == 0
    # The same cause, the same verdict: every check failed, none "errored" (issue 19).
    assert {c.status for c in report.checks} == {"failed"}, explain(report)


def test_a_syntax_error_is_out_of_the_public_points_in_check(tmp_path: Path) -> None:
    broken = tmp_path / "count-async.py"
    broken.write_text("def count(:\n")
    fine = run("check", "count-async", str(SOLUTIONS / "count-async.py"), "--format", "json")
    public_points = json.loads(fine.output)["max_score"]
    checked = run("check", "count-async", str(broken), "--format", "json")
    report = json.loads(checked.output)
    assert report["status"] == "error" and report["max_score"] == public_points == 9
    assert "score: 0/9 on the public checks" in run("check", "count-async", str(broken)).output
    graded = json.loads(run("grade", "count-async", str(broken), "--format", "json").output)
    assert graded["max_score"] == 10


def test_every_stub_points_to_the_task_file_start_writes(tmp_path: Path) -> None:
    for exercise in catalog.catalog(EXERCISES):
        text = exercise.stub.read_text()
        assert "task.md" not in text, f"{exercise.id}'s stub names task.md"
        named = set(re.findall(r"[\w-]+\.md", text))
        assert named <= {f"{exercise.id}.md"}, (exercise.id, named)
    started = run("start", "kitchen", str(tmp_path))
    assert started.exit_code == 0 and "See kitchen.md" in (tmp_path / "kitchen.py").read_text()
    assert (tmp_path / "kitchen.md").is_file()


# -- what an author or a teacher is told about a course -----------------------------------------


def course(tmp_path: Path, yaml_text: str) -> Path:
    folder = tmp_path / "course" / "broken"
    folder.mkdir(parents=True)
    (folder / "exercise.yaml").write_text(yaml_text)
    return tmp_path / "course"


@pytest.mark.parametrize(
    ("yaml_text", "says"),
    [
        ("id: [broken\n",
         "is not valid YAML at line 2: expected ',' or ']', but got '<stream end>' "
         "(while parsing a flow sequence that starts at line 1)"),
        ("id: broken\ntitle: T\npoints: 1\n  order: 2\n",
         "is not valid YAML at line 4: mapping values are not allowed here"),
        ("id: broken\ntitle: T\npoints: ten\n",
         "key 'points' has the wrong type: it should be a number, but is text ('ten')"),
        ("id: broken\ntitle: [a, b]\npoints: 1\n",
         "key 'title' has the wrong type: it should be text, but is a list"),
        ("id: broken\ntitle: T\npoints: true\n",
         "key 'points' has the wrong type: it should be a number, but is true/false (True)"),
    ],
)  # fmt: skip
def test_a_bad_exercise_yaml_says_why(tmp_path: Path, yaml_text: str, says: str) -> None:
    message = one_line_error(run("list", "--exercises", str(course(tmp_path, yaml_text))))
    assert says in message, message


def test_a_deleted_exercise_yaml_is_an_error_not_a_vanished_exercise(tmp_path: Path) -> None:
    for exercise in ("count-sync", "count-async"):
        shutil.copytree(EXERCISES / exercise, tmp_path / "course" / exercise)
    (tmp_path / "course" / "count-async" / "exercise.yaml").unlink()
    listed = one_line_error(run("list", "--exercises", str(tmp_path / "course")))
    assert "count-async/exercise.yaml is missing" in listed and "restore it" in listed
    checked = run("check", "count-async", str(SOLUTIONS / "count-async.py"), "--exercises",
                  str(tmp_path / "course"))  # fmt: skip
    assert "count-async/exercise.yaml is missing" in one_line_error(checked)
    # Folders that hold no exercise files are not exercises, and are no error.
    (tmp_path / "course" / "count-async" / "stub.py").unlink()
    (tmp_path / "course" / "count-async" / "task.md").unlink()
    shutil.rmtree(tmp_path / "course" / "count-async" / "checks")
    assert run("list", "--exercises", str(tmp_path / "course")).exit_code == 0


def test_a_folder_without_exercises_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    said = one_line_error(run("list", "--exercises", str(tmp_path / "empty")))
    assert "no exercises in" in said and "each with an exercise.yaml" in said
    shutil.copytree(EXERCISES / "count-sync", tmp_path / "repo" / "exercises" / "count-sync")
    said = one_line_error(run("list", "--exercises", str(tmp_path / "repo")))
    assert f"did you mean {tmp_path / 'repo' / 'exercises'}?" in said
    said = one_line_error(
        run("release", str(tmp_path / "kit"), "--exercises", str(tmp_path / "empty"))
    )
    assert "no exercises in" in said


def test_verify_goes_on_past_a_missing_solution(tmp_path: Path) -> None:
    for exercise in ("count-sync", "count-async"):
        shutil.copytree(EXERCISES / exercise, tmp_path / "exercises" / exercise)
    (tmp_path / "solutions").mkdir()
    shutil.copy(SOLUTIONS / "count-async.py", tmp_path / "solutions")  # count-sync's is missing
    done = run("verify", "--exercises", str(tmp_path / "exercises"))
    assert done.exit_code == 1, done.output
    assert "count-sync       FAILED" in done.output
    assert f"no reference solution at {tmp_path / 'solutions' / 'count-sync.py'}" in done.output
    assert "count-async      solution 10/10  stub 0/10  ok" in done.output


# -- what a batch tells the teacher -------------------------------------------------------------


def test_counts_agree_with_their_nouns(tmp_path: Path, fake: FakeGrader) -> None:
    (tmp_path / "class" / "ann").mkdir(parents=True)
    (tmp_path / "class" / "ann" / "count-sync.py").write_text("right")
    done = run("batch", str(tmp_path / "class"), "--out", str(tmp_path / "out"))
    assert "graded 1 of 1 submission from 1 student (" in done.output, done.output
    assert "count-sync       mean 10/10 over 1 submission\n" in done.output
    assert "submissions" not in done.output and "1 students" not in done.output


def test_outside_a_terminal_batch_prints_plain_progress_lines(
    tmp_path: Path,
    fake: FakeGrader,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class_dir = small_class(tmp_path / "class")
    done = CliRunner().invoke(cli, ["batch", str(class_dir), "--out", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    lines = [line for line in done.stderr.splitlines() if line.startswith("grading: ")]
    # The first and the last, and one for the re-grading alone; none in between (10 s apart).
    assert lines[0] == "grading: 0 of 8 files graded, 0 of 5 students done, 0 with failures"
    assert lines[-1] == "grading: 8 of 8 files graded, 5 of 5 students done, 1 with failures"
    assert any(line.endswith("re-grading ben/count-async.py alone") for line in lines), lines
    assert len(lines) <= 4, lines
    assert "\r" not in done.stderr and "[#" not in done.stderr  # no progress bar drawing

    monkeypatch.setattr(grader.cli, "PROGRESS_EVERY", 0.0)
    often = CliRunner().invoke(cli, ["batch", str(class_dir), "--out", str(tmp_path / "out2")])
    shown = [line.split()[1] for line in often.stderr.splitlines() if line.startswith("grading:")]
    assert shown[:9] == [str(n) for n in range(9)], shown  # periodic: one per grade here


def test_a_limit_of_one_is_allowed_in_the_singular() -> None:
    pool = Recorder()
    pool.spans += [Span("a", 0.0, 0.2), Span("b", 0.1, 0.3)]
    for limit, said in ((1, "but at most 1 is allowed;"), (0, "but at most 0 are allowed;")):
        with pytest.raises(CheckFailed) as failed:
            expect_at_most(pool, limit, what="download_all", hint="keep a semaphore")
        assert said in str(failed.value) and "2 calls in flight" in str(failed.value)


@pytest.mark.parametrize(
    "args",
    [
        ("release", "{file}/kit"),
        ("--exercises", "{file}/course", "new", "my-exercise"),
        ("check", "count-sync", str(SOLUTIONS / "count-sync.py"), "--format", "html",
         "--output", "{file}/page.html"),
    ],
    ids=["release", "new", "check --output"],
)  # fmt: skip
def test_a_place_that_cannot_be_written_is_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    said = one_line_error(run(*(arg.format(file=blocker) for arg in args)))
    assert said.startswith(f"Error: cannot write {blocker}/") and "Not a directory" in said
    assert blocker.read_text() == "not a folder\n"
