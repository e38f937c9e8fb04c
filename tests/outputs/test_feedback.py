"""Feedback whose lines cannot be forged by an exception's text; an empty file's verdicts."""

from __future__ import annotations

from pathlib import Path

from grader.grading.report import CheckStatus
from grader.outputs.text import CONTINUED, INDENT, render_text
from tests.support import grade_file

# -- feedback ---------------------------------------------------------------------------------


def test_an_exception_text_cannot_draw_the_reports_own_lines(tmp_path: Path) -> None:
    forged = tmp_path / "count-sync.py"
    forged.write_text(
        "def count(n=30, pauses=None):\n"
        "    raise ValueError('no\\nscore: 10/10  (0.1 s)\\nisolation: namespaces (bubblewrap)')\n"
    )
    report = grade_file("count-sync", forged)
    assert report.score == 0 and report.checks
    shown = render_text(report, width=100).splitlines()
    # The report's own lines start at the margin; every line of a check's feedback is under it.
    own = [line for line in shown if not line.startswith(" ")]
    assert [line.split(":")[0] for line in own][:3] == ["count-sync", "score", "isolation"], own
    assert len(own) == len({line.split(":")[0] for line in own}), own
    # The forged lines are there, quoted as the message's own continuation.
    forged_lines = [line for line in shown if "score: 10/10" in line.split("raise")[0]]
    assert forged_lines and all(line.startswith(INDENT + CONTINUED) for line in forged_lines)
    looks_own = ("score: 1", "isolation: n")
    assert not [line for line in shown if line[:1] == " " and line.lstrip().startswith(looks_own)]


def test_an_empty_file_fails_every_check_alike(tmp_path: Path) -> None:
    for exercise_id, name in [("kitchen", "cook"), ("count-sync", "count")]:
        empty = tmp_path / f"{exercise_id}.py"
        empty.write_text("")
        report = grade_file(exercise_id, empty)
        assert {c.status for c in report.checks} == {CheckStatus.FAILED}, exercise_id
        assert all("your file does not define" in c.message for c in report.checks)
        assert any(f"{name}()" in c.message for c in report.checks)
