"""What a submission may use of the machine: memory and processes per check, not per process.

A real hostile submission, batch-graded beside a classmate: it forks to the
process limit and fills memory in every process. The check's control group
(`grader.sandbox.cgroup`) stops it at the limit named in its message; the
machine keeps its memory, and the classmate their grade.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from grader.sandbox import Limits, cgroup
from tests.support import DATA, REPO, SOLUTIONS

HOSTILE = DATA / "hostile" / "memory"

# Control groups need root; as root (CI, this machine kind) they must work, not skip.
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="control groups need root")


def available_kb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1])
    raise AssertionError("no MemAvailable in /proc/meminfo")


class LowestMemory:
    """The least memory the machine had available while it was watched, sampled every 20 ms."""

    def __init__(self) -> None:
        self.lowest = available_kb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.lowest = min(self.lowest, available_kb())

    def __enter__(self) -> LowestMemory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def test_this_machine_limits_each_check_in_a_control_group() -> None:
    """As root, the grader finds a hierarchy for check groups (else every report says why)."""
    where = cgroup.locate()
    assert isinstance(where, cgroup.Hierarchy), where


def test_a_group_is_made_with_the_limits_and_removed_when_empty() -> None:
    group = cgroup.create(Limits(memory_mb=256, processes=16))
    assert isinstance(group, cgroup.Group), group
    try:
        if group.version is cgroup.Version.V1:
            limit = (group.memory / "memory.limit_in_bytes").read_text()
            pids = next(f for f in group.folders if (f / "pids.max").exists())
        else:
            limit = (group.memory / "memory.max").read_text()
            pids = group.memory
        assert int(limit) == 256 * 1024 * 1024
        assert (pids / "pids.max").read_text().strip() == "16"
        assert group.processes() == 0 and group.oom_kills() == 0
    finally:
        group.remove()
    assert not any(folder.exists() for folder in group.folders)


def test_forking_and_filling_memory_is_stopped_at_the_checks_limit(tmp_path: Path) -> None:
    """64 processes of 480 MB each (30 GB): stopped at 512 MB, its classmate graded as ever."""
    klass = tmp_path / "class"
    for student, source in (
        ("mallory", HOSTILE / "fork_and_fill.py"),
        ("bob", SOLUTIONS / "count-async.py"),
    ):
        (klass / student).mkdir(parents=True)
        shutil.copy(source, klass / student / "count-async.py")
    out = tmp_path / "out"
    before = available_kb()
    with LowestMemory() as memory:
        done = subprocess.run(
            [sys.executable, "-m", "grader", "batch", str(klass), "--out", str(out)],
            capture_output=True, text=True, timeout=600, cwd=REPO,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert memory.lowest > before / 2, f"available memory fell from {before} kB to {memory.lowest}"
    reports = {
        student: json.loads((out / student / "count-async.json").read_text())
        for student in ("mallory", "bob")
    }
    assert reports["bob"]["score"] == reports["bob"]["max_score"] == 10
    assert reports["mallory"]["score"] == 0
    said = [check["message"] for check in reports["mallory"]["checks"]]
    # Which limit trips first in a check is load's choice (filling 30 GB slowly on a busy
    # machine may outlast the call's time): each check names one of the two, and the
    # memory limit is named where it tripped.
    stopped = [m for m in said if "used more than 512 MB of memory" in m]
    assert stopped, said
    assert all(m in stopped or "did not finish within" in m for m in said), said
    assert reports["mallory"]["resources"]["applied"].startswith("cgroup")
