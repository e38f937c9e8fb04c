"""What observing the child from outside costs a grading, side by side in one run.

    python bench/observation.py [--runs 6] [--calls 20]

Observation (grader/sandbox/observation/): the seccomp listener that notes
every thread, process and event loop a child makes, the sampler that reads
the loop's thread every 5 ms during a call, and the wait for the child to be
idle after each answer. Each measure runs with it on and off in turn
(A B A B ...), so both see the same machine:
- whole gradings (`grade`, as `grader grade` runs them) of reference
  solutions: median wall time of each and the ratio, and the CPU time the
  grading's processes used;
- single calls that wait 0.3 s on their loop (the sampler at work the whole
  call): median time per call beyond the wait, on and off;
- a call that starts 20 threads (each one a notification the grader answers).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader.checks.submission import Submission  # noqa: E402
from grader.course import catalog  # noqa: E402
from grader.grading.runner import grade  # noqa: E402
from grader.sandbox import Limits, isolation  # noqa: E402
from grader.sandbox.forkserver import ForkServer  # noqa: E402

EXERCISES = ("count-async", "gather", "offload", "http")
WAIT = 0.3
PROBE = """
import asyncio, threading


async def wait(seconds):
    await asyncio.sleep(seconds)


async def threads(count):
    started = [threading.Thread(target=lambda: None) for _ in range(count)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
"""


async def calls(observe: bool, count: int, probe: Path) -> tuple[list[float], list[float]]:
    """Per call, seconds beyond the wait; and seconds to start 20 threads."""
    server = ForkServer(isolation.best(), observe=observe)
    student = Submission(probe, Limits(), server)
    await student.wait(0.01)  # the child's start is not what is measured
    over, spawn = [], []
    for _ in range(count):
        began = time.perf_counter()
        await student.wait(WAIT)
        over.append(time.perf_counter() - began - WAIT)
        began = time.perf_counter()
        await student.threads(20)
        spawn.append(time.perf_counter() - began)
    await student.close()
    server.close()
    return over, spawn


def cpu() -> float:
    """CPU seconds this process and its finished children used so far."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def gradings(runs: int) -> list[float]:
    """Each exercise's grading, observed and not; the ratios of their median wall times."""
    folder = REPO / "exercises"
    ratios = []
    for exercise_id in EXERCISES:
        exercise = catalog.find(exercise_id, folder)
        times: dict[bool, list[float]] = {True: [], False: []}
        used: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(runs):
            for observe in (True, False):
                began, spent = time.perf_counter(), cpu()
                report = grade(exercise, exercise.solution, observe=observe, seed=1)
                times[observe].append(time.perf_counter() - began)
                used[observe].append(cpu() - spent)
                assert report.score == report.max_score, report
        on, off = statistics.median(times[True]), statistics.median(times[False])
        cpu_on, cpu_off = statistics.median(used[True]), statistics.median(used[False])
        ratios.append(on / off)
        print(f"{exercise_id:<12} grading {on:.2f} s observed, {off:.2f} s not; ratio "
              f"{on / off:.3f}; CPU {cpu_on:.2f} s and {cpu_off:.2f} s")  # fmt: skip
    return ratios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe.py"
        probe.write_text(PROBE)
        over: dict[bool, list[float]] = {True: [], False: []}
        spawn: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(3):
            for observe in (True, False):
                beyond, threads = asyncio.run(calls(observe, args.calls, probe))
                over[observe] += beyond
                spawn[observe] += threads
    on, off = statistics.median(over[True]), statistics.median(over[False])
    print(f"a call that waits {WAIT} s: {1000 * on:.2f} ms beyond the wait observed, "
          f"{1000 * off:.2f} ms not")  # fmt: skip
    on, off = statistics.median(spawn[True]), statistics.median(spawn[False])
    print(f"a call that starts 20 threads: {1000 * on:.2f} ms observed, {1000 * off:.2f} ms not")
    ratios = gradings(args.runs)
    print(f"observation costs {100 * (statistics.median(ratios) - 1):+.1f}% of a grading "
          f"(median over {len(EXERCISES)} exercises; the target is at most +5%)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
