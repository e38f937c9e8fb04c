"""Load, measured: what a busy machine costs a check is read from the kernel, then judged.

The kernel's count of the time each thread was ready to run and could not
(`grader.sandbox.load`) rises under real contention; the rules that turn it
into a decision (`grader.grading.retries`) fail at once what load cannot
explain, and never fail what it can. End to end, with busy processes pinned
to the very CPU the grading runs on: a correct file keeps its points or is
`inconclusive`, a sequential one fails at once.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from grader.grading import retries
from grader.grading.report import CheckStatus, Report
from grader.sandbox import load
from tests.support import REPO, SOLUTIONS, SUBMISSIONS, until

Decision = retries.Decision


def _burn() -> None:
    while True:
        pass


@contextlib.contextmanager
def burners(count: int, cpu: int) -> Iterator[None]:
    """`count` busy processes, all on CPU `cpu`."""
    processes = [multiprocessing.Process(target=_burn, daemon=True) for _ in range(count)]
    for process in processes:
        process.start()
        assert process.pid is not None
        os.sched_setaffinity(process.pid, {cpu})
    try:
        yield
    finally:
        for process in processes:
            process.kill()
            process.join()


def _ticker_waits(cpu: int) -> float:
    """What a process waking every millisecond on `cpu`, beside three busy ones, waited in 0.3 s."""
    ticker = "import time\nfor _ in range(400):\n    time.sleep(0.001)\n"
    with burners(3, cpu):
        child = subprocess.Popen(
            [sys.executable, "-c", ticker], preexec_fn=lambda: os.sched_setaffinity(0, {cpu})
        )
        meter = load.Meter()
        meter.watch(child.pid)
        before = meter.total()
        time.sleep(0.3)
        during = meter.total() - before
        child.wait()
        meter.forget(child.pid)  # gone: what it waited is kept, not lost
        assert meter.total() - before >= during
    return during


def test_a_thread_kept_from_the_cpu_is_measured_waiting() -> None:
    """A process waking every millisecond, on a CPU three busy processes share: it waits."""
    cpu = min(os.sched_getaffinity(0))
    # The scheduler favours a thread that wakes, so one run may wait little: the
    # claim is that waits are measured at all, so any of three runs may show it.
    during = 0.0
    for _attempt in range(3):
        during = max(during, _ticker_waits(cpu))
        if during >= 0.05:
            break
    assert during >= 0.05, f"its thread waited {during:.3f} s for a CPU"


def _spinning_child(cpu: int) -> tuple[float, float, float]:
    """Six threads of a child spinning on `cpu` for 0.5 s: (CPU made, their waits, counted)."""
    spinner = (
        "import threading, time\n"
        "def spin():\n    while True: pass\n"
        "for _ in range(6): threading.Thread(target=spin, daemon=True).start()\n"
        "time.sleep(30)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", spinner], preexec_fn=lambda: os.sched_setaffinity(0, {cpu})
    )

    def spinners() -> float:
        return sum(w for tid, w in load.waits(child.pid).items() if tid != child.pid) / 1e9

    try:
        meter = load.Meter()
        meter.watch(child.pid)
        until(lambda: len(load.waits(child.pid)) > 6, within=60, every=0.01)  # its threads started
        spun, before = spinners(), meter.reading()
        time.sleep(0.5)
        after, spun = meter.reading(), spinners() - spun
    finally:
        child.kill()
        child.wait()
    # What the meter counted of the child's threads: its waits but this process's own.
    counted = (after.waited - after.own) - (before.waited - before.own)
    return after.made - before.made, spun, counted


def test_a_childs_spinning_threads_count_for_the_cpu_they_use_not_their_waits() -> None:
    """Six threads spinning on one CPU wait for it more than they run: load of its own."""
    cpu = min(os.sched_getaffinity(0))
    made = spun = counted = 0.0
    for _attempt in range(3):  # until its threads ran and waited enough to tell apart
        made, spun, counted = _spinning_child(cpu)
        if made >= 0.05 and spun >= 0.1:
            break
    assert made >= 0.05, f"its threads ran {made:.3f} s"
    assert spun >= 0.1, f"its threads waited {spun:.3f} s: nothing to tell apart"
    assert counted < spun / 10, f"{counted:.3f} s of its {spun:.3f} s of waits were counted"


def _ended_thread_waits(cpu: int) -> tuple[float, float]:
    """A thread that waited among three busy processes, then ended: (its waits, the meter's)."""
    meter = load.Meter()
    done, release = threading.Event(), threading.Event()

    def wake_often() -> None:
        os.sched_setaffinity(0, {cpu})
        for _ in range(200):
            time.sleep(0.001)
        done.set()
        release.wait()

    with burners(3, cpu):
        before = meter.total()
        worker = threading.Thread(target=wake_often)
        worker.start()
        done.wait()
        meter.total()  # read while it is alive, its waiting over
        waited = load.waits(os.getpid())[worker.native_id or 0] / 1e9
        release.set()
        worker.join()
    assert worker.native_id not in load.waits(os.getpid())
    return waited, meter.total() - before


def test_the_meter_keeps_what_an_ended_thread_waited() -> None:
    """Every thread of this process counts; one that ends takes nothing back."""
    cpu = min(os.sched_getaffinity(0))
    waited = counted = 0.0
    for _attempt in range(5):  # until the kernel counted a wait worth telling from none
        waited, counted = _ended_thread_waits(cpu)
        if waited >= 0.002:
            break
    assert waited >= 0.002, f"a thread among three busy processes waited {waited:.4f} s"
    assert counted >= waited, "its waits were lost when it ended"


@pytest.mark.parametrize(
    ("bounds", "waited", "last", "decision"),
    [
        ({"measured": 1.1, "at_most": 0.45}, 0.002, False, Decision.FAIL),  # a quiet machine
        ({"measured": 1.1, "at_most": 0.45}, 0.2, False, Decision.FAIL),  # more than load did
        ({"measured": 0.6, "at_most": 0.45}, 0.2, False, Decision.RETRY),  # load explains it
        ({"measured": 0.6, "at_most": 0.45}, 0.2, True, Decision.INCONCLUSIVE),
        (None, 0.2, False, Decision.RETRY),  # no numbers: retried while the machine is busy
        (None, 0.2, True, Decision.INCONCLUSIVE),
        (None, 0.0, False, Decision.FAIL),
    ],
)  # fmt: skip
def test_a_miss_is_judged_by_the_load_measured(
    bounds: dict[str, float] | None, waited: float, last: bool, decision: Decision
) -> None:
    assert retries.decide(bounds, waited, last=last) is decision


def test_load_the_submission_makes_itself_is_no_excuse() -> None:
    """What the child used of the CPU is taken off the load that may explain its miss."""
    bounds = {"measured": 0.6, "at_most": 0.45}
    assert retries.decide(bounds, 0.2, made=0.02, last=False) is Decision.RETRY
    assert retries.decide(bounds, 0.2, made=0.15, last=False) is Decision.FAIL  # 0.05 s left
    assert retries.decide(bounds, 0.2, made=retries.SELF_MADE, last=False) is Decision.FAIL
    assert retries.decide(bounds, 0.2, made=retries.SELF_MADE, last=True) is Decision.FAIL


@pytest.mark.parametrize(
    ("made", "looped", "own", "excuses_nothing"),
    [
        (0.30, 0.30, 0.00, 0.00),  # a loop that spins: it kept only itself busy
        (0.30, 0.30, 0.10, 0.10),  # and kept the grader's threads waiting 0.1 s
        (0.50, 0.10, 0.00, 0.40),  # threads or processes beside its loop: all of it
        (0.50, 0.30, 0.50, 0.50),
    ],
)  # fmt: skip
def test_load_a_child_makes_is_its_other_threads_and_what_its_loop_kept_waiting(
    made: float, looped: float, own: float, excuses_nothing: float
) -> None:
    began = load.Reading(waited=1.0, made=1.0, looped=1.0, own=0.5)
    now = load.Reading(waited=2.0, made=1.0 + made, looped=1.0 + looped, own=0.5 + own)
    assert load.self_made(began, now) == pytest.approx(excuses_nothing)


def grade_on_one_busy_cpu(exercise: str, path: str, busy: int = 3) -> Report:
    """`grader grade` with the grading and `busy` busy processes all on one CPU."""
    cpu = min(os.sched_getaffinity(0))
    with burners(busy, cpu):
        done = subprocess.run(
            [sys.executable, "-m", "grader", "grade", exercise, path, "--format", "json"],
            capture_output=True, text=True, cwd=REPO, timeout=600,
            preexec_fn=lambda: os.sched_setaffinity(0, {cpu}),
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return Report.from_dict(json.loads(done.stdout))


def test_load_never_costs_a_correct_file_a_point() -> None:
    """Every check passes or is inconclusive: none fails for the machine's load."""
    report = grade_on_one_busy_cpu("gather", str(SOLUTIONS / "gather.py"))
    kept = (CheckStatus.PASSED, CheckStatus.INCONCLUSIVE)
    failed = [c.message for c in report.checks if c.status not in kept]
    assert not failed, failed


def test_a_miss_load_cannot_explain_fails_at_once_on_a_busy_machine() -> None:
    """Sequential gather: 4x over its bound, failed on the first attempt, not retried.

    Other work on the machine (a CI job beside this one) can make the waits
    measured large enough to explain even that; then it is inconclusive,
    and only then, never passed.
    """
    report = grade_on_one_busy_cpu("gather", str(SUBMISSIONS / "gather" / "bad_sequential.py"))
    timing = next(c for c in report.checks if c.name.startswith("takes about as long"))
    # Beside other tests on the same CPU, its 1.1 s of waits may outlast the call's 5 s:
    # a timeout, failed at once as well.
    lost_at_once = (CheckStatus.FAILED, CheckStatus.TIMEOUT)
    assert timing.status in (*lost_at_once, CheckStatus.INCONCLUSIVE), timing.message
    if timing.status in lost_at_once:
        assert timing.attempts == 1, "a miss load did not explain was retried"
    else:
        waited = float(timing.message.split("waited ")[1].split(" s")[0])
        over = (timing.bounds or {})["measured"] - (timing.bounds or {})["at_most"]
        assert over <= retries.EXPLAINS * waited + 0.01, timing.message


@pytest.mark.parametrize("busy", [2])
def test_a_busy_wait_is_judged_on_a_busy_machine_as_on_a_quiet_one(busy: int) -> None:
    """A loop that spins until each number is due keeps its timing points under load.

    Its spinning keeps only itself busy: what delays it there is the
    machine's load, forgiven as for any file; its mistake (a blocked loop)
    is still caught.
    """
    report = grade_on_one_busy_cpu(
        "count-async", str(SUBMISSIONS / "count-async" / "bad_busy_wait.py"), busy
    )
    kept = (CheckStatus.PASSED, CheckStatus.INCONCLUSIVE)
    timing = [c for c in report.checks if c.name.startswith(("takes about", "prints each"))]
    assert len(timing) == 2, [c.name for c in report.checks]
    lost = [c.message for c in timing if c.status not in kept]
    assert not lost, lost
    blocked = next(c for c in report.checks if c.name.startswith("runs the numbers as tasks"))
    assert blocked.status in (CheckStatus.FAILED, CheckStatus.INCONCLUSIVE), blocked.message
