"""The batch's throttle: as many gradings at once as the machine takes, never more than asked."""

from __future__ import annotations

import pytest

from grader.batch import executors, throttle
from grader.batch.throttle import Throttle


class Machine:
    """A fake /proc/stat: each look reports the given share of the processors busy."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.ticks = [0, 0, 0, 1000, 0, 0, 0]
        monkeypatch.setattr(throttle, "_cpu_times", lambda: list(self.ticks))
        monkeypatch.setattr(throttle, "SETTLE", 0.0)

    def run(self, busy: float) -> None:
        self.ticks[0] += round(1000 * busy)  # user time
        self.ticks[3] += round(1000 * (1 - busy))  # idle time


def test_spare_processors_add_gradings_up_to_the_most(monkeypatch: pytest.MonkeyPatch) -> None:
    machine = Machine(monkeypatch)
    pool = Throttle(least=2, most=5)
    assert pool.limit == 3
    for _ in range(10):
        machine.run(0.3)
        pool.observe(timing_failed=False)
    assert pool.limit == 5 and pool.history == [3, 4, 5]


def test_a_full_machine_or_a_timing_failure_takes_one_away_down_to_the_least(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    machine = Machine(monkeypatch)
    pool = Throttle(least=2, most=8)
    machine.run(0.5)
    pool.observe(timing_failed=True)
    assert pool.limit == 2
    pool = Throttle(least=2, most=8)
    for _ in range(5):
        machine.run(0.99)
        pool.observe(timing_failed=False)
    assert pool.limit == 2 and pool.history == [3, 2]
    machine.run(0.8)  # between room and full: it stays
    pool.observe(timing_failed=False)
    assert pool.limit == 2


def test_workers_given_are_the_limit_whatever_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    machine = Machine(monkeypatch)
    pool = executors.local_throttle(3)
    assert (pool.least, pool.limit, pool.most) == (3, 3, 3)
    for busy, failed in ((0.1, False), (0.99, False), (0.5, True)):
        machine.run(busy)
        pool.observe(timing_failed=failed)
        assert pool.limit == 3
    machine_pool = executors.local_throttle(None)
    assert machine_pool.least == executors.cores()
    assert machine_pool.most == executors.default_workers()
