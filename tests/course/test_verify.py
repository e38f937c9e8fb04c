"""`grader verify` on every exercise: the reference solution full marks, the stub 0.

The contract asks a stub for less than full marks; this course holds its own to 0.
"""

from __future__ import annotations

import random

import pytest
from click.testing import CliRunner

from grader.cli import cli
from grader.course import catalog
from grader.course.verify import Draw, Stability, Target, seeds, verify
from tests.support import DATA, EXERCISES


@pytest.mark.parametrize("exercise", [e.id for e in catalog.catalog(EXERCISES)])
def test_exercise_proves_itself(exercise: str) -> None:
    result = verify(catalog.find(exercise, EXERCISES))
    assert result.ok, result.problems
    assert result.stub is not None and result.stub.score == 0, result.notes
    assert result.solution is not None
    named = [d.message for c in result.solution.checks for d in c.diagnostics]
    assert named == [], f"the reference solution is no mistake: {named}"


COURSE = DATA / "fixtures" / "course"


def test_draws_prove_that_verdicts_do_not_hang_on_luck() -> None:
    """`verify --draws`: every file with every seed, and the same verdicts on each."""
    result = CliRunner().invoke(cli, ["verify", "count-sync", "--draws", "2"])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if line.startswith("count-sync/")]
    files = {line.split()[0] for line in rows}
    assert {"count-sync/solution", "count-sync/stub", "count-sync/bad_range_n.py"} <= files
    assert all(line.endswith(" ok") for line in rows), result.output


def test_draws_catch_a_verdict_that_hangs_on_the_draw() -> None:
    seeds_ = seeds(2)
    lucky = [random.Random(f"{s}:checks/test_public.py::test_lucky").random() < 0.5 for s in seeds_]
    assert len(set(lucky)) == 2, "the fixture needs seeds on which its lucky check differs"
    command = ["--exercises", str(COURSE), "verify", "luck", "--draws", "2"]
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 1, result.output
    assert "'a verdict that hangs on the draw' varied" in result.output, result.output
    assert "'the same verdict on every draw' varied" not in result.output
    # The solution must earn full marks on every draw, and does not on the unlucky ones.
    assert "luck/solution" in result.output and "but should lose nothing" in result.output
    # ... and says what the check said, so that an author can tell a flaw from bad luck.
    assert "a verdict that hangs on the draw: an unlucky draw" in result.output, result.output


def test_an_inconclusive_draw_differs_from_no_verdict_but_proves_nothing() -> None:
    """The machine too busy to time a check: not a verdict that varied, nor a pass."""
    exercise = catalog.find("count-async", EXERCISES)
    draws = [
        Draw(1, 8, 10, {"fast": "inconclusive", "prints": "passed"}, {}),
        Draw(2, 8, 10, {"fast": "failed", "prints": "passed"}, {}),
    ]
    losing = Stability(Target(exercise, exercise.solution, "x", frozenset({"fast"})), draws)
    assert losing.varied == {} and losing.unexpected == [] and losing.ok
    passing = Stability(Target(exercise, exercise.solution, "x", frozenset()), draws)
    assert passing.varied == {}
    assert [seed for seed, _ in passing.unexpected] == [1, 2]  # neither shows a pass
