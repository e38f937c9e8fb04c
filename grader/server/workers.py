"""The dispatcher: threads that take jobs from the database queue to grading workers.

Each thread claims a job (`grader.server.queue`), writes its file to the
spool folder, and hands `grader.batch.runner.grade_job` to an executor: the
batch's long-lived worker processes on this machine (each with its warm
zygote, `grader.batch.workers`), or a dask.distributed cluster. The
submission never runs in the server's process. While the job grades, the
thread renews its lease; when the answer comes, the grade is recorded in
the transaction that closes the job. A worker that dies gives its job back
to the queue; a job that cannot be graded in three attempts gets an error
report saying so, so that it never blocks the queue. A report the machine
was too busy to time (`inconclusive`) is graded again, and so, once, is one
that failed any check on time (what load can cause), as `grader batch
--strict-timing` does (there, alone; here, with the throttle a step lower).
One still too busy to time after that is put off to the end of the queue
and graded alone, as `grader batch` grades its inconclusive reports; it is
given its inconclusive report only when even that could not time it.

How many grade at once on this machine is `grader batch`'s throttle
(`grader.batch.throttle`): from one per core up to four, following the
processors' use and lowered by each timing failure, so that verdicts stay
right; `--workers N` fixes the number.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from grader.batch import executors
from grader.batch.runner import Graded, grade_job
from grader.batch.throttle import Throttle
from grader.batch.workers import Workers
from grader.course.catalog import find
from grader.errors import GraderError
from grader.grading.report import Report, ReportStatus
from grader.server import intake, queue
from grader.server.settings import Settings

#: Attempts before a job that keeps failing is given an error report.
ATTEMPTS = 3
#: How often (seconds) a grading in flight is looked at for checks done.
PROGRESS_EVERY = 0.2


#: Gradings of a file that failed a check on time only: the second one stands.
TIMING_ATTEMPTS = 2
#: Attempts, those put off and graded alone included, before an inconclusive report stands.
ALONE_ATTEMPTS = 5


def throttle(settings: Settings) -> Throttle:
    """How many grade at once: --workers, else the batch's throttle here (four per core on
    a cluster, whose own machines are not ours to measure)."""
    if settings.scheduler:
        most = settings.workers or 4 * executors.cores()
        return Throttle(least=most, most=most)
    return executors.local_throttle(settings.workers)


class Dispatcher:
    """Threads that grade the queue's jobs until `stop`."""

    def __init__(
        self, engine: Engine, settings: Settings, executor: Executor, throttle: Throttle,
        wake: threading.Event,
    ) -> None:  # fmt: skip
        self.engine = engine
        self.settings = settings
        self.executor = executor
        self.throttle = throttle
        self.owner = f"{uuid.uuid4().hex[:12]}"
        self.wake = wake  # set when a job is queued here
        self._stop = threading.Event()
        self._slots = threading.Condition()
        self._in_flight = 0
        self._threads = [
            threading.Thread(target=self._loop, args=(i,), name=f"grader-dispatch-{i}", daemon=True)
            for i in range(throttle.most)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.wake.set()
        with self._slots:
            self._slots.notify_all()

    def _take_slot(self) -> bool:
        """Wait until the throttle lets one more grading in; False when stopping."""
        with self._slots:
            while not self._stop.is_set() and self._in_flight >= self.throttle.limit:
                self._slots.wait(0.5)
            if self._stop.is_set():
                return False
            self._in_flight += 1
            return True

    def _free_slot(self, timing_failed: bool | None) -> None:
        """A slot is free again; a grading's outcome moves the throttle."""
        with self._slots:
            self._in_flight -= 1
            if timing_failed is not None:
                self.throttle.observe(timing_failed=timing_failed)
            self._slots.notify_all()

    def join(self, timeout: float) -> None:
        for thread in self._threads:
            thread.join(timeout)

    def _loop(self, index: int) -> None:
        owner = f"{self.owner}-{index}"
        while self._take_slot():
            timing_failed: bool | None = None
            try:
                try:
                    claimed = queue.claim(self.engine, owner, self.settings.lease)
                except Exception:  # the database away for a moment: try again shortly
                    claimed = None
                if claimed is None:
                    # Polled too: jobs queued by another server, or whose lease ran out.
                    self.wake.wait(0.5)
                    self.wake.clear()
                    continue
                try:
                    timing_failed = self._grade(claimed, owner)
                except Exception:  # never lose the thread; the job is given back
                    with contextlib.suppress(Exception):
                        queue.give_back(self.engine, claimed.job_id, owner)
            finally:
                self._free_slot(timing_failed)

    def _grade(self, claimed: queue.Claimed, owner: str) -> bool | None:
        """Grade a claimed job; whether it failed a check on time (None: no answer came)."""
        # One folder per attempt: a grading presumed dead may still be running in its own.
        folder = self.settings.spool.absolute() / (
            f"{claimed.submission_id}-{claimed.round}-{claimed.attempts}"
        )
        folder.mkdir(parents=True, exist_ok=True)
        # A notebook is graded as one (its code cells, its report in cells and lines).
        kind = intake.suffix(claimed.filename)
        path = folder / f"{claimed.exercise}{kind}"
        path.write_bytes(claimed.content)
        label = f"{claimed.student}/{claimed.exercise}{kind}"
        try:
            try:
                exercise = find(claimed.exercise, self.settings.exercises_dir)
                public_only = not exercise.has_hidden_checks
                progress = folder / "progress.jsonl"
                future = self.executor.submit(
                    grade_job, str(self.settings.exercises_dir), claimed.exercise, str(path),
                    label, isolation=self.settings.isolation, public_only=public_only,
                    progress=str(progress),
                )  # fmt: skip
                answer = self._wait(future, claimed, owner, progress)
            except GraderError as error:
                if self._stop.is_set() or claimed.attempts < ATTEMPTS:
                    queue.give_back(self.engine, claimed.job_id, owner)
                    return None
                answer = {
                    "report": _error_report(claimed, label, str(error)),
                    "inconclusive": False,
                }
            if answer is None:  # stopping
                queue.give_back(self.engine, claimed.job_id, owner)
                return None
            timing = bool(answer.get("timing"))
            # As `grader batch --strict-timing` does: a student sees this feedback at once,
            # so a file that failed any check on time is graded once more before it stands.
            busy = bool(answer.get("inconclusive"))
            again = (busy and claimed.attempts < ATTEMPTS) or (
                timing and claimed.attempts < TIMING_ATTEMPTS
            )
            if again:  # load may have cost it: once more, with the throttle a step lower
                queue.give_back(self.engine, claimed.job_id, owner)
            elif busy and claimed.attempts < ALONE_ATTEMPTS:
                queue.put_off(self.engine, claimed.job_id, owner)
            else:
                queue.finish(self.engine, claimed, owner, answer["report"])
            return timing
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _wait(
        self,
        future: concurrent.futures.Future[Any],
        claimed: queue.Claimed,
        owner: str,
        progress: Path,
    ) -> dict[str, Any] | None:
        """The job's answer, renewing the lease and noting the checks done meanwhile.

        None if the server is stopping.
        """
        renewed = time.monotonic()
        shown = ""
        while True:
            try:
                graded: Graded = future.result(timeout=PROGRESS_EVERY)
                return {**graded.to_dict(), "inconclusive": graded.inconclusive}
            except concurrent.futures.TimeoutError:
                if self._stop.is_set():
                    future.cancel()
                    return None
                now = time.monotonic()
                if now - renewed >= self.settings.lease / 3:
                    queue.renew(self.engine, claimed.job_id, owner, self.settings.lease)
                    renewed = now
                checks = checks_so_far(progress)
                if checks and checks != shown:
                    queue.note_progress(self.engine, claimed.job_id, owner, checks)
                    shown = checks
            except concurrent.futures.CancelledError:
                return None
            except GraderError:
                raise
            except Exception as error:  # a dask worker lost, say: the job goes back
                raise GraderError(f"the grading was lost: {error}") from error


def checks_so_far(progress: Path) -> str:
    """The checks of a grading in flight as JSON, [{"name", "status"}], from its results file.

    Checks run in the order collected: those with a result have its status,
    the next is "running", the rest "waiting". Empty until the checks are known.
    """
    try:
        lines = progress.read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    names: list[str] = []
    statuses: list[str] = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:  # a line being written
            continue
        if "collected" in record:
            names = [str(name) for name in record["collected"]]
        elif "check" in record:
            statuses.append(str(record["check"].get("status", "")))
    if not names:
        return ""
    rows = [
        {
            "name": name,
            "status": statuses[i]
            if i < len(statuses)
            else ("running" if i == len(statuses) else "waiting"),
        }
        for i, name in enumerate(names)
    ]
    return json.dumps(rows)


def _error_report(claimed: queue.Claimed, label: str, why: str) -> dict[str, Any]:
    report = Report(
        exercise=claimed.exercise, submission=label, max_score=0.0, status=ReportStatus.ERROR,
        message=f"the grader could not grade this file ({ATTEMPTS} attempts): {why}",
    )  # fmt: skip
    return report.to_dict()


@contextlib.contextmanager
def grading(engine: Engine, settings: Settings, wake: threading.Event) -> Iterator[Dispatcher]:
    """Run a dispatcher and its workers for as long as the block lasts."""
    limits = throttle(settings)
    with contextlib.ExitStack() as stack:
        pool: Workers | None = None
        if settings.scheduler:
            executor: Executor = stack.enter_context(executors.dask_executor(settings.scheduler))
        else:
            executor = pool = Workers(limits.most)
        dispatcher = Dispatcher(engine, settings, executor, limits, wake)
        dispatcher.start()
        # Unwound last to first: stop claiming, end the workers (the jobs in flight go back
        # to the queue), then wait for the threads to have given them back.
        stack.callback(dispatcher.join, 10.0)
        if pool is not None:
            stack.callback(pool.shutdown, wait=False, cancel_futures=True)
            stack.callback(pool.kill)
        stack.callback(dispatcher.stop)
        yield dispatcher
