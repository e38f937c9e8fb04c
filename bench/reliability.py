"""Grade files N times while the cores are busy; load may make a check inconclusive, never wrong.

    python bench/reliability.py [--exercise count-async ...] [--all] [--runs 100]
                                [--burners 2] [--parallel 1] [--files]

Busy-loop processes (`--burners`) keep the cores busy meanwhile; `--parallel`
grades that many at once on top (more load still). Each grade is final as
`grader grade` gives it (no re-grading), and each run draws other cases (a
seed of its own).

- By default the reference solutions: every run must get full marks, or be
  `inconclusive` on the checks it did not pass (the machine too busy to time
  them), never fewer points for a verdict.
- With `--files`, the exercises' example submissions (`tests/data/submissions/<id>/
  bad_*.py` and `ok_*.py`): each is first graded on the quiet machine with each
  run's seed, then again under load; every score under load must equal the
  quiet one, checks that came out `inconclusive` in either run aside (a batch
  grades them again).

Prints, per exercise, the runs that kept their grade, the inconclusive
checks, the retried checks and the grading times. Exit status 1 if any run
lost a point to load (or, with `--files`, changed its score).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader.course import catalog  # noqa: E402
from grader.course.verify import seeds  # noqa: E402
from grader.grading.report import CheckStatus, Report  # noqa: E402
from grader.grading.runner import grade  # noqa: E402

SUBMISSIONS = REPO / "tests" / "data" / "submissions"


@dataclass(frozen=True)
class Job:
    exercise: catalog.Exercise
    path: Path
    run: int
    seed: int


def burn() -> None:
    while True:
        pass


def unsure(report: Report) -> int:
    return sum(1 for c in report.checks if c.status is CheckStatus.INCONCLUSIVE)


def grade_all(jobs: list[Job], parallel: int) -> list[tuple[float, Report]]:
    def timed(job: Job) -> tuple[float, Report]:
        started = time.monotonic()
        report = grade(job.exercise, job.path, seed=job.seed)
        return time.monotonic() - started, report

    with ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(timed, jobs))


def files_of(exercise: catalog.Exercise, files: bool) -> list[Path]:
    if not files:
        return [exercise.solution]
    folder = SUBMISSIONS / exercise.id
    return sorted([*folder.glob("bad_*.py"), *folder.glob("ok_*.py")])


def judge_solution(job: Job, report: Report, quiet: Report | None) -> str | None:
    """Why this run lost a point to load, if it did."""
    del quiet
    if report.score == report.max_score:
        return None
    lost = [c for c in report.checks if c.score < c.max_score]
    if all(c.status is CheckStatus.INCONCLUSIVE for c in lost):
        return None
    said = [f"{c.name}: {c.message}" for c in lost if c.status is not CheckStatus.INCONCLUSIVE]
    return f"{report.score}/{report.max_score} {report.message} {said}"


def judge_file(job: Job, report: Report, quiet: Report | None) -> str | None:
    """Why this run's score differs from the quiet machine's, inconclusive checks aside."""
    assert quiet is not None
    # A check inconclusive in either run has no verdict to compare (the "quiet" machine
    # may be busy too): the rest must agree.
    unsure_quiet = {c.name for c in quiet.checks if c.status is CheckStatus.INCONCLUSIVE}
    timed = {
        c.name: c
        for c in report.checks
        if c.status is not CheckStatus.INCONCLUSIVE and c.name not in unsure_quiet
    }
    before = sum(c.score for c in quiet.checks if c.name in timed)
    after = sum(c.score for c in report.checks if c.name in timed)
    if after == before and report.status == quiet.status:
        return None
    changed = [
        f"{c.name}: {c.status} quiet, {timed[c.name].status} loaded "
        f"({(c.message or timed[c.name].message)[:200]})"
        for c in quiet.checks
        if c.name in timed and timed[c.name].status is not c.status
    ]
    return f"{after} under load, {before} quiet: {changed}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--exercise", action="append", help="exercise id (repeatable)")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--burners", type=int, default=2, help="busy processes to run meanwhile")
    parser.add_argument("--parallel", type=int, default=1, help="gradings at once")
    parser.add_argument("--all", action="store_true", help="every exercise of the catalog")
    parser.add_argument(
        "--files", action="store_true", help="the example submissions, against their quiet scores"
    )
    args = parser.parse_args()
    ids = args.exercise or ["count-async"]
    if args.all:
        ids = [e.id for e in catalog.catalog(REPO / "exercises")]
    drawn = seeds(args.runs)  # the same seeds for every exercise, one per run
    jobs = [
        Job(exercise, path, run, drawn[run])
        for exercise in (catalog.find(i, REPO / "exercises") for i in ids)
        for path in files_of(exercise, args.files)
        for run in range(args.runs)
    ]
    quiet: list[Report | None] = [None] * len(jobs)
    if args.files:
        started = time.monotonic()
        quiet = [report for _, report in grade_all(jobs, 2)]
        print(f"graded {len(jobs)} on the quiet machine in {time.monotonic() - started:.0f} s")
    burners = [multiprocessing.Process(target=burn, daemon=True) for _ in range(args.burners)]
    for process in burners:
        process.start()
    try:
        loaded = grade_all(jobs, args.parallel)
    finally:
        for process in burners:
            process.kill()
    judge = judge_file if args.files else judge_solution
    return report_all(ids, jobs, loaded, quiet, judge, args)


def report_all(
    ids: list[str],
    jobs: list[Job],
    loaded: list[tuple[float, Report]],
    quiet: list[Report | None],
    judge: Callable[[Job, Report, Report | None], str | None],
    args: argparse.Namespace,
) -> int:
    wrong = 0
    for exercise_id in ids:
        mine = [i for i, job in enumerate(jobs) if job.exercise.id == exercise_id]
        kept = inconclusive = retried = 0
        for i in mine:
            job, report = jobs[i], loaded[i][1]
            inconclusive += unsure(report)
            retried += sum(1 for c in report.checks if c.attempts > 1)
            why = judge(job, report, quiet[i])
            if why is None:
                kept += 1
            else:
                wrong += 1
                print(f"  {job.path.name} run {job.run} (seed {job.seed}): {why}")
        times = [loaded[i][0] for i in mine]
        print(
            f"{exercise_id}: {kept}/{len(mine)} kept their grade with {args.burners} busy "
            f"processes and {args.parallel} gradings at once; {inconclusive} checks "
            f"inconclusive, {retried} retried; grade time median "
            f"{statistics.median(times):.2f} s, max {max(times):.2f} s",
            flush=True,
        )
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
