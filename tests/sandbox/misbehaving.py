"""The submissions that misbehave on purpose (tests/data/misbehaving), and their limits."""

from __future__ import annotations

import shutil
from pathlib import Path

from grader.sandbox import Limits
from tests.support import DATA

MISBEHAVING = DATA / "misbehaving"
LIMITS = Limits(call_timeout=1.5, import_timeout=1.5, output_kb=64)
# Misbehaviour that is not a hang is caught long before a deadline; a generous
# one keeps a heavily loaded machine from turning it into a timeout instead.
PATIENT = Limits(call_timeout=15, import_timeout=15, output_kb=64)
HANGS = {"hang_at_import.py", "busy_loop.py", "busy_coroutine.py"}


def limits_for(name: str) -> Limits:
    return LIMITS if name in HANGS else PATIENT


def private_copy(name: str, folder: Path) -> Path:
    """A copy of a misbehaving file at a path of this test's own (tests run in parallel)."""
    copy = folder / name
    shutil.copyfile(MISBEHAVING / name, copy)
    return copy
