"""Grade a reference solution N times while both cores are busy; every grade must be full.

    python bench/reliability.py [--exercise count-async] [--runs 100] [--burners 2]

Prints how many runs got full marks, how many checks needed a retry, and the
grading times. Exit status 1 if any run lost a point.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader import catalog  # noqa: E402
from grader.runner import grade  # noqa: E402


def burn() -> None:
    while True:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--exercise", action="append", help="exercise id (repeatable)")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--burners", type=int, default=2, help="busy processes to run meanwhile")
    args = parser.parse_args()
    ids = args.exercise or ["count-async"]
    burners = [multiprocessing.Process(target=burn, daemon=True) for _ in range(args.burners)]
    for process in burners:
        process.start()
    failed = 0
    try:
        for exercise_id in ids:
            exercise = catalog.find(exercise_id, REPO / "exercises")
            times, retried, full = [], 0, 0
            for run in range(args.runs):
                started = time.monotonic()
                report = grade(exercise, exercise.solution)
                times.append(time.monotonic() - started)
                retried += sum(1 for c in report.checks if c.attempts > 1)
                if report.score == report.max_score:
                    full += 1
                else:
                    failed += 1
                    lost = [f"{c.name}: {c.message}" for c in report.checks if c.score < c.max_score]
                    print(f"  run {run}: {report.score}/{report.max_score} {report.message} {lost}")
            print(
                f"{exercise_id}: {full}/{args.runs} full marks with {args.burners} busy processes; "
                f"{retried} checks retried; grade time median {statistics.median(times):.2f} s, "
                f"max {max(times):.2f} s"
            )
    finally:
        for process in burners:
            process.kill()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
