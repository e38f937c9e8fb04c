"""The README's first commands work as written, from a fresh copy of the repository.

The copy holds the repository's files as a clone would (git's tracked and
not yet committed ones, nothing ignored: no .venv, no results); the first
command of the README's first block runs there in bash, exactly as written:
install into a new .venv, then batch-grade the example class.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import REPO


def repository_files() -> list[str]:
    """The files a fresh clone would have (plus uncommitted ones, so a change is tested)."""
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [name for name in listed.stdout.split("\0") if name and (REPO / name).is_file()]


def test_the_first_command_installs_and_grades_the_example_class(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", readme, flags=re.DOTALL)
    assert first_block is not None
    commands = [line for line in first_block.group(1).splitlines() if line and line[0] != "#"]
    first = commands[0]
    assert "pip install" in first and "grader batch examples/class --out results" in first

    clone = tmp_path / "clone"
    for name in repository_files():
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, clone / name)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.pop("GRADER_EXERCISES", None)
    outer = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != outer)
    done = subprocess.run(
        ["bash", "-c", first], cwd=clone, env=env, capture_output=True, text=True,
        timeout=900, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with open(clone / "results" / "grades.csv", newline="") as file:
        rows = {row["student"]: row for row in csv.DictReader(file)}
    assert list(rows) == ["alice", "bob", "carol", "dave", "erin", "frank"]
    assert rows["alice"]["total"] == "20"  # alice's two files are right
    assert "wrote results/grades.csv" in done.stdout
