"""Gradings run inside one process, one after another, as the command line and batch workers do."""

from __future__ import annotations

import json
import subprocess
import sys

from support import EXERCISES, SOLUTIONS, SUBMISSIONS

SCRIPT = """
import json, sys
from pathlib import Path
from grader.course import catalog
from grader.grading import runner, session

session.allow()
folder = Path(sys.argv[1])
scores = []
for exercise_id, path in zip(sys.argv[2::2], sys.argv[3::2]):
    report = runner.grade(catalog.find(exercise_id, folder), Path(path))
    scores.append([exercise_id, report.score, sorted({c.name for c in report.checks})])
print(json.dumps([scores, sorted(m for m in sys.modules if m.split(".")[0] == "checks")]))
"""


def test_sessions_in_one_process_keep_each_exercise_to_its_own_checks() -> None:
    """Both exercises have checks/test_public.py: each grading must load its own."""
    files = [
        ("count-sync", SOLUTIONS / "count-sync.py"),
        ("count-async", SOLUTIONS / "count-async.py"),
        ("count-async", SUBMISSIONS / "count-async" / "bad_sequential.py"),
        ("count-sync", SOLUTIONS / "count-sync.py"),
    ]
    args = [str(x) for pair in files for x in pair]
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(EXERCISES), *args],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    scores, left = json.loads(done.stdout.splitlines()[-1])
    assert [s[1] for s in scores] == [10, 10, scores[2][1], 10] and scores[2][1] < 10
    assert scores[0][2] == scores[3][2] and scores[0][2] != scores[1][2]  # its own checks
    assert left == []  # each session forgot the check modules it imported
