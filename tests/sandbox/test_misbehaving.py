"""The sandbox against submissions that misbehave on purpose.

Each must end within a bounded time, with a message saying what happened,
leave no process behind, and leave the next call a fresh child.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from grader.checks.submission import Submission
from grader.sandbox import (
    ImportFailed,
    SubmissionDied,
    SubmissionFault,
    SubmissionRaised,
    SubmissionTimeout,
    isolation,
)
from tests.sandbox.misbehaving import LIMITS, PATIENT, limits_for, private_copy
from tests.support import left_behind, leftovers


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("exit_at_import.py", "exited while being imported"),
        ("os_exit_at_import.py", r"exited while being imported \(exit code 4\)"),
        ("hang_at_import.py", "did not finish importing within 1.5 s"),
        ("stdin_at_import.py", "tried to read input while being imported"),
    ],
)
async def test_import_failures_are_reported(name: str, says: str, tmp_path: Path) -> None:
    path = private_copy(name, tmp_path)
    limits = limits_for(name)
    student = Submission(path, limits)
    started = time.monotonic()
    with pytest.raises(ImportFailed, match=says):
        await student.functions()
    await student.close()
    assert time.monotonic() - started < limits.import_timeout + 3
    assert left_behind() == []


@pytest.mark.parametrize(
    ("name", "fault", "says"),
    [
        ("exit_in_call.py", SubmissionDied, r"exited during the check \(sys.exit\(2\)\)"),
        ("os_exit_in_call.py", SubmissionDied, "exited during the check"),
        ("busy_loop.py", SubmissionTimeout, "did not finish within 1.5 s"),
        ("busy_coroutine.py", SubmissionTimeout, "did not finish within 1.5 s"),
        ("memory_hog.py", SubmissionDied, "used more than 512 MB of memory"),
        ("output_flood.py", SubmissionDied, "printed more than 64 KiB"),
        ("huge_result.py", SubmissionFault, "too large"),
    ],
)
async def test_misbehaving_calls_fail_alone(
    name: str, fault: type, says: str, tmp_path: Path
) -> None:
    path = private_copy(name, tmp_path)
    limits = limits_for(name)
    student = Submission(path, limits)
    for _ in range(2):  # the second call gets a fresh child, and the same verdict
        started = time.monotonic()
        with pytest.raises(fault, match=says):
            await student.count(5, {})
        assert time.monotonic() - started < limits.call_timeout + 3
    await student.close()
    assert left_behind() == []


async def test_killing_its_parent_hurts_only_the_submission(tmp_path: Path) -> None:
    """Its parent is a keeper process, not the grader: the grader carries on.

    Under isolation the keeper is out of the submission's reach (PID 1 of its
    namespace, another uid, or outside its Landlock domain), so the kill fails;
    without, it kills the keeper alone.
    """
    path = private_copy("kill_parent.py", tmp_path)
    student = Submission(path, PATIENT)
    isolated = student.forkserver.isolation.backend is not isolation.Backend.NONE
    for _ in range(2):
        try:
            assert await student.count(3) == [1, 2, 3]  # the reply may beat the news
        except SubmissionDied as died:
            assert not isolated and "killed its parent process" in str(died)
        except SubmissionRaised as raised:
            assert isolated and raised.type_name == "PermissionError", raised
    await student.close()
    assert left_behind() == []


async def test_forked_children_are_killed_with_the_sandbox(tmp_path: Path) -> None:
    path = private_copy("forker.py", tmp_path)
    student = Submission(path, PATIENT)
    assert await student.count(3) == [1, 2, 3]
    assert len(leftovers()) >= 4  # keeper, server and the forks, one of them escaped
    await student.close()
    assert left_behind() == []


async def test_child_has_no_stdin_and_a_minimal_environment(tmp_path: Path) -> None:
    path = tmp_path / "peek.py"
    path.write_text(
        "import os, sys\n"
        "def peek():\n"
        "    listing = sorted(os.listdir('.'))\n"
        "    open('note.txt', 'w').write('mine')\n"
        "    return [sorted(os.environ), sys.stdin.read(), os.getcwd(), os.environ['HOME'],\n"
        "            os.environ['TMPDIR'], listing]\n"
    )
    student = Submission(path, LIMITS)
    names, stdin, cwd, home, temp, listing = await student.peek()
    again = await student.call("peek")  # the same child: its scratch folder keeps its files
    await student.close()
    assert set(names) <= {"PATH", "LANG", "HOME", "TMPDIR", "LC_CTYPE"}
    assert stdin == ""
    assert home == temp == cwd  # its scratch folder, empty at first
    assert listing == [] and again.value[5] == ["note.txt"]
    fresh = Submission(path, LIMITS)  # a new child starts from an empty scratch folder
    assert (await fresh.peek())[5] == []
    await fresh.close()
    host = Path(cwd)
    assert not (host / "note.txt").exists() or (host / "note.txt").read_text() != "mine"


async def test_the_submission_cannot_raise_its_limits(tmp_path: Path) -> None:
    path = tmp_path / "limits.py"
    path.write_text(
        "import resource\n"
        "def raise_limit():\n"
        "    resource.setrlimit(resource.RLIMIT_CPU, (10**6, 10**6))\n"
    )
    student = Submission(path, LIMITS)
    with pytest.raises(SubmissionFault, match="ValueError"):
        await student.raise_limit()
    await student.close()
