"""A batch's local gradings, in long-lived worker processes: one per slot.

Starting a process per grading costs an interpreter and every import again
(pytest, its plugins, the grader, the checks); a worker pays that once, then
grades file after file, each in a pytest session of its own
(`grader.grading.session`) with one zygote for all of them. Each job is
`grader.batch.runner.grade_job`'s plain data, sent as a JSON line; the
answer, a `Graded` record, comes back the same way.

A worker that dies costs its job alone: the job's future fails (the batch
counts it unfinished, for `--resume`), and the slot starts a new worker for
the next job.

Workers run in process groups of their own, so a Ctrl-C in the terminal
reaches the batch alone: it decides whether the gradings in flight finish
(`shutdown`) or end at once with every process they started (`kill`).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import IO, TYPE_CHECKING, Any

from grader.batch import processes
from grader.errors import GraderError

if TYPE_CHECKING:
    from grader.batch.runner import Graded


class WorkerFailed(GraderError):
    """A worker could not grade a job (it died, or the job raised there)."""


class Worker:
    """One worker process, serving one job at a time."""

    def __init__(self) -> None:
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed in `close`)
        # A group of its own: the terminal sends Ctrl-C to its foreground group, and a
        # grading cut short there would be lost; the batch ends its workers itself.
        self._process = subprocess.Popen(
            [sys.executable, "-m", "grader.batch.worker"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=self._log, text=True, bufsize=1, process_group=0,
        )  # fmt: skip

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def run(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Graded:
        """Send a job, wait for its answer."""
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(json.dumps({"args": list(args), "kwargs": kwargs}) + "\n")
            stdin.flush()
            line = stdout.readline()
        except OSError:
            line = ""
        if not line:
            self._process.wait()
            raise WorkerFailed(f"the grading worker ended unexpectedly ({self._tail()})")
        from grader.batch.runner import Graded

        answer = json.loads(line)
        if "error" in answer:
            raise WorkerFailed(str(answer["error"]))
        return Graded.from_dict(answer["result"])

    def _tail(self) -> str:
        """How the worker ended, and the last line it wrote (a traceback's last, say)."""
        code = self._process.returncode
        how = f"exit status {code}"
        if code < 0:
            try:
                how = f"killed by {signal.Signals(-code).name}"
            except ValueError:
                how = f"killed by signal {-code}"
        self._log.seek(0)
        lines = self._log.read().decode(errors="replace").strip().splitlines()
        return f"{how}; its last words: {lines[-1]}" if lines else how

    def kill(self) -> None:
        """End the worker now, with every process it started (its job's future then fails)."""
        # A worker already reaped is skipped: its pid may be another process's by now.
        if self._process.poll() is None:
            processes.kill_trees([self._process.pid])

    def close(self) -> None:
        """Ask the worker to end (its zygotes with it) and wait for it."""
        if self._process.stdin is not None:
            with contextlib.suppress(OSError):
                self._process.stdin.close()
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._log.close()


class Workers(Executor):
    """An executor that runs each job in a worker process of its slot's own."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._threads = ThreadPoolExecutor(max_workers=slots, thread_name_prefix="grader-slot")
        self._local = threading.local()
        self._workers: list[Worker] = []
        self._lock = threading.Lock()
        self._killed = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        from grader.batch.runner import grade_job

        if fn is not grade_job:
            raise TypeError("grading workers run grade_job only")
        return self._threads.submit(self._run, args, kwargs)

    def _run(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        worker: Worker | None = getattr(self._local, "worker", None)
        if worker is None or not worker.alive:
            with self._lock:  # so that `kill` finds every worker started, or none starts
                if self._killed:
                    raise WorkerFailed("the batch was stopped")
                worker = self._local.worker = Worker()
                self._workers.append(worker)
        return worker.run(args, kwargs)

    def kill(self) -> None:
        """End every worker now, with the gradings in flight and all they started."""
        with self._lock:
            self._killed = True
            workers = list(self._workers)
        for worker in workers:
            worker.kill()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._threads.shutdown(wait=wait, cancel_futures=cancel_futures)
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            worker.close()
        with self._lock:  # kept until closed, so that a `kill` meanwhile finds them
            self._workers = [w for w in self._workers if w not in workers]


def serve() -> None:
    """The worker process: grade each job read from stdin, answer on stdout."""
    from grader.batch.runner import grade_job
    from grader.grading import session
    from grader.sandbox import forkserver

    session.allow()
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything else printed goes to the log, never into the answers
    sys.stdout = sys.stderr
    for line in sys.stdin:
        job = json.loads(line)
        answer: dict[str, Any]
        try:
            answer = {"result": grade_job(*job["args"], **job["kwargs"]).to_dict()}
        except GraderError as error:  # a file or exercise this machine cannot see, say
            answer = {"error": str(error)}
        answers.write(json.dumps(answer) + "\n")
    for server in forkserver.running():  # wait for the zygotes: their time is the batch's
        server.close(wait=True)
