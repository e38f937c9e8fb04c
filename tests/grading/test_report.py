"""The report: the JSON shape of the contract, scores, and the text students read."""

from __future__ import annotations

from grader.grading.report import (
    CheckResult,
    CheckStatus,
    Failure,
    Report,
    ReportStatus,
    Resources,
    Visibility,
)
from grader.outputs import gradescope, html
from grader.outputs.text import render_text


def example() -> Report:
    return Report(
        exercise="count-async",
        submission="alice/count-async.py",
        max_score=10,
        duration=2.4,
        checks=[
            CheckResult("prints every number once", CheckStatus.PASSED, 2, 2, Visibility.PUBLIC),
            CheckResult(
                "takes about the longest pause",
                CheckStatus.FAILED,
                0,
                3,
                Visibility.HIDDEN,
                "took 1.21 s; concurrent code takes about 0.40 s",
                attempts=3,
                timing=True,
                failure=Failure(
                    expected="concurrent code takes about 0.40 s (at most 0.62 s)",
                    measured="count(...) took 1.21 s",
                    hint="did the pauses run one after another?",
                    bounds={"measured": 1.21, "at_least": 0.4, "at_most": 0.62, "sequential": 1.31},
                ),
            ),
        ],
        seed=1234,
        resources=Resources(512, 64, "per process", "control groups need root"),
    )


def test_json_shape_is_the_contract() -> None:
    data = example().to_dict()
    # The contract's keys, in its order; later releases' additions come after them.
    assert list(data)[:8] == [
        "exercise", "submission", "score", "max_score", "status", "message", "duration", "checks",
    ]  # fmt: skip
    assert list(data)[8:] == [
        "public_only", "isolation", "isolation_missing", "seed", "observation_missing",
        "resources",
    ]  # fmt: skip
    assert data["public_only"] is False and data["seed"] == 1234
    assert list(data["checks"][0]) == [
        "name", "status", "score", "max_score", "visibility", "message", "duration",
        "diagnostics", "timeline", "expected", "measured", "hint", "bounds", "observed",
    ]  # fmt: skip
    assert data["score"] == 2 and data["status"] == "graded"
    assert data["checks"][1]["visibility"] == "hidden"


def test_a_failure_carries_its_data() -> None:
    passed, failed = example().to_dict()["checks"]
    assert (passed["expected"], passed["measured"], passed["hint"], passed["bounds"]) == (
        "",
        "",
        "",
        None,
    )
    assert failed["bounds"] == {"measured": 1.21, "at_least": 0.4, "at_most": 0.62,
                                "sequential": 1.31}  # fmt: skip
    assert failed["measured"] == "count(...) took 1.21 s"
    assert failed["hint"] == "did the pauses run one after another?"


def test_round_trip() -> None:
    report = example()
    assert Report.from_dict(report.to_dict()).to_dict() == report.to_dict()


def test_an_error_report_scores_zero() -> None:
    report = example()
    report.status = ReportStatus.ERROR
    assert report.score == 0


def test_timing_only() -> None:
    assert example().timing_only
    report = example()
    report.checks[1].timing = False
    assert not report.timing_only


def test_text_names_the_measured_times() -> None:
    text = render_text(example())
    assert "took 1.21 s" in text and "score: 2/10" in text and "(hidden)" in text
    assert "[after 3 attempts]" in text


def test_an_inconclusive_check_says_to_grade_again_everywhere() -> None:
    """Text, HTML and Gradescope: the points are not lost, not known yet."""
    report = example()
    report.checks[1] = CheckResult(
        "takes about as long as the slowest", CheckStatus.INCONCLUSIVE, 0, 3,
        Visibility.HIDDEN, "inconclusive: the machine was too busy to time this check",
        timing=True,
    )  # fmt: skip
    shown = render_text(report)
    assert "  BUSY        0/3  takes about as long as the slowest" in shown
    assert "inconclusive: 1 check was not timed" in shown and "grade again" in shown
    page = html.render_report(report)
    assert 'class="badge inconclusive"' in page and "grade again" in page
    assert "Inconclusive: 1 check was not timed" in gradescope.results(report)["output"]
