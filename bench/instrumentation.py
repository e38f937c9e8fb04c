"""What the diagnostics' instrumentation costs a grading, side by side in one run.

    python bench/instrumentation.py [--runs 6] [--calls 40]

Two measures, each with the instrumentation on and off in turn (A B A B ...):
- whole gradings (`grade`, as `grader grade` runs them) of reference
  solutions: median wall time of each, and the ratio;
- single calls of a submission that does no waiting at all (count-async's
  `count(30)`), where the instrumentation's share is the largest: median time
  per call of each, and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader.checks.submission import Submission  # noqa: E402
from grader.course import catalog  # noqa: E402
from grader.grading.runner import grade  # noqa: E402
from grader.sandbox import Limits, isolation  # noqa: E402
from grader.sandbox.forkserver import ForkServer  # noqa: E402

EXERCISES = ("count-async", "kitchen", "gather")


async def calls(diagnose: bool, count: int) -> list[float]:
    server = ForkServer(isolation.best(), diagnose=diagnose)
    student = Submission(REPO / "solutions" / "count-async.py", Limits(), server)
    await student.count(30)  # the child's start is not what is measured
    took = []
    for _ in range(count):
        began = time.perf_counter()
        await student.count(30)
        took.append(time.perf_counter() - began)
    await student.close()
    server.close()
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=6)
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    per_call: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(3):
        for diagnose in (True, False):
            per_call[diagnose] += asyncio.run(calls(diagnose, args.calls))
    on, off = statistics.median(per_call[True]), statistics.median(per_call[False])
    print(f"a call that waits for nothing: {1000 * on:.2f} ms instrumented, "
          f"{1000 * off:.2f} ms without; ratio {on / off:.3f}")  # fmt: skip
    folder = REPO / "exercises"
    ratios = []
    for exercise_id in EXERCISES:
        exercise = catalog.find(exercise_id, folder)
        times: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(args.runs):
            for diagnose in (True, False):
                began = time.perf_counter()
                report = grade(exercise, exercise.solution, diagnose=diagnose, seed=1)
                times[diagnose].append(time.perf_counter() - began)
                assert report.score == report.max_score, report
        on, off = statistics.median(times[True]), statistics.median(times[False])
        ratios.append(on / off)
        print(f"{exercise_id:<12} grading {on:.2f} s instrumented, {off:.2f} s without; "
              f"ratio {on / off:.3f}")  # fmt: skip
    print(f"instrumentation costs {100 * (statistics.median(ratios) - 1):+.1f}% of a grading "
          f"(median over {len(EXERCISES)} exercises)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
