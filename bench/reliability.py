"""Grade reference solutions N times while both cores are busy; every grade must be full.

    python bench/reliability.py [--exercise count-async ...] [--all] [--runs 100]
                                [--burners 2] [--parallel 1]

Busy-loop processes (`--burners`) keep the cores busy meanwhile; `--parallel`
grades that many at once on top (more load still). Each grade is final as
`grader grade` gives it (no re-grading), and each run draws other cases (a
seed of its own), so a solution must pass on any draw however busy the machine.
Prints, per exercise, how many runs got full marks, how many checks needed a
retry, and the grading times.
Exit status 1 if any run lost a point.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader import catalog  # noqa: E402
from grader.course.verify import seeds  # noqa: E402
from grader.grading.report import Report  # noqa: E402
from grader.grading.runner import grade  # noqa: E402


def burn() -> None:
    while True:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--exercise", action="append", help="exercise id (repeatable)")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--burners", type=int, default=2, help="busy processes to run meanwhile")
    parser.add_argument("--parallel", type=int, default=1, help="gradings at once")
    parser.add_argument("--all", action="store_true", help="every exercise of the catalog")
    args = parser.parse_args()
    ids = args.exercise or ["count-async"]
    if args.all:
        ids = [e.id for e in catalog.catalog(REPO / "exercises")]
    burners = [multiprocessing.Process(target=burn, daemon=True) for _ in range(args.burners)]
    for process in burners:
        process.start()
    failed = 0
    drawn = seeds(args.runs)  # the same seeds for every exercise, one per run
    try:
        for exercise_id in ids:
            exercise = catalog.find(exercise_id, REPO / "exercises")
            times, retried, full = [], 0, 0

            def timed(run: int, exercise: catalog.Exercise = exercise) -> tuple[float, Report]:
                started = time.monotonic()
                report = grade(exercise, exercise.solution, seed=drawn[run])
                return time.monotonic() - started, report

            with ThreadPoolExecutor(args.parallel) as pool:
                outcomes = list(pool.map(timed, range(args.runs)))
            for run, (took, report) in enumerate(outcomes):
                times.append(took)
                retried += sum(1 for c in report.checks if c.attempts > 1)
                if report.score == report.max_score:
                    full += 1
                else:
                    failed += 1
                    lost = [
                        f"{c.name}: {c.message}" for c in report.checks if c.score < c.max_score
                    ]
                    print(
                        f"  run {run} (seed {report.seed}): {report.score}/{report.max_score} "
                        f"{report.message} {lost}"
                    )
            print(
                f"{exercise_id}: {full}/{args.runs} full marks with {args.burners} busy processes "
                f"and {args.parallel} gradings at once; "
                f"{retried} checks retried; grade time median {statistics.median(times):.2f} s, "
                f"max {max(times):.2f} s",
                flush=True,
            )
    finally:
        for process in burners:
            process.kill()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
