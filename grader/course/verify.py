"""An exercise proves itself: its solution earns full marks, its stub less (docs/cli.md),
and, graded with many seeds, every file gets the same verdicts on every draw.

`verify` grades the reference solution and the stub once.
`stability` grades any files with N seeds and lists every check whose verdict
differed between seeds: a grade must be a function of the submission, never of
the random draw. With `expected` (which checks each file should lose), it also
lists every draw on which a file lost other checks than those.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.course.catalog import Exercise
from grader.errors import GraderError
from grader.grading.report import CheckStatus, Report, ReportStatus
from grader.grading.runner import grade


@dataclass
class Verification:
    """What grading an exercise's own solution and stub showed (nothing, if they could not be)."""

    exercise: str
    solution: Report | None
    stub: Report | None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth saying, but no failure

    @property
    def ok(self) -> bool:
        return not self.problems


#: How many times a file is graded while the machine is too busy to time a check of it.
BUSY_GRADINGS = 3


def graded(exercise: Exercise, path: Path, **options: Any) -> Report:
    """`grade`, again while a check comes out inconclusive: a proof needs verdicts."""
    for _ in range(BUSY_GRADINGS):
        report = grade(exercise, path, **options)
        if not any(c.status is CheckStatus.INCONCLUSIVE for c in report.checks):
            break
    return report


def verify(exercise: Exercise) -> Verification:
    """Grade the reference solution and the stub; list every way they disappoint."""
    solution = graded(exercise, exercise.solution)
    stub = graded(exercise, exercise.stub)
    result = Verification(exercise.id, solution, stub)
    checks_total = sum(check.max_score for check in solution.checks)
    if solution.status is ReportStatus.GRADED and checks_total != exercise.points:
        result.problems.append(
            f"the checks are worth {checks_total:g} points, but exercise.yaml says "
            f"{exercise.points:g}"
        )
    if solution.score != exercise.points:
        # What each lost check measured, not only its title: a failure on a CI machine
        # is read from this line alone.
        failed = [f"{c.name}: {c.message[:400]}" for c in solution.checks if c.score < c.max_score]
        why = solution.message or "; ".join(failed)
        result.problems.append(
            f"the solution scored {solution.score:g}/{exercise.points:g} ({why})"
        )
    passed = "; ".join(c.name for c in stub.checks if c.score > 0)
    if stub.score >= exercise.points:
        result.problems.append(
            f"the stub scored {stub.score:g}, full marks: it leaves the student nothing to do "
            f"(passed: {passed})"
        )
    elif stub.score > 0:
        # The contract asks only for less than full marks: a stub may do part of the work.
        result.notes.append(f"the stub earns {stub.score:g} points (passed: {passed})")
    return result


def verify_all(exercises: Sequence[Exercise], *, parallel: int = 2) -> list[Verification]:
    """`verify` each exercise, `parallel` at once; one that cannot be graded says why.

    Exercises without a reference solution come first (they are found before
    anything is graded), then the others in their order.
    """
    missing = [
        Verification(e.id, None, None, [
            f"no reference solution at {e.solution} (write it there, or name it with "
            "`solution:` in exercise.yaml)"
        ])
        for e in exercises if not e.solution.is_file()
    ]  # fmt: skip
    runnable = [e for e in exercises if e.solution.is_file()]

    def attempt(exercise: Exercise) -> Verification:
        try:
            return verify(exercise)
        except GraderError as error:  # one exercise must not hide how the others fare
            return Verification(exercise.id, None, None, [str(error)])

    with ThreadPoolExecutor(max(1, parallel)) as pool:
        return missing + list(pool.map(attempt, runnable))


# -- the same verdicts on every draw ---------------------------------------------------------


def seeds(count: int, first: int = 1) -> list[int]:
    """`count` different seeds, the same ones on every run (so a variation can be replayed)."""
    return [
        int(hashlib.sha256(f"draw {first + i}".encode()).hexdigest()[:8], 16) for i in range(count)
    ]


@dataclass(frozen=True)
class Target:
    """One file to grade with many seeds: a solution, a stub, or an example submission."""

    exercise: Exercise
    path: Path
    label: str  # e.g. "downloads/bad_batches.py"
    expected: frozenset[str] | None = None  # the checks it must lose, when known


def targets(
    exercise: Exercise,
    submissions: Path | None = None,
    *,
    expected: Mapping[str, Iterable[str]] | None = None,
    stub: bool = False,
) -> list[Target]:
    """The reference solution (and the stub), then every ok_* and bad_* file of the exercise.

    `submissions` is the folder holding one folder of example files per
    exercise (the repository's tests/data/submissions). `expected` maps a bad
    file's name to the checks it loses; ok files and the solution lose none.
    """
    found = [Target(exercise, exercise.solution, f"{exercise.id}/solution", frozenset())]
    if stub:
        found.append(Target(exercise, exercise.stub, f"{exercise.id}/stub"))
    folder = submissions / exercise.id if submissions is not None else None
    if folder is not None and folder.is_dir():
        for path in sorted(folder.glob("ok_*.py")):
            found.append(Target(exercise, path, f"{exercise.id}/{path.name}", frozenset()))
        for path in sorted(folder.glob("bad_*.py")):
            lost = expected.get(path.name) if expected is not None else None
            found.append(
                Target(
                    exercise,
                    path,
                    f"{exercise.id}/{path.name}",
                    frozenset(lost) if lost is not None else None,
                )
            )
    return found


@dataclass
class Draw:
    """One grading of a target with one seed."""

    seed: int
    score: float
    max_score: float
    verdicts: dict[str, str]  # check title -> status ("passed", "failed", ...)
    messages: dict[str, str]  # check title -> message, for the checks that did not pass
    error: str = ""  # the report's message when the file could not be run at all

    @property
    def lost(self) -> frozenset[str]:
        return frozenset(name for name, status in self.verdicts.items() if status != "passed")


@dataclass
class Stability:
    """A target graded with several seeds."""

    target: Target
    draws: list[Draw] = field(default_factory=list)

    @property
    def varied(self) -> dict[str, dict[str, list[int]]]:
        """Each check whose verdict differed between seeds: status -> the seeds that gave it.

        An inconclusive check has no verdict (the machine was too busy to time
        it): it differs from none. What it costs a file is `unexpected`'s to say.
        """
        names = {name for draw in self.draws for name in draw.verdicts}
        found: dict[str, dict[str, list[int]]] = {}
        for name in sorted(names):
            by_status: dict[str, list[int]] = {}
            for draw in self.draws:
                status = draw.verdicts.get(name, "missing")
                if status != CheckStatus.INCONCLUSIVE:
                    by_status.setdefault(status, []).append(draw.seed)
            if len(by_status) > 1:
                found[name] = by_status
        errors = {draw.error for draw in self.draws}
        if len(errors) > 1:
            found["(the report's status)"] = {
                text or "graded": [d.seed for d in self.draws if d.error == text] for text in errors
            }
        return found

    @property
    def unexpected(self) -> list[tuple[int, frozenset[str]]]:
        """Draws on which the file lost other checks than its table says: (seed, lost).

        A file that could not be run at all lost everything, whatever its
        (empty) list of verdicts says.
        """
        if self.target.expected is None:
            return []
        return [
            (d.seed, frozenset({f"everything ({d.error})"}) if d.error else d.lost)
            for d in self.draws
            if d.error or d.lost != self.target.expected
        ]

    @property
    def ok(self) -> bool:
        return not self.varied and not self.unexpected


def draw(target: Target, seed: int) -> Draw:
    """Grade a target with one seed; again while a check comes out inconclusive (load)."""
    report = graded(target.exercise, target.path, seed=seed, label=target.label)
    return Draw(
        seed=seed,
        score=report.score,
        max_score=report.max_score,
        verdicts={c.name: str(c.status) for c in report.checks},
        messages={c.name: c.message for c in report.checks if c.status is not CheckStatus.PASSED},
        error=report.message if report.status is ReportStatus.ERROR else "",
    )


def stability(
    chosen: Sequence[Target],
    with_seeds: Sequence[int],
    *,
    parallel: int = 2,
    done: Callable[[Stability], None] | None = None,
) -> list[Stability]:
    """Grade every target with every seed, `parallel` gradings at once.

    `done` is called with each target's result as soon as all its draws are in.
    """
    results = [Stability(target) for target in chosen]
    jobs = [(i, seed) for i in range(len(chosen)) for seed in with_seeds]
    left = [len(with_seeds)] * len(chosen)
    with ThreadPoolExecutor(max(1, parallel)) as pool:
        for (i, _), got in zip(jobs, pool.map(lambda job: draw(chosen[job[0]], job[1]), jobs),
                               strict=True):  # fmt: skip
            results[i].draws.append(got)
            left[i] -= 1
            if left[i] == 0 and done is not None:
                done(results[i])
    return results


def problems(result: Stability) -> list[str]:
    """What is wrong with a target's draws: verdicts that varied, marks that are not right.

    A solution and an ok file earn full marks on every seed (their expected
    losses are none), a stub less than full marks on every one, and no check
    of any file changes its verdict from one seed to another.
    """
    found = []
    for name, by_status in result.varied.items():
        spread = "; ".join(f"{status} with seeds {seeds}" for status, seeds in by_status.items())
        found.append(f"{name!r} varied: {spread}")
    said = {d.seed: d.messages for d in result.draws}
    for seed, lost in result.unexpected:
        want = sorted(result.target.expected or ())
        # What the checks said is what an author needs to tell a flaw from bad luck.
        why = "".join(
            f"\n      {name}: {said[seed][name]}"
            for name in sorted(lost - set(want))
            if said.get(seed, {}).get(name)
        )
        found.append(
            f"seed {seed}: lost {sorted(lost) or 'nothing'}, but should lose {want or 'nothing'}"
            + why
        )
    if result.target.label.endswith("/stub"):
        full = result.target.exercise.points
        scored = [d.seed for d in result.draws if d.score >= full]
        if scored:
            found.append(f"the stub scored full marks with seeds {scored}")
    return found
