"""A batch that keeps talking: progress lines while a long grading runs, a lost dask worker."""

from __future__ import annotations

import itertools
import os
import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import click
import pytest

from grader.batch import classroom, executors
from grader.batch import runner as batch
from grader.course import catalog
from grader.outputs import summary
from tests.support import EXERCISES, SOLUTIONS, FakeGrader, small_class

# -- a batch that keeps talking ---------------------------------------------------------------


class _Held(ThreadPoolExecutor):
    """Gradings that finish only once the batch has sent a few heartbeats without one."""

    def __init__(self, beats: int) -> None:
        super().__init__(2)
        self.release = threading.Event()
        self.beats = beats

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        def held() -> Any:
            assert self.release.wait(120), "the batch went quiet while a grading ran"
            return fn(*args, **kwargs)

        return super().submit(held)


def test_a_long_grading_still_gets_progress_lines(
    tmp_path: Path,
    fake: FakeGrader,
) -> None:
    room = classroom.scan(small_class(tmp_path / "class"), catalog.catalog(EXERCISES))
    seen: list[batch.Progress] = []

    def progress(update: batch.Progress) -> None:
        seen.append(update)
        if sum(p.done == 0 for p in seen) > pool.beats:  # heartbeats, nothing graded yet
            pool.release.set()

    with _Held(beats=3) as pool:
        result = batch.run(room, tmp_path / "out", EXERCISES, pool, progress=progress,
                           heartbeat=0.05)  # fmt: skip
    assert result.graded == len(room.jobs)
    assert sum(p.done == 0 for p in seen) > 3


def test_the_cli_prints_a_progress_line_at_least_every_ten_seconds() -> None:
    """The plain lines' spacing, against a clock of the test's own: 10 s at most between two."""
    import grader.cli as cli_module

    clock = [0.0]
    lines: list[float] = []
    update = cli_module._progress_lines()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(time, "monotonic", lambda: clock[0])  # the clock grader.cli reads
        patch.setattr(click, "echo", lambda *a, **k: lines.append(clock[0]))
        for beat in range(200):  # one heartbeat a second, nothing graded: 200 s
            clock[0] = beat * cli_module.HEARTBEAT
            update(batch.Progress(total=3, done=0, students=1, students_done=0, failed=0))
    gaps = [b - a for a, b in itertools.pairwise(lines)]
    assert len(lines) >= 20 and max(gaps) <= cli_module.PROGRESS_EVERY, gaps


class _Losing(ThreadPoolExecutor):
    """A cluster of two workers that loses one once the first grading is handed out."""

    def __init__(self) -> None:
        super().__init__(2)
        self.workers = {"tcp://10.0.0.1:1", "tcp://10.0.0.2:1"}

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.workers.discard("tcp://10.0.0.2:1")
        return super().submit(fn, *args, **kwargs)


def test_a_lost_dask_worker_is_said(tmp_path: Path, fake: FakeGrader) -> None:
    room = classroom.scan(small_class(tmp_path / "class"), catalog.catalog(EXERCISES))
    with _Losing() as pool:
        cluster = executors.ClusterExecutor(pool, lambda: set(pool.workers))
        seen: list[batch.Progress] = []
        result = batch.run(room, tmp_path / "out", EXERCISES, cluster, progress=seen.append)
    said = "dask worker tcp://10.0.0.2:1 was lost; its gradings run again on the others " \
        "(1 worker left)"  # fmt: skip
    assert [p.news for p in seen if p.news] == [(said,)]
    assert result.news == [said]
    assert f"note: {said}" in summary.render_summary(result)


def test_a_dask_worker_killed_mid_batch_is_said(tmp_path: Path) -> None:
    """A real cluster: the worker grading a slow file is killed; the batch says so, and ends."""
    distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")
    slow = tmp_path / "class" / "ann" / "count-sync.py"
    slow.parent.mkdir(parents=True)
    start = "    start = time.perf_counter()"
    solution = (SOLUTIONS / "count-sync.py").read_text()
    slow.write_text(solution.replace(start, f"    time.sleep(0.4)\n{start}"))
    room = classroom.scan(tmp_path / "class", catalog.catalog(EXERCISES))
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster.scheduler_address) as client:  # fmt: skip
        killed: list[str] = []

        def progress(update: batch.Progress) -> None:
            if killed:
                return
            busy = [w for w, keys in client.processing().items() if keys]
            if busy:
                pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
                os.kill(pid, 9)
                killed.append(busy[0])

        with executors.dask_executor(cluster.scheduler_address) as pool:
            result = batch.run(
                room, tmp_path / "out", EXERCISES, pool, progress=progress, heartbeat=0.2,
                isolation=None, public_only=True,
            )  # fmt: skip
    assert killed, "no grading was seen running"
    assert any(re.match(rf"dask worker {re.escape(killed[0])} was lost", n) for n in result.news)
    assert result.graded + len(result.unfinished) == 1
