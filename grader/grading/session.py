"""The checks' pytest session, run inside this process when that is safe.

A grading runs pytest on the exercise's checks. In a process of its own that
costs a new interpreter and every import again, for each grading; the
command line, which grades one file and exits, and a batch's worker
processes, which grade one file after another, run the session here instead
(`allow` says this process may). Each session starts clean: the check
modules it imported are forgotten when it ends, so the next exercise's
`checks/test_public.py` (the module `checks.test_public`) is its own.
Sessions run one at a time, from the main thread only (pytest and its
signal-based timeouts need it); anywhere else the runner starts a process as
before.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

#: The package pytest's importlib mode imports an exercise's checks folder as (rootdir: the
#: exercise's folder; `checks/__init__.py` makes it a package, so its modules import each other).
CHECKS_PACKAGE = "checks"

#: The width pytest's own output is drawn at, whatever the terminal's.
SESSION_COLUMNS = "100"

_lock = threading.Lock()
_allowed = False
_cut_short: Callable[[], bool] | None = None
_gate: Callable[[], int | None] | None = None
_opened: float | None = None  # when the running session's gate opened (`time.monotonic()`)


def allow() -> None:
    """This process grades one file at a time from its main thread: run sessions here."""
    global _allowed
    _allowed = True


def available() -> bool:
    """Whether a session may run here, now."""
    return _allowed and threading.current_thread() is threading.main_thread() and not _lock.locked()


@contextlib.contextmanager
def cut_short_when(stop: Callable[[], bool]) -> Iterator[None]:
    """Sessions run meanwhile end after any check once `stop()` is true.

    `grader watch` cuts a run short when the file is saved again: the
    results of an old version are no longer wanted. A check is never cut in
    the middle, so its child ends the way every check's does.
    """
    global _cut_short
    outer = _cut_short  # a grading's own stop inside `grader watch`'s: either one cuts
    _cut_short = stop if outer is None else lambda: stop() or outer()
    try:
        yield
    finally:
        _cut_short = outer


def cut_short() -> bool:
    """Whether the running session should end after the check that just ended."""
    stop = _cut_short
    return stop is not None and stop()


@contextlib.contextmanager
def gated(gate: Callable[[], int | None]) -> Iterator[None]:
    """Sessions run meanwhile start up, collect the checks, then wait at `gate` to run them.

    `grader watch` starts the next session as soon as a report is shown, so
    that pytest's start-up is paid before the next save, not after it. The
    gate returns when the submission's file holds the new version, with the
    seed to draw its cases from; or None to cut the session short (the new
    version needs a grading of its own, from the start).
    """
    global _gate, _opened
    _gate, _opened = gate, None
    try:
        yield
    finally:
        _gate, _opened = None, None


def through_gate() -> tuple[bool, int | None]:
    """Wait at the gate, if sessions have one: whether to run the checks, and a new seed."""
    global _opened
    gate = _gate
    if gate is None:
        return True, None
    seed = gate()
    _opened = time.monotonic()
    return seed is not None, seed


def opened() -> float | None:
    """When the last gated session's gate opened (`time.monotonic()`), None if it did not."""
    return _opened


def run(args: list[str], course: Path) -> tuple[int, str]:
    """Run pytest with `args` here; its exit status and what it printed.

    Modules imported from `course` (the exercise's checks and their helpers)
    are forgotten afterwards.
    """
    import pytest  # imported here: a process that never grades needs none of it

    from grader.checks.modules import PREFIX

    with _lock:
        # pytest imports the exercise's checks folder as the package `checks`: one of that
        # name that this process imported before must not stand in for it, nor be lost.
        aside = {name: sys.modules.pop(name) for name in list(sys.modules) if _checks(name)}
        before = set(sys.modules)
        printed = io.StringIO()
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        os.environ.pop("PYTEST_ADDOPTS", None)
        width = os.environ.get("COLUMNS")
        # pytest draws its separators as wide as COLUMNS says; what it prints is only kept
        # for a broken run's message, and a huge COLUMNS would exhaust the memory.
        os.environ["COLUMNS"] = SESSION_COLUMNS
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                code = pytest.main(args)
        finally:
            if width is None:
                os.environ.pop("COLUMNS", None)
            else:
                os.environ["COLUMNS"] = width
            for name in set(sys.modules) - before:
                if name.startswith(PREFIX) or _within(sys.modules.get(name), course):
                    del sys.modules[name]
            sys.modules.update(aside)
        return int(code), printed.getvalue()


def _checks(name: str) -> bool:
    """Whether `name` is, or is in, the package an exercise's checks are imported as."""
    return name == CHECKS_PACKAGE or name.startswith(f"{CHECKS_PACKAGE}.")


def _within(module: object, course: Path) -> bool:
    """Whether `module` was loaded from `course`: its file, or a namespace package's folders."""
    root = str(course)
    places = [getattr(module, "__file__", None) or "", *(getattr(module, "__path__", None) or [])]
    return any(str(place).startswith(root) for place in places)
