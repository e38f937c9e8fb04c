"""What the grader sees of a child from outside its process: watched, not told.

The child is the submission's own process, so whatever it says about itself
may be forged. What the kernel says about it cannot be:

- `filter`: the seccomp program a child installs before its submission is
  imported; the kernel then asks the grader (SECCOMP_RET_USER_NOTIF) before
  the child starts a thread or a process or makes an event loop's poll;
- `listener`: the grader's thread that answers those questions, noting each
  one on the trusted clock, and hands each new epoll over from the grader's
  own process (so it holds every loop the child has);
- `sampler`: the grader's thread that looks at the thread running a call
  (`/proc/PID/task/PID/syscall` and `schedstat`) every 5 ms;
- `watcher`: one child's observation, and what each call showed
  (`summary` sums the looks up; `records` holds the data);
- `syscalls`: system calls by number on this machine, and their meaning.

Trusted side only: nothing here is imported by the child.
"""

from __future__ import annotations

import os
import threading

from grader.sandbox.observation import filter as program
from grader.sandbox.observation.listener import Listener
from grader.sandbox.observation.records import Facet, Observation
from grader.sandbox.observation.sampler import Sampler
from grader.sandbox.observation.watcher import Watcher

__all__ = ["Facet", "Observation", "Watcher", "missing", "watcher"]

_lock = threading.Lock()
_threads: dict[int, tuple[Listener, Sampler]] = {}


def missing() -> dict[Facet, str]:
    """What cannot be observed of any child on this machine, and why (empty: everything can)."""
    why = program.unavailable()
    return dict.fromkeys(Facet, why) if why else {}


def watcher() -> Watcher:
    """A watcher for one new child, served by this process's listener and sampler threads."""
    with _lock:
        pid = os.getpid()
        if pid not in _threads:  # a forked process has none of its parent's threads
            _threads.clear()
            _threads[pid] = (Listener(), Sampler())
        listener, sampler = _threads[pid]
    return Watcher(listener, sampler, missing())
