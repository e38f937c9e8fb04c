"""Whole gradings of misbehaving submissions: a report, in bounded time, small, no leftovers."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from grader.grading.report import CheckStatus, ReportStatus
from tests.sandbox.misbehaving import LIMITS, MISBEHAVING, limits_for, private_copy
from tests.support import grade_file, left_behind


@pytest.mark.parametrize(
    ("name", "status", "says"),
    [
        ("exit_at_import.py", ReportStatus.ERROR, "exited while being imported"),
        ("os_exit_at_import.py", ReportStatus.ERROR, "exited while being imported"),
        ("hang_at_import.py", ReportStatus.ERROR, "did not finish importing"),
        ("stdin_at_import.py", ReportStatus.ERROR, "tried to read input"),
        ("exit_in_call.py", ReportStatus.GRADED, "exited during the check"),
        ("os_exit_in_call.py", ReportStatus.GRADED, "exited during the check"),
        ("busy_loop.py", ReportStatus.GRADED, "did not finish within"),
        ("busy_coroutine.py", ReportStatus.GRADED, "did not finish within"),
        ("memory_hog.py", ReportStatus.GRADED, "used more than 512 MB of memory"),
        ("output_flood.py", ReportStatus.GRADED, "printed more than"),
        ("kill_parent.py", ReportStatus.GRADED, ""),
        ("forker.py", ReportStatus.GRADED, ""),
        ("patch_pytest.py", ReportStatus.GRADED, ""),
    ],
)
def test_misbehaving_submission_gets_a_report(
    name: str, status: ReportStatus, says: str, tmp_path: Path
) -> None:
    path = private_copy(name, tmp_path)
    started = time.monotonic()
    report = grade_file("count-async", path, limits=limits_for(name))
    took = time.monotonic() - started
    assert report.status is status, report.message
    assert report.score == 0
    assert took < 120
    messages = [report.message] + [c.message for c in report.checks]
    assert any(says in m for m in messages), messages
    if status is ReportStatus.GRADED:
        assert report.checks and all(c.status is not CheckStatus.PASSED for c in report.checks)
    assert len(json.dumps(report.to_dict())) < 20_000
    assert left_behind() == []


def test_busy_loop_check_status_is_timeout() -> None:
    report = grade_file("count-async", MISBEHAVING / "busy_coroutine.py", limits=LIMITS)
    assert {c.status for c in report.checks} == {CheckStatus.TIMEOUT}


def test_grading_other_files_is_unaffected_after_a_parent_killer(tmp_path: Path) -> None:
    grade_file("count-async", MISBEHAVING / "kill_parent.py", limits=limits_for("kill_parent.py"))
    from tests.support import SOLUTIONS

    report = grade_file("count-async", SOLUTIONS / "count-async.py")
    assert report.score == report.max_score


def test_text_no_file_can_hold_costs_only_that_submission(tmp_path: Path) -> None:
    from grader.outputs.html import render_report
    from grader.outputs.text import render_text

    report = grade_file("count-async", private_copy("lone_surrogate.py", tmp_path), limits=LIMITS)
    assert report.status is ReportStatus.GRADED and report.score == 0
    messages = [c.message for c in report.checks]
    assert any("bad ? value" in message for message in messages), messages
    for rendered in (render_text(report), render_report(report), json.dumps(report.to_dict())):
        rendered.encode("utf-8")  # what a report file, a page or a terminal must take


def test_nonsense_from_the_instrumentation_costs_the_grading_nothing(tmp_path: Path) -> None:
    report = grade_file("count-async", private_copy("forged_diagnostics.py", tmp_path))
    assert report.status is ReportStatus.GRADED, report.message
    assert report.score == report.max_score, [(c.name, c.message) for c in report.checks]
    assert not any(c.diagnostics for c in report.checks)
