"""The plugin: retries of timing failures only, points, titles, visibility."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_timeout

from grader.course import catalog
from grader.errors import GradingFailed
from grader.grading.plugin import classify
from grader.grading.report import CheckStatus
from grader.grading.runner import derive_seed, grade
from tests.support import DATA

FIXTURES = DATA / "fixtures"


def test_only_timing_failures_are_retried() -> None:
    exercise = catalog.find("flaky", FIXTURES / "course")
    report = grade(exercise, FIXTURES / "answer.py")
    checks = {c.name: c for c in report.checks}
    third = checks["slow twice, then on time"]
    assert (third.status, third.attempts, third.score) == (CheckStatus.PASSED, 3, 1)
    slow = checks["always too slow"]  # 9.77 s over: no load measured explains it
    assert (slow.status, slow.attempts, slow.timing) == (CheckStatus.FAILED, 1, True)
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
    # A plain assert states the failure in its message alone; the fields still say
    # what was expected (the check's title) and what happened (its message).
    assert (wrong.expected, wrong.measured) == ("a wrong answer is not retried",
                                                "answer() should return 41")  # fmt: skip
    busy = checks["a little slow on a busy machine every time"]
    assert (busy.status, busy.attempts, busy.score) == (CheckStatus.INCONCLUSIVE, 3, 0)
    assert busy.message.startswith("inconclusive: the machine was too busy"), busy.message
    assert report.score == 3 and report.max_score == 6
    assert not report.timing_only


def test_teachers_can_run_checks_with_plain_pytest() -> None:
    checks = FIXTURES / "course" / "flaky" / "checks"
    command = [sys.executable, "-m", "pytest", str(checks), "-q", "-p", "no:cacheprovider"]
    command += ["--submission", str(FIXTURES / "answer.py")]
    command += ["-o", "asyncio_default_test_loop_scope=function"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert "grader score: 3/6" in done.stdout, done.stdout + done.stderr


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


def test_checks_that_do_not_add_up_are_a_grading_error_not_a_score(tmp_path: Path) -> None:
    """A course whose checks are worth more than exercise.yaml says can never give 7/6."""
    course = tmp_path / "course"
    shutil.copytree(FIXTURES / "course" / "flaky", course / "flaky")
    (course / "flaky" / "checks" / "test_hidden.py").write_text(
        "import pytest\n\n\n@pytest.mark.points(1)\nasync def test_extra(submission):\n"
        '    """one point more than exercise.yaml counts"""\n'
    )
    exercise = catalog.find("flaky", course)
    with pytest.raises(GradingFailed, match=r"worth 7 points, but its exercise\.yaml says 6"):
        grade(exercise, FIXTURES / "answer.py")
    done = subprocess.run(
        [sys.executable, "-m", "grader", "--exercises", str(course), "grade", "flaky",
         str(FIXTURES / "answer.py"), "--public-only"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0  # the public checks alone are not held to the total
    done = subprocess.run(
        [sys.executable, "-m", "grader", "--exercises", str(course), "grade", "flaky",
         str(FIXTURES / "answer.py")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode != 0 and "exercise.yaml says 6" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_check_pytest_timeout_stopped_is_a_timeout_and_nothing_else_is() -> None:
    """pytest-timeout fails a check with the message it exports; only that one is a timeout."""
    limit = pytest_timeout.PYTEST_FAILURE_MESSAGE % 300.0
    stopped = classify(_raised(pytest.fail.Exception(limit)))
    assert (stopped.status, stopped.message) == (CheckStatus.TIMEOUT,
                                                 "the check did not finish in time")  # fmt: skip
    # A failure or an error that merely quotes those words (a value the submission
    # returned, say) is what it is, not a timeout.
    quoted = pytest.fail.Exception(f"answer() returned {limit!r}")
    assert classify(_raised(quoted)).status is CheckStatus.FAILED
    assert classify(_raised(ValueError(f"{limit} and more"))).status is CheckStatus.ERROR


def _raised(error: BaseException) -> pytest.ExceptionInfo[BaseException]:
    """`error` as pytest holds it once a check raised it."""
    with pytest.raises(BaseException) as info:
        raise error
    return info


def test_an_exercise_yaml_that_cannot_be_read_stops_plain_pytest_with_why(
    tmp_path: Path,
) -> None:
    """The checks never run on without the packages the exercise allows its submissions."""
    course = tmp_path / "course"
    shutil.copytree(FIXTURES / "course" / "flaky", course / "flaky")
    (course / "flaky" / "exercise.yaml").write_text("id: flaky\npoints: [6\n")
    command = [sys.executable, "-m", "pytest", str(course / "flaky" / "checks"), "-q"]
    command += ["-p", "no:cacheprovider", "--submission", str(FIXTURES / "answer.py")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "exercise.yaml is not valid YAML" in done.stderr, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
