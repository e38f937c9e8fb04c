"""Shared helpers for the grader's own tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner, Result

from grader.batch import executors
from grader.cli import cli
from grader.course import catalog
from grader.errors import GradingFailed
from grader.grading.report import CheckResult, CheckStatus, Report, Visibility
from grader.grading.runner import grade
from grader.sandbox import forkserver

REPO = Path(__file__).resolve().parent.parent
EXERCISES = REPO / "exercises"
SOLUTIONS = REPO / "solutions"
#: What the tests grade and run, never collect: submissions, check files, attackers.
DATA = REPO / "tests" / "data"
SUBMISSIONS = DATA / "submissions"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """The `grader` command, in this process: its exit code and what it printed."""
    return CliRunner().invoke(cli, list(args), env=env)


def one_line_error(result: Result) -> str:
    """The one line a refused command printed (exit 2, `Error: ...`, no traceback)."""
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


def exercise(exercise_id: str) -> catalog.Exercise:
    return catalog.find(exercise_id, EXERCISES)


#: How many times a test grades a file while the machine is too busy to time a check of it.
BUSY_GRADINGS = 3


def grade_file(exercise_id: str, path: Path, **options: object) -> Report:
    """Grade `path` against every check of the exercise, as `grader grade` does.

    Graded again while a check comes out inconclusive (the machine too busy
    to time it), as `batch` and `verify` do: a test asserts verdicts.
    """
    for _ in range(BUSY_GRADINGS):
        report = grade(exercise(exercise_id), path, **options)  # type: ignore[arg-type]
        if not any(c.status is CheckStatus.INCONCLUSIVE for c in report.checks):
            break
    return report


def lost(report: Report) -> set[str]:
    """The titles of the checks that did not pass."""
    return {c.name for c in report.checks if c.status is not CheckStatus.PASSED}


def unsure(report: Report) -> set[str]:
    """The titles of the checks the machine was too busy to time: no verdict either way."""
    return {c.name for c in report.checks if c.status is CheckStatus.INCONCLUSIVE}


def loses_just(report: Report, expected: set[str]) -> bool:
    """Whether the report fails exactly `expected`, a check without a verdict aside.

    A check that came out `inconclusive` (after `grade_file`'s gradings again)
    was neither passed nor failed: it may be one of `expected` or not, and
    every other check has its verdict.
    """
    failed = lost(report) - unsure(report)
    return failed <= expected <= failed | unsure(report)


def earns_nothing_more(claimed: Report, honest: Report) -> bool:
    """Whether a forgery lost every check the same code without it failed, and scored no more.

    A check the honest grading left `inconclusive` has no verdict to hold the
    forgery to; nor, then, has the total.
    """
    if not lost(honest) - unsure(honest) <= lost(claimed):
        return False
    return bool(unsure(honest)) or claimed.score <= honest.score


def explain(report: Report) -> str:
    """A failing test's message: every check that did not pass, and why."""
    lines = [f"{report.status}: {report.message}"] if report.message else []
    lines += [
        f"{c.status}: {c.name}: {c.message}"
        for c in report.checks
        if c.status is not CheckStatus.PASSED
    ]
    return "\n".join(lines) or "every check passed"


def verdict_tests(
    exercise_id: str, wrong: dict[str, set[str]], says: dict[str, str] | None = None
) -> tuple[Callable[..., None], ...]:
    """The tests that prove an exercise's checks, given which checks each wrong file loses.

    Every `ok_*.py` beside the exercise gets full marks; every `bad_*.py` is
    listed in `wrong` and loses exactly the checks named there, each with a
    message (and, for the files in `says`, one message contains that text).
    The reference solution and the stub are graded by test_verify; that the
    verdicts hold on every seed, by `grader verify --draws` (bench/stability.py).
    """
    folder = SUBMISSIONS / exercise_id
    right = sorted(folder.glob("ok_*.py"))

    @pytest.mark.parametrize("path", right, ids=[p.stem for p in right])
    def test_right_submissions_get_full_marks(path: Path) -> None:
        report = grade_file(exercise_id, path)
        assert loses_just(report, set()), explain(report)
        untimed = sum(c.max_score for c in report.checks if c.name in unsure(report))
        assert report.score + untimed == report.max_score, explain(report)
        named = [d.message for c in report.checks for d in c.diagnostics]
        assert named == [], f"a right submission is named for no mistake: {named}"

    def test_every_wrong_submission_is_listed() -> None:
        assert right, f"no ok_*.py beside {exercise_id}"
        assert {p.name for p in folder.glob("bad_*.py")} == set(wrong)

    @pytest.mark.parametrize("name", sorted(wrong))
    def test_wrong_submissions_lose_their_checks(name: str) -> None:
        report = grade_file(exercise_id, folder / name)
        assert loses_just(report, wrong[name]), explain(report)
        assert all(c.message for c in report.checks if c.name in wrong[name]), explain(report)
        if says and name in says:
            assert any(says[name] in c.message for c in report.checks), explain(report)

    return (
        test_right_submissions_get_full_marks,
        test_every_wrong_submission_is_listed,
        test_wrong_submissions_lose_their_checks,
    )


#: When the running test began, in seconds since the machine booted (set by conftest.py).
test_began = 0.0
_TICKS = os.sysconf("SC_CLK_TCK")


T = TypeVar("T")


def until(what: Callable[[], T | None], within: float = 120.0, every: float = 0.1) -> T:
    """Poll `what` until it returns something truthy; fail after `within` seconds.

    How a test waits for something to happen: never a fixed sleep, which is
    too short on a loaded machine and too long everywhere else.
    """
    deadline = time.monotonic() + within
    while True:
        found = what()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {within:g} s: {what}")
        time.sleep(every)


async def happens(what: Callable[[], object], within: float, every: float = 0.02) -> bool:
    """Whether `what()` comes true within `within` seconds, polled without blocking the loop.

    As soon as it does, True. For something that must not happen (an attack a
    sandbox stops), `within` is the window it is given to happen anyway.
    """
    deadline = time.monotonic() + within
    while not what():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(every)
    return True


def uptime() -> float:
    """Seconds since the machine booted, the clock /proc gives process start times on."""
    with open("/proc/uptime", encoding="ascii") as file:
        return float(file.read().split()[0])


def _processes() -> dict[int, tuple[int, str, bytes]]:
    """Every live process started since the running test began: pid -> (parent, state, command)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read()
        except OSError:
            continue
        # An earlier test's processes may still be winding down: they are not this one's.
        started = int(fields[19]) / _TICKS
        state = fields[0].decode() if started >= test_began - 1.0 else "earlier"
        found[int(entry)] = (int(fields[1]), state, command)
    return found


def leftovers() -> list[int]:
    """Live processes this test process started, directly or not, other than sandbox zygotes.

    The test process is a subreaper (conftest.py), so a process that escaped
    its sandbox, even one a grading subprocess started, is still a
    descendant of ours. Zygotes (and the bubblewrap around them) are the
    fork servers' own, kept between tests.
    """
    table = _processes()
    ours = {server.pid for server in forkserver.running()}
    tree = set(ours)
    for pid, (parent, _, command) in table.items():
        if parent in ours and command.startswith((b"bwrap", b"/usr/bin/bwrap")):
            tree.add(pid)  # bubblewrap's own init, the zygote's parent
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    found: list[int] = []
    todo = list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        parent, state, command = table[pid]
        bwrapped = table.get(parent, (0, "", b""))[2].startswith((b"bwrap", b"/usr/bin/bwrap"))
        infrastructure = (
            pid in ours  # a zygote of this process's own fork servers (or bwrap around one)
            or (parent in ours and command.startswith((b"bwrap", b"/usr/bin/bwrap")))
            or (bwrapped and b"from grader.sandbox import zygote" in command and parent in tree)
        )
        if state == "earlier" and not infrastructure:
            continue  # an earlier test's, with everything it started
        todo += children.get(pid, [])
        if state != "Z" and not infrastructure:  # a zombie is dead, only not yet reaped
            found.append(pid)
    return found


def left_behind(within: float = 10.0) -> list[int]:
    """`leftovers()` once they had `within` seconds to end: what a killed process left for good.

    A process killed a moment ago may still be ending on a busy machine (a
    zygote whose grading ended, reparented here); only what outlives the
    grace period is left behind.
    """
    deadline = time.monotonic() + within
    while (found := leftovers()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def describe(pids: list[int]) -> str:
    """What each of `pids` is: its parent and command line, for a failing test's message."""
    table = _processes()
    return "; ".join(
        f"{pid} (parent {table[pid][0]}): {table[pid][2][:150]!r}" for pid in pids if pid in table
    )


def batch_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `grader batch` grade on threads of this process, so a patched `grade` is the one used.

    The real batch grades in worker processes, which a monkeypatch never
    reaches; tests of the batch's bookkeeping swap the executor, tests of real
    gradings keep it.
    """

    @contextlib.contextmanager
    def threads(workers: int) -> Iterator[Executor]:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            yield pool

    monkeypatch.setattr(executors, "local_executor", threads)


# -- a class graded with a fake grade ------------------------------------------------------


def touch(path: Path, text: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


class FakeGrader:
    """Stands in for `grade`: instant reports decided by the file's text, and a log of overlap."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.calls: list[tuple[str, int]] = []  # (label, how many others ran meanwhile)
        self.seen: dict[str, int] = {}

    def __call__(self, exercise: catalog.Exercise, path: Path, **options: Any) -> Report:
        label = str(options["label"])
        with self.lock:
            self.running += 1
            self.seen[label] = self.seen.get(label, 0) + 1
            first = self.seen[label] == 1
        time.sleep(0.05)
        try:
            return self.report(exercise, label, path.read_text(), first=first)
        finally:
            with self.lock:
                self.calls.append((label, self.running - 1))
                self.running -= 1

    def report(self, exercise: catalog.Exercise, label: str, text: str, *, first: bool) -> Report:
        if "grader-error" in text:
            raise GradingFailed("the checks did not finish in 300 s")
        if "crash-the-worker" in text:
            raise RuntimeError("worker lost")
        timing = "slow-under-load" in text and first
        busy = "too-busy-to-time" in text  # on every grading, next to a real failure
        status = CheckStatus.INCONCLUSIVE if busy else CheckStatus.FAILED
        check = CheckResult(
            "takes the longest pause",
            status if timing or busy else CheckStatus.PASSED,
            0.0 if timing or busy else 4.0,
            4.0,
            Visibility.PUBLIC,
            timing=timing or busy,
        )
        prints = CheckStatus.FAILED if busy else CheckStatus.PASSED
        other = CheckResult("prints", prints, 0.0 if busy else 6.0, 6.0, Visibility.HIDDEN)
        return Report(exercise.id, label, exercise.points, checks=[other, check])


def small_class(root: Path) -> Path:
    for student in ("ann", "ben", "cat", "dan", "eve"):
        touch(root / student / "count-sync.py", "right")
    touch(root / "ben" / "count-async.py", "slow-under-load")
    touch(root / "cat" / "count-async.py", "grader-error")
    touch(root / "dan" / "count-async.py", "right")
    return root
