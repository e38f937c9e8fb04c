"""Gradescope's results.json: one test per check, hidden checks hidden until published."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from grader.cli import cli
from grader.grading.report import CheckResult, CheckStatus, Report, ReportStatus, Visibility
from grader.outputs import gradescope
from tests.support import REPO


def example() -> Report:
    return Report(
        exercise="count-async",
        submission="alice/count-async.py",
        max_score=10,
        duration=2.6,
        checks=[
            CheckResult("prints every number once", CheckStatus.PASSED, 2, 2, Visibility.PUBLIC),
            CheckResult(
                "each number on time",
                CheckStatus.FAILED,
                0,
                3,
                Visibility.PUBLIC,
                "the line '4' came after 0.44 s, but was due at 0.20 s",
            ),
            CheckResult("no args", CheckStatus.TIMEOUT, 0, 2, Visibility.PUBLIC, "took over 5 s"),
            CheckResult(
                "does not block the loop",
                CheckStatus.FAILED,
                0,
                3,
                Visibility.HIDDEN,
                "its event loop was blocked for 0.30 s",
            ),
        ],
    )


def test_each_check_is_a_test() -> None:
    results = gradescope.results(example())
    assert results["score"] == 2 and results["execution_time"] == 3
    assert "2/10" in results["output"]
    assert [t["name"] for t in results["tests"]] == [c.name for c in example().checks]
    first, late, timeout, hidden = results["tests"]
    assert first == {
        "name": "prints every number once", "score": 2, "max_score": 2, "status": "passed",
        "output": "", "visibility": "visible",
    }  # fmt: skip
    assert late["status"] == "failed" and late["output"].startswith("the line '4' came after")
    assert timeout["status"] == "failed" and timeout["output"] == "timeout: took over 5 s"
    assert hidden["visibility"] == "after_published" and hidden["max_score"] == 3
    assert hidden["output"] == gradescope.HIDDEN_OUTPUT
    assert "blocked" not in json.dumps(hidden), "a hidden check's details leaked"


def test_a_file_that_cannot_run_scores_zero_and_says_why() -> None:
    report = Report("count-sync", "x.py", 10, status=ReportStatus.ERROR, message="syntax error")
    results = gradescope.results(report)
    assert results["score"] == 0 and results["tests"] == []
    assert "could not be run" in results["output"] and "syntax error" in results["output"]


def test_grade_writes_results_json(tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    solution = REPO / "solutions" / "count-sync.py"
    args = ["grade", "count-sync", str(solution), "--format", "gradescope", "--output", str(target)]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 0 and done.output == "", done.output
    results = json.loads(target.read_text())
    assert results["score"] == 10
    assert all(t["status"] == "passed" and t["score"] == t["max_score"] for t in results["tests"])
    assert {t["visibility"] for t in results["tests"]} == {"visible", "after_published"}


def test_grade_prints_results_json_without_output() -> None:
    broken = REPO / "examples" / "class" / "dave" / "count-sync.py"
    done = CliRunner().invoke(cli, ["grade", "count-sync", str(broken), "--format", "gradescope"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["score"] == 0


def test_an_unwritable_output_is_one_line(tmp_path: Path) -> None:
    broken = REPO / "examples" / "class" / "dave" / "count-sync.py"
    target = tmp_path / "no" / "such" / "folder" / "results.json"
    args = ["grade", "count-sync", str(broken), "--format", "gradescope", "--output", str(target)]
    done = CliRunner().invoke(cli, args)
    assert done.exit_code == 2 and done.output.startswith("Error: cannot write"), done.output
    assert done.output.strip().count("\n") == 0


def test_hidden_details_after_published_shows_the_real_feedback_then() -> None:
    shown = gradescope.results(example(), gradescope.HiddenDetails.AFTER_PUBLISHED)
    hidden = shown["tests"][3]
    assert hidden["visibility"] == "after_published"
    assert hidden["output"] == "its event loop was blocked for 0.30 s"
    never = gradescope.results(example(), gradescope.HiddenDetails.NEVER)
    assert never == gradescope.results(example())  # the default, as before
    assert never["tests"][3]["output"] == gradescope.HIDDEN_OUTPUT
    assert shown["tests"][:3] == never["tests"][:3]  # public checks are the same either way


def test_grade_hidden_details_option(tmp_path: Path) -> None:
    stub = REPO / "exercises" / "count-sync" / "stub.py"
    outputs = {}
    for choice in ("never", "after_published"):
        target = tmp_path / f"{choice}.json"
        args = ["grade", "count-sync", str(stub), "--format", "gradescope", "--output", str(target)]
        done = CliRunner().invoke(cli, [*args, "--hidden-details", choice])
        assert done.exit_code == 0, done.output
        outputs[choice] = json.loads(target.read_text())["tests"]
    hidden = [t for t in outputs["after_published"] if t["visibility"] == "after_published"]
    assert hidden and all(t["output"] != gradescope.HIDDEN_OUTPUT for t in hidden)
    assert all("NotImplementedError" in t["output"] for t in hidden), hidden
    secret = [t for t in outputs["never"] if t["visibility"] == "after_published"]
    assert [t["output"] for t in secret] == [gradescope.HIDDEN_OUTPUT] * len(hidden)
    bad = CliRunner().invoke(cli, ["grade", "count-sync", str(stub), "--hidden-details", "always"])
    assert bad.exit_code == 2 and "always" in bad.output


def test_a_public_only_grade_says_so() -> None:
    report = example()
    report.public_only = True
    assert "Graded on the public checks only" in gradescope.results(report)["output"]
    assert "public checks only" not in gradescope.results(example())["output"]
