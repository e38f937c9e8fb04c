"""kitchen: the solution earns full marks, the stub nothing, each wrong submission loses its checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import EXERCISES, SOLUTIONS, SUBMISSIONS, explain, grade_file, lost

EXERCISE = "kitchen"
HERE = SUBMISSIONS / EXERCISE

COOK = "cook(dish, seconds) returns the dish after waiting its seconds"
ORDER = "make_breakfast returns the dishes in the order they finished cooking"
SLOWEST = "make_breakfast takes about as long as the slowest dish, not the sum"
COOK_BLOCKS = "cook does not block the event loop while it waits"
BREAKFAST_BLOCKS = "make_breakfast does not block the event loop while the dishes cook"
CLOSE = "make_breakfast keeps the finishing order when dishes finish close together"
BIG = "a big menu still takes about as long as its slowest dish"
ALL = {COOK, ORDER, SLOWEST, COOK_BLOCKS, BREAKFAST_BLOCKS, CLOSE, BIG}

WRONG = {
    # gather: every dish cooked at once, but the names come back in menu order
    "bad_menu_order.py": {ORDER, CLOSE},
    # no waiting at all: right order, but nothing was cooked
    "bad_no_cooking.py": ALL,
    # one dish after another: menu order, and the sum of the times
    "bad_sequential.py": {ORDER, SLOWEST, CLOSE, BIG},
    # time.sleep in cook: each dish blocks the loop, so they cook in turn, in menu order
    "bad_time_sleep.py": {ORDER, SLOWEST, COOK_BLOCKS, BREAKFAST_BLOCKS, CLOSE, BIG},
}


@pytest.mark.parametrize(
    "path",
    [SOLUTIONS / f"{EXERCISE}.py", *sorted(HERE.glob("ok_*.py"))],
    ids=lambda p: p.name,
)
def test_right_submissions_get_full_marks(path: Path) -> None:
    report = grade_file(EXERCISE, path)
    assert lost(report) == set(), explain(report)
    assert report.score == report.max_score == 10, explain(report)


def test_stub_gets_nothing() -> None:
    report = grade_file(EXERCISE, EXERCISES / EXERCISE / "stub.py")
    assert lost(report) == ALL, explain(report)
    assert report.score == 0, explain(report)


def test_every_wrong_submission_is_listed() -> None:
    assert {p.name for p in HERE.glob("bad_*.py")} == set(WRONG)


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_submissions_lose_their_checks(name: str) -> None:
    report = grade_file(EXERCISE, HERE / name)
    assert lost(report) == WRONG[name], explain(report)
