"""Grading needs hidden checks: against a kit, `grade` and `batch` stop, unless --public-only.

A kit's exercises have only public checks; graded against one, a perfect file
used to get 8/10 without a word. Now `grade` and `batch` refuse in one line,
and with --public-only the report says it covers the public checks only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from grader.batch import runner as batch
from grader.cli import cli
from grader.course import catalog, kit
from grader.grading.report import Report
from grader.grading.runner import NoHiddenChecks, require_hidden_checks
from tests.support import EXERCISES, SOLUTIONS, FakeGrader, batch_in_this_process, touch


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def kit_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kit") / "kit"
    kit.release(catalog.catalog(EXERCISES), out)
    return out


class RecordingGrader(FakeGrader):
    """The batch tests' fake grade, noting the options each file was graded with."""

    def __init__(self) -> None:
        super().__init__()
        self.options: dict[str, dict[str, object]] = {}

    def __call__(self, exercise: catalog.Exercise, path: Path, **options: object) -> Report:
        self.options[str(options["label"])] = options
        return super().__call__(exercise, path, **options)


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> RecordingGrader:
    grader = RecordingGrader()
    monkeypatch.setattr(batch, "grade", grader)
    batch_in_this_process(monkeypatch)
    return grader


def one_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("Error: "), result.output
    return result.output


def test_grade_against_a_kit_stops_in_one_line(kit_dir: Path) -> None:
    solution = str(SOLUTIONS / "count-sync.py")
    said = one_line(run("grade", "count-sync", solution, "--exercises", str(kit_dir)))
    assert "count-sync has no hidden checks" in said and "--public-only" in said


def test_grade_public_only_says_so_in_every_format(kit_dir: Path) -> None:
    solution = str(SOLUTIONS / "count-sync.py")
    base = ["grade", "count-sync", solution, "--exercises", str(kit_dir), "--public-only"]
    report = json.loads(run(*base, "--format", "json").output)
    assert report["public_only"] is True
    assert report["score"] == report["max_score"] == 6  # out of the public checks' points
    assert {c["visibility"] for c in report["checks"]} == {"public"}
    assert "score: 6/6 on the public checks" in run(*base).output
    results = json.loads(run(*base, "--format", "gradescope").output)
    assert "Graded on the public checks only" in results["output"]


def test_a_full_grade_is_not_public_only() -> None:
    done = run("grade", "count-sync", str(SOLUTIONS / "count-sync.py"), "--format", "json")
    report = json.loads(done.output)
    assert report["public_only"] is False and report["max_score"] == 10
    assert (
        "on the public checks"
        not in run("grade", "count-sync", str(SOLUTIONS / "count-sync.py")).output
    )


def test_public_only_skips_hidden_checks_where_there_are_some() -> None:
    done = run("grade", "count-sync", str(SOLUTIONS / "count-sync.py"), "--public-only",
               "--format", "json")  # fmt: skip
    report = json.loads(done.output)
    assert report["public_only"] is True and report["max_score"] == 6
    assert {c["visibility"] for c in report["checks"]} == {"public"}


def test_the_core_refuses_too(kit_dir: Path) -> None:
    with pytest.raises(NoHiddenChecks):
        require_hidden_checks(catalog.find("count-sync", kit_dir))
    require_hidden_checks(catalog.find("count-sync", EXERCISES))  # the course's own: fine


def test_batch_against_a_kit_stops_before_grading_anything(
    kit_dir: Path,
    tmp_path: Path,
    fake: RecordingGrader,
) -> None:
    touch(tmp_path / "class" / "ann" / "count-sync.py", "right")
    args = ["batch", str(tmp_path / "class"), "--out", str(tmp_path / "out"),
            "--exercises", str(kit_dir)]  # fmt: skip
    said = one_line(run(*args))
    assert "count-sync has no hidden checks" in said and not fake.calls
    assert not (tmp_path / "out").exists()
    done = run(*args, "--public-only")
    assert done.exit_code == 0, done.output
    assert [label for label, _ in fake.calls] == ["ann/count-sync.py"]
    assert fake.options["ann/count-sync.py"]["hidden"] is False
