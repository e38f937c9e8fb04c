"""The plugin: retries of timing failures only, points, titles, visibility."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from grader.course import catalog
from grader.grading.report import CheckStatus
from grader.grading.runner import derive_seed, grade

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_only_timing_failures_are_retried() -> None:
    exercise = catalog.find("flaky", FIXTURES / "course")
    report = grade(exercise, FIXTURES / "answer.py")
    checks = {c.name: c for c in report.checks}
    third = checks["slow twice, then on time"]
    assert (third.status, third.attempts, third.score) == (CheckStatus.PASSED, 3, 1)
    slow = checks["always too slow"]
    assert (slow.status, slow.attempts, slow.timing) == (CheckStatus.FAILED, 3, True)
    assert "took 9.99 s" in slow.message
    # The failure as data, as the check raised it (unknown bounds left out).
    assert (slow.expected, slow.measured, slow.hint) == ("about 0.10 s", "took 9.99 s",
                                                         "run them at once")  # fmt: skip
    assert slow.bounds == {"measured": 9.99, "at_most": 0.22}
    same = checks["the same cases on every attempt"]
    assert (same.status, same.attempts) == (CheckStatus.PASSED, 3), same.message
    wrong = checks["a wrong answer is not retried"]
    assert (wrong.status, wrong.attempts, wrong.timing) == (CheckStatus.FAILED, 1, False)
    assert wrong.message == "answer() should return 41"
    assert report.score == 3 and report.max_score == 5
    assert not report.timing_only


def test_teachers_can_run_checks_with_plain_pytest() -> None:
    checks = FIXTURES / "course" / "flaky" / "checks"
    command = [sys.executable, "-m", "pytest", str(checks), "-q", "-p", "no:cacheprovider"]
    command += ["--submission", str(FIXTURES / "answer.py")]
    command += ["-o", "asyncio_default_test_loop_scope=function"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert "grader score: 3/5" in done.stdout, done.stdout + done.stderr


def test_plain_pytest_draws_what_the_grader_draws() -> None:
    """Without --grader-seed, plain pytest takes the seed `grader grade` takes for the file."""
    exercise = catalog.find("flaky", FIXTURES / "course")
    answer = FIXTURES / "answer.py"
    command = [sys.executable, "-m", "pytest", str(exercise.root / "checks"), "-q"]
    command += ["-p", "no:cacheprovider", "--submission", str(answer)]
    command += ["-o", "asyncio_default_test_loop_scope=function"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    seed = derive_seed("flaky", answer.read_bytes())
    assert f"(seed {seed})" in done.stdout, done.stdout + done.stderr
    assert grade(exercise, answer).seed == seed
