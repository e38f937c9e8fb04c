"""The same file gets the same verdicts on every draw: grade each file with N seeds.

    python bench/stability.py [EXERCISE ...] [--draws 20] [--parallel 2] [--tables]
                              [--only FILE ...] [--json OUT]

Grades, for each exercise, the reference solution and every
tests/data/submissions/<id>/ok_*.py and bad_*.py with N different seeds, then
prints a table (files down, seeds across, the score of each grading) and
every check whose verdict differed between seeds. With `--tables`, each
file must also lose exactly the checks its exact-verdict table in
tests/exercises/test_<id>.py names (ok files and solutions: none), on every
seed. Exit status 1 when any verdict varied (or broke its table).

`grader verify --draws N` runs the same proof.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader.course import catalog  # noqa: E402
from grader.course.verify import Stability, Target, seeds, stability, targets  # noqa: E402

SUBMISSIONS = REPO / "tests" / "data" / "submissions"


def tables() -> dict[str, dict[str, set[str]]]:
    """Each exercise's exact-verdict table: bad file name -> the checks it loses."""
    found: dict[str, dict[str, set[str]]] = {}
    for path in sorted((REPO / "tests" / "exercises").glob("test_*.py")):
        module = importlib.import_module(f"tests.exercises.{path.stem}")
        wrong, exercise_id = getattr(module, "WRONG", None), getattr(module, "EXERCISE", None)
        if isinstance(wrong, dict) and isinstance(exercise_id, str):
            found[exercise_id] = wrong
    return found


def show(result: Stability) -> str:
    """One row of the table, and the checks that varied."""
    scores = " ".join(f"{d.score:>4g}" for d in result.draws)
    verdict = "ok" if result.ok else "VARIED" if result.varied else "TABLE"
    lines = [f"{result.target.label:<44} {scores}  {verdict}"]
    for name, by_status in result.varied.items():
        spread = ", ".join(f"{status} on {len(s)}" for status, s in by_status.items())
        lines.append(f"    varied: {name}: {spread}")
        for draw in result.draws:
            if name in draw.messages:
                lines.append(f"      e.g. seed {draw.seed}: {draw.messages[name]}")
                break
    for seed, lost in result.unexpected[:3]:
        want = sorted(result.target.expected or ())
        lines.append(f"    seed {seed}: lost {sorted(lost)}, the table says {want}")
    return "\n".join(lines)


def record(result: Stability) -> dict[str, Any]:
    return {
        "file": result.target.label,
        "scores": {str(d.seed): d.score for d in result.draws},
        "max_score": result.draws[0].max_score if result.draws else None,
        "varied": result.varied,
        "unexpected": [[seed, sorted(lost)] for seed, lost in result.unexpected],
        "messages": {str(d.seed): d.messages for d in result.draws},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("exercises", nargs="*", help="exercise ids (default: all)")
    parser.add_argument("--draws", type=int, default=20, help="seeds per file")
    parser.add_argument("--first-seed", type=int, default=1, help="which seeds: draws from here")
    parser.add_argument("--parallel", type=int, default=2, help="gradings at once")
    parser.add_argument("--tables", action="store_true", help="also hold each exact-verdict table")
    parser.add_argument(
        "--only", action="append", help="a file to include: bad_x.py, or EXERCISE/bad_x.py"
    )
    parser.add_argument("--json", type=Path, help="write every result here")
    args = parser.parse_args()
    course = REPO / "exercises"
    chosen = [catalog.find(e, course) for e in args.exercises] or catalog.catalog(course)
    known = tables() if args.tables else {}
    files: list[Target] = []
    for exercise in chosen:
        for target in targets(exercise, SUBMISSIONS, expected=known.get(exercise.id)):
            if args.only and not {target.path.name, target.label} & set(args.only):
                continue
            if not args.tables:
                target = Target(target.exercise, target.path, target.label)
            files.append(target)
    with_seeds = seeds(args.draws, args.first_seed)
    print(f"{len(files)} files x {len(with_seeds)} seeds: {with_seeds}", flush=True)
    started = time.monotonic()
    results = stability(
        files, with_seeds, parallel=args.parallel, done=lambda r: print(show(r), flush=True)
    )
    bad = [r for r in results if not r.ok]
    print(
        f"{len(results) - len(bad)}/{len(results)} files kept every verdict on all "
        f"{len(with_seeds)} seeds ({time.monotonic() - started:.0f} s)"
    )
    if args.json:
        args.json.write_text(json.dumps([record(r) for r in results], indent=1))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
