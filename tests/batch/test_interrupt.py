"""Ctrl-C in `grader batch`: the first finishes the gradings in flight, the second stops now.

The last tests grade a class in a real `grader batch`, started in a session
of its own, and send SIGINT to its process group, as a terminal does on
Ctrl-C. Everything is polled against generous deadlines: the machine may be
loaded, and only what a deadline cannot blur is asserted exactly. The first
ones test the parts alone: the runner's `Stop` (with a fake grade) and
`kill_trees`.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from grader.batch import classroom, processes
from grader.batch import runner as batch_runner
from grader.batch.throttle import Throttle
from grader.course import catalog
from grader.outputs import gradebook
from tests import support
from tests.support import EXERCISES, REPO, SOLUTIONS, FakeGrader, touch

#: How long the first Ctrl-C may take to be answered: it is answered at once; this is the load.
ANSWER_WITHIN = 5.0
#: How long the batch may take to end after the second Ctrl-C, and its processes to be gone.
GONE_WITHIN = 5.0

FIRST = re.compile(
    r"interrupted: (?:finishing (\d+) gradings? in flight, starting no more"
    r"|starting no more gradings); press Ctrl-C again to stop now"
)


def until(condition: Callable[[], object], within: float, what: str) -> float:
    """Poll `condition` until it holds; how long that took. Fails after `within` seconds."""
    start = time.monotonic()
    while not condition():
        waited = time.monotonic() - start
        assert waited < within, f"{what}: not within {within:g} s"
        time.sleep(0.02)
    return time.monotonic() - start


def reports(out: Path) -> set[Path]:
    return set(out.glob("*/*.json"))


def stopped_run(
    class_dir: Path, out: Path, when: Callable[[batch_runner.Progress], bool]
) -> tuple[batch_runner.BatchResult, list[int]]:
    """A batch on two threads, asked to stop at the first progress `when` holds for.

    The stop is asked from the progress callback, on the main thread between
    two steps of the batch, as a signal handler would; what it answered (how
    many gradings are in flight) is returned with the result.
    """
    room = classroom.scan(class_dir, catalog.catalog(EXERCISES))
    stop = batch_runner.Stop()
    answered: list[int] = []

    def progress(now: batch_runner.Progress) -> None:
        if not stop.requested and when(now):
            answered.append(stop.request())

    with ThreadPoolExecutor(2) as pool:
        result = batch_runner.run(
            room, out, EXERCISES, pool, progress=progress, throttle=Throttle(least=2, most=2),
            stop=stop,
        )  # fmt: skip
    return result, answered


def test_a_stop_finishes_the_gradings_in_flight_and_starts_no_more(
    tmp_path: Path,
    fake: FakeGrader,
) -> None:
    for student in ("ann", "ben", "cat", "dan", "eve", "fay"):
        touch(tmp_path / "class" / student / "count-sync.py", "right")
    out = tmp_path / "out"
    result, answered = stopped_run(tmp_path / "class", out, lambda now: now.done == 1)
    # Two at a time: when the first was saved, the second was in flight; it was saved too.
    assert answered == [1]
    assert result.stopped and result.graded == 2 and not result.unfinished
    assert len(fake.calls) == 2, "a grading started after the stop"
    assert len(result.not_started) == 4 and len(reports(out)) == 2
    assert sorted(result.not_started + [label for label, _ in fake.calls]) == [
        f"{s}/count-sync.py" for s in ("ann", "ben", "cat", "dan", "eve", "fay")
    ]
    rows = (out / "grades.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [row.split(",")[1] for row in rows].count(gradebook.UNGRADED) == 4, rows
    assert (out / "index.html").is_file()


def test_a_stop_grades_nothing_again_alone_and_saves_no_grade_load_may_have_cut(
    tmp_path: Path,
    fake: FakeGrader,
) -> None:
    touch(tmp_path / "class" / "ann" / "count-sync.py", "right")
    touch(tmp_path / "class" / "ben" / "count-sync.py", "slow-under-load")
    out = tmp_path / "out"
    result, _ = stopped_run(tmp_path / "class", out, lambda now: now.done == 1)
    assert [label for label, _ in fake.calls].count("ben/count-sync.py") == 1
    assert result.unfinished == [
        batch_runner.Unfinished("ben/count-sync.py", batch_runner.STOPPED_BEFORE_ALONE)
    ]
    assert [r.parent.name for r in reports(out)] == ["ann"]  # ben's --resume grades again


def test_kill_trees_ends_a_process_and_all_it_started_at_once() -> None:
    # A child in a session of its own (still in the tree), and an orphan: its parent
    # ended, so it left the tree (for this process, a subreaper), but kept the group.
    script = """import os, time
if os.fork() == 0:
    os.setsid()
    time.sleep(60)
    os._exit(0)
middle = os.fork()
if middle == 0:
    if os.fork() == 0:
        time.sleep(60)
        os._exit(0)
    os._exit(0)
os.waitpid(middle, 0)
print("ready", flush=True)
time.sleep(60)
"""
    root = subprocess.Popen([sys.executable, "-c", script], process_group=0, stdout=subprocess.PIPE)
    try:
        assert root.stdout is not None and root.stdout.readline() == b"ready\n"
        until(lambda: len(support.leftovers()) == 3, 30, "the processes did not start")
        processes.kill_trees([root.pid])
        root.wait(timeout=GONE_WITHIN)
        deadline = time.monotonic() + GONE_WITHIN
        while (left := support.leftovers()) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not left, f"left behind: {support.describe(left)}"
    finally:
        for pid in [root.pid, *support.leftovers()]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        root.wait()


#: What the process a slow submission leaves behind calls itself (its /proc/PID/comm).
LEFT_BEHIND = "left-behind"
#: Imported at each check: leaves a process of its own behind, then takes 4 s (asleep, no CPU).
SLOW = f"""import os
import time

if os.fork() == 0:
    try:
        with open("/proc/self/comm", "w") as comm:
            comm.write("{LEFT_BEHIND}")
        time.sleep(120)
    finally:
        os._exit(0)
time.sleep(4)
"""


def a_class(root: Path, fast: Sequence[str], slow: Sequence[str] = ()) -> Path:
    """Students with the right count-sync; the `slow` ones' begins with `SLOW`.

    count-sync has no timing check, so a grading in flight is never set aside to
    be graded again alone: each one is saved as it finishes, however loaded the
    machine.
    """
    right = (SOLUTIONS / "count-sync.py").read_text(encoding="utf-8")
    for student in fast:
        (root / student).mkdir(parents=True)
        (root / student / "count-sync.py").write_text(right, encoding="utf-8")
    for student in slow:
        (root / student).mkdir(parents=True)
        (root / student / "count-sync.py").write_text(SLOW + right, encoding="utf-8")
    return root


@contextlib.contextmanager
def batch(tmp_path: Path, class_dir: Path, *options: str) -> Iterator[subprocess.Popen[bytes]]:
    """`grader batch` with 2 workers, in a session of its own; whatever it leaves is killed."""
    out = tmp_path / "out"
    with (tmp_path / "stdout").open("wb") as stdout, (tmp_path / "stderr").open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "grader", "batch", str(class_dir), "--out", str(out),
             "--workers", "2", *options],
            cwd=REPO, start_new_session=True, stdin=subprocess.DEVNULL, stdout=stdout,
            stderr=stderr,
        )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for pid in support.leftovers():  # this process is a subreaper: the batch's orphans
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def names(root: int) -> list[str]:
    """The names (/proc/PID/comm) of `root` and of every process under it."""
    found: list[str] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        with contextlib.suppress(OSError):
            found.append(Path(f"/proc/{pid}/comm").read_text(encoding="utf-8").strip())
        todo += processes.children(pid)
    return found


def ctrl_c(process: subprocess.Popen[bytes]) -> None:
    """What a terminal does on Ctrl-C: SIGINT to its foreground process group."""
    os.killpg(process.pid, signal.SIGINT)


def stderr(tmp_path: Path) -> str:
    return (tmp_path / "stderr").read_text(encoding="utf-8", errors="replace")


def in_flight(tmp_path: Path, ctrl_c_at: float) -> int:
    """How many gradings the first Ctrl-C said are finishing, once it said it (in time)."""
    until(lambda: FIRST.search(stderr(tmp_path)), ANSWER_WITHIN, "no answer to the first Ctrl-C")
    print(f"the first Ctrl-C was answered within {time.monotonic() - ctrl_c_at:.2f} s")
    found = FIRST.search(stderr(tmp_path))
    assert found is not None
    return int(found.group(1) or 0)


def test_the_first_ctrl_c_finishes_the_gradings_in_flight_and_writes_the_outputs(
    tmp_path: Path,
) -> None:
    students = [f"student{n:02}" for n in range(10)]
    class_dir = a_class(tmp_path / "class", students)
    out = tmp_path / "out"
    with batch(tmp_path, class_dir) as process:
        until(lambda: reports(out) or process.poll() is not None, 300, "no report was written")
        assert process.poll() is None, "the batch ended before it could be interrupted"
        before = reports(out)
        signalled = time.time()
        ctrl_c(process)
        finishing = in_flight(tmp_path, time.monotonic())
        assert finishing >= 1, "the batch was interrupted between two gradings"
        assert process.wait(timeout=300) == 130, stderr(tmp_path)

    after = reports(out)
    for report in after:
        stored = gradebook.read_report(report)
        assert stored is not None and stored.score == stored.max_score, report
    # Every grading in flight was saved, none was started after the Ctrl-C: a report
    # written since is one of those in flight, or the one being saved at that moment.
    assert before <= after and len(after) >= len(before) + finishing
    since = [r for r in after if r.stat().st_mtime >= signalled]
    assert len(since) <= finishing + 1, (finishing, since)
    left = len(students) - len(after)
    assert left >= 1, "the batch graded everything: it started gradings after the Ctrl-C"
    # ...and the outputs say so: the rest is "not graded", for --resume to grade.
    rows = (out / "grades.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert sum(row.split(",")[1] == gradebook.UNGRADED for row in rows) == left, rows
    assert (out / "index.html").is_file()
    said = stderr(tmp_path)
    assert "Traceback" not in said and "Aborted!" not in said, said
    assert said.rstrip().endswith(
        f"interrupted: {left} file{'s' if left != 1 else ''} not graded; the reports graded so "
        f"far are kept in {out}, with grades.csv and index.html; run the same command again "
        "with --resume to grade only what is left"
    ), said
    summary = (tmp_path / "stdout").read_text(encoding="utf-8")
    assert f"graded {len(after)} of 10 submissions" in summary, summary


# Without isolation no namespace ends a check's processes with it: only the batch can.
@pytest.mark.parametrize("isolation", [(), ("--no-isolation",)], ids=["auto", "no-isolation"])
def test_the_second_ctrl_c_stops_at_once_and_leaves_no_process(
    tmp_path: Path, isolation: tuple[str, ...]
) -> None:
    # Two quick gradings, then slow ones (13 s, asleep): those are in flight when Ctrl-C comes,
    # and a worker left to finish one would still be there long after the deadline.
    class_dir = a_class(tmp_path / "class", ["a", "b"], slow=["c", "d", "e"])
    out = tmp_path / "out"
    with batch(tmp_path, class_dir, *isolation) as process:
        until(lambda: len(reports(out)) >= 2 or process.poll() is not None, 300, "no reports")
        # ...and a slow one under way, far enough to have left a process of its own.
        until(
            lambda: LEFT_BEHIND in names(process.pid) or process.poll() is not None,
            300, "no slow grading under way",
        )  # fmt: skip
        assert process.poll() is None, "the batch ended before it could be interrupted"
        ctrl_c(process)
        in_flight(tmp_path, time.monotonic())
        ctrl_c(process)
        second = time.monotonic()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=GONE_WITHIN)
        ended = time.monotonic() - second
        assert process.returncode == 130, f"still running {ended:.1f} s after the second Ctrl-C"
        print(f"the batch ended {ended:.2f} s after the second Ctrl-C")
        # Nothing of the batch is left: no worker, no zygote, no check's process. This
        # process is a subreaper (conftest.py), so whatever the batch left is ours now.
        deadline = second + ended + GONE_WITHIN
        while (left := support.leftovers()) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not left, f"left behind by the batch: {support.describe(left)}"
        print(f"its processes were gone {time.monotonic() - second:.2f} s after the second Ctrl-C")

    said = stderr(tmp_path)
    assert "Traceback" not in said and "Aborted!" not in said, said
    assert said.rstrip().endswith(
        f"stopped: the reports graded so far are kept in {out}; run the same command again "
        "with --resume to grade only what is left"
    ), said
    assert not (out / "grades.csv").exists(), "the batch did not stop at once"
    assert all(gradebook.read_report(r) is not None for r in reports(out))
