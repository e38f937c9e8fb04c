"""How many workers a batch starts: the code, `--help` and the docs say the same."""

from __future__ import annotations

import os
import re
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from grader.batch import executors, processes, workers
from tests.support import REPO, run, until

# -- the docs agree with the code -------------------------------------------------------------


def test_the_docs_give_the_workers_the_code_gives() -> None:
    """`--help`, the READMEs and docs/cli.md say "per core" as the code counts it."""
    assert executors.default_workers() == max(4, 4 * executors.cores())
    assert executors.local_throttle(None).least == executors.cores()
    said = {
        "--help": run("batch", "--help").output,
        "README.md": (REPO / "README.md").read_text(),
        "examples/README.md": (REPO / "examples" / "README.md").read_text(),
        "docs/cli.md": (REPO / "docs" / "cli.md").read_text(),
    }
    for where, text in said.items():
        flat = " ".join(text.split())
        for phrase in re.findall(r"[\w ]{0,40} per core", flat):
            allowed = ("between one and four per core", " one per core", " one thread per core")
            assert phrase.endswith(allowed), (where, phrase)
    flat = " ".join(said["--help"].split())
    assert "between one and four per core" in flat


# -- a worker that dies --------------------------------------------------------------------------


def test_a_worker_killed_mid_grading_says_how_it_ended(tmp_path: Path) -> None:
    """The job's failure names the signal, not only the last line the worker wrote."""
    spin = tmp_path / "count-async.py"
    spin.write_text("async def count(n=30, pauses=None):\n    while True:\n        pass\n")
    worker = workers.Worker()
    try:
        with ThreadPoolExecutor(1) as thread:
            job = thread.submit(
                worker.run, (str(REPO / "exercises"), "count-async", str(spin), "spin"), {}
            )
            until(lambda: bool(processes.children(worker.pid)), within=120)  # grading now
            os.kill(worker.pid, signal.SIGKILL)
            with pytest.raises(
                workers.WorkerFailed, match="ended unexpectedly \\(killed by SIGKILL"
            ):
                job.result(timeout=120)
    finally:
        worker.kill()
        worker.close()
