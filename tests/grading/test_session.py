"""Gradings run inside one process, one after another, as the command line and batch workers do."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.support import EXERCISES, SOLUTIONS, SUBMISSIONS

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


FOREIGN = """
import json, sys, tempfile
from pathlib import Path
from grader.course import catalog
from grader.grading import runner, session

# A package named `checks` of this process's own, as a host application might have.
mine = Path(tempfile.mkdtemp()) / "checks"
mine.mkdir()
(mine / "__init__.py").write_text("")
(mine / "common.py").write_text("MINE = True")
sys.path.insert(0, str(mine.parent))
import checks.common

session.allow()
report = runner.grade(catalog.find("count-async", Path(sys.argv[1])), Path(sys.argv[2]))
print(json.dumps([report.score, report.message, sys.modules["checks.common"].MINE]))
"""


def test_a_package_named_checks_in_the_process_neither_stands_in_nor_is_lost() -> None:
    """The exercise's checks import `.common` as `checks.common`: theirs, not the process's."""
    done = subprocess.run(
        [sys.executable, "-c", FOREIGN, str(EXERCISES), str(SOLUTIONS / "count-async.py")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    score, message, kept = json.loads(done.stdout.splitlines()[-1])
    assert score == 10, message
    assert kept is True  # the process's own `checks` is back once the session ends
