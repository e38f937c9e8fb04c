"""Ending a worker process at once with everything it started.

The trees are read from Linux's /proc; elsewhere only the roots and their
process groups are killed.

A worker's gradings run in processes it does not wait for when it is killed:
its sandbox zygotes (each in a session of its own, under bubblewrap with
namespaces) and each check's keeper and child under them, in sessions of
their own too. Killing the worker alone leaves them to parent-death signals
and namespaces; `kill_trees` takes no chances: it freezes every process of
each tree from the top down (a stopped process cannot fork, so a child it
made before stopping is found on the next walk), then kills them all and
their process groups.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterable

#: How long `kill_trees` keeps walking for processes forked while it froze their parents.
_SETTLE = 0.5
#: Walks in a row that must find nothing new before the trees count as frozen.
_QUIET_WALKS = 2


def children(pid: int) -> list[int]:
    """The children of `pid` (zombies too), from each of its threads; none if it is gone."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as listing:
                found += [int(child) for child in listing.read().split()]
        except OSError:  # the thread ended meanwhile
            continue
    return found


def kill_trees(roots: Iterable[int]) -> None:
    """SIGKILL each of `roots` with all its descendants and their process groups, at once.

    Each root must be a process of ours that is not yet reaped, so its pid
    cannot belong to another process by now.
    """
    frozen = _freeze(list(roots))
    groups = set()
    for pid in frozen:
        with contextlib.suppress(OSError):
            groups.add(os.getpgid(pid))
    groups.discard(os.getpgrp())  # the batch's own: its terminal's job, never ours to end
    # Groups first, while their stopped members still hold their ids: whatever left a
    # tree but kept its group (a check's processes share the session their keeper made).
    for group in groups:
        with contextlib.suppress(OSError):
            os.killpg(group, signal.SIGKILL)
    for pid in frozen:
        _signal(pid, signal.SIGKILL)


def _freeze(roots: list[int]) -> set[int]:
    """SIGSTOP every process of the trees under `roots`, each before its children are listed.

    SIGSTOP takes effect when the process next runs, so one may still fork
    just after it is sent: walks go on until two in a row find nothing new
    (or `_SETTLE` seconds pass), which catches those children too.
    """
    stopped: set[int] = set()
    quiet = 0
    deadline = time.monotonic() + _SETTLE
    while quiet < _QUIET_WALKS and time.monotonic() < deadline:
        before = len(stopped)
        seen: set[int] = set()
        todo = list(roots)
        while todo:
            pid = todo.pop()
            if pid in seen:
                continue
            seen.add(pid)
            if pid not in stopped:
                _signal(pid, signal.SIGSTOP)
                stopped.add(pid)
            todo += children(pid)
        quiet = quiet + 1 if len(stopped) == before else 0
        if quiet:
            time.sleep(0.002)  # a moment for a stop just sent to take effect
    return stopped


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)
