"""Which operating-system isolation a child runs under, and what each backend protects.

Three backends, best first:

- `namespaces` (bubblewrap): the zygote runs in its own user (when not root),
  mount, PID, network, IPC and UTS namespaces with a read-only view of the
  machine; every check's child then gets fresh PID, mount and network
  namespaces of its own, a size-limited scratch tmpfs, no capabilities and a
  seccomp filter.
- `landlock`: where namespaces are refused (Docker's default seccomp profile,
  Ubuntu 24.04 without bwrap's AppArmor profile), each child restricts itself
  with Landlock (a filesystem allow-list, TCP only to its test server's port,
  signals and abstract sockets scoped to itself) and the same seccomp filter.
- `none`: a session, resource limits, and every process killed at the end of
  the check; nothing else. `grade` and `batch` refuse it unless asked.

Every backend runs the child as a dedicated unprivileged uid when the grader
is root. What a backend does not protect on this machine is listed in
`Isolation.missing`, and every report says so.

This package is imported inside the child too (the zygote and its forks read
their settings through it), so its modules use the standard library only,
and import third-party code (the seccomp binding) lazily, on the trusted side.
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from enum import StrEnum

from grader.errors import GraderError


class Backend(StrEnum):
    NAMESPACES = "namespaces"
    LANDLOCK = "landlock"
    NONE = "none"


class Protection(StrEnum):
    """One thing a hostile submission must not be able to do; the value is its short name."""

    READ = "read-files"  # read the course, the class, the outputs or the grader
    WRITE = "write-files"  # write anywhere but its own scratch folder
    PROCESSES = "see-processes"  # list or inspect processes other than its own
    SIGNALS = "signal-processes"  # signal any process but its own
    NETWORK = "network"  # reach the host's listeners or beyond
    CLEANUP = "cleanup"  # leave a process running after the check
    SCRATCH = "scratch-limit"  # write more than the scratch folder's limit
    PRIVILEGES = "privileges"  # capabilities, new privileges, the kernel's escape hatches


#: What each missing protection means, in the words a report uses.
MEANING = {
    Protection.READ: "the submission can read files of the course, the class and the grader",
    Protection.WRITE: "the submission can write files outside its scratch folder",
    Protection.PROCESSES: "the submission can see other processes",
    Protection.SIGNALS: "the submission can signal other processes",
    Protection.NETWORK: "the submission can reach the network and the host's listeners",
    Protection.CLEANUP: "processes the submission starts may outlive the check",
    Protection.SCRATCH: "the scratch folder has no size limit (each file is capped)",
    Protection.PRIVILEGES: "no seccomp filter guards the kernel's escape hatches",
}


@dataclass(frozen=True)
class Isolation:
    """The backend a grading runs under, and the protections it lacks on this machine."""

    backend: Backend
    missing: tuple[Protection, ...] = ()

    def describe(self) -> str:
        """One line for a report: the backend, and what it does not protect here."""
        return describe(str(self.backend), [str(p) for p in self.missing])


def describe(backend: str, missing: list[str] | tuple[str, ...]) -> str:
    """A report's isolation in words: the backend, and what it lacked."""
    if backend == Backend.NONE:
        return "none: the submission ran as a plain process, without isolation"
    gaps = [MEANING[Protection(m)] if m in Protection.__members__.values() else m for m in missing]
    return f"{backend} (missing: {'; '.join(gaps)})" if gaps else backend


class IsolationUnavailable(GraderError):
    """The isolation asked for cannot be had on this machine; the message says how to get it."""


#: How a teacher gets the best backend, said wherever it is missing.
HOW_TO_GET = (
    "install bubblewrap (Debian and Ubuntu: apt install bubblewrap; on Ubuntu 24.04 also "
    "load its AppArmor profile: apt install apparmor-profiles, then "
    "ln -s /usr/share/apparmor/extra-profiles/bwrap-userns-restrict /etc/apparmor.d/ and "
    "apparmor_parser -r /etc/apparmor.d/bwrap-userns-restrict), or run on a Linux kernel "
    "with Landlock (5.13 or newer)"
)


def probe(backend: Backend) -> Isolation | str:
    """The isolation `backend` gives on this machine, or why it cannot be used here."""
    return _probe(backend)


@functools.cache
def _probe(backend: Backend) -> Isolation | str:
    if backend is Backend.NONE:
        return Isolation(Backend.NONE, tuple(p for p in Protection if p is not Protection.CLEANUP))
    if not sys.platform.startswith("linux"):
        return f"{backend} needs Linux"
    from grader.sandbox.isolation import landlock, namespaces, seccomp

    filter_missing = seccomp.unavailable()
    if backend is Backend.NAMESPACES:
        problem = namespaces.unavailable()
        if problem:
            return problem
        missing = [Protection.PRIVILEGES] if filter_missing else []
        return Isolation(Backend.NAMESPACES, tuple(missing))
    problem = landlock.unavailable()
    if problem:
        return problem
    missing = landlock.gaps()
    if filter_missing:
        # Without seccomp, UDP and Unix sockets are open, and the escape hatches too.
        missing = sorted({*missing, Protection.PRIVILEGES, Protection.NETWORK})
    return Isolation(Backend.LANDLOCK, tuple(missing))


def best() -> Isolation:
    """The strongest isolation this machine offers (`none` at worst)."""
    for backend in Backend:
        found = probe(backend)
        if isinstance(found, Isolation):
            return found
    raise AssertionError("the none backend is always available")


def choose(name: str | None, *, allow_none: bool) -> Isolation:
    """The isolation to grade under: `name` (a backend, or None for the best one).

    Without `allow_none`, grading without isolation is refused with one line
    that says how to get it, and which flag overrides the refusal.
    """
    if name is None or name == "auto":
        chosen = best()
    else:
        try:
            backend = Backend(name)
        except ValueError:
            known = ", ".join(b.value for b in Backend)
            raise IsolationUnavailable(f"unknown isolation {name!r} (known: {known})") from None
        found = probe(backend)
        if isinstance(found, str):
            raise IsolationUnavailable(f"{backend} isolation is not available here: {found}")
        chosen = found
    misset = settings_problem()
    if misset:
        raise IsolationUnavailable(misset)
    if chosen.backend is Backend.NONE and not allow_none:
        raise IsolationUnavailable(
            "refusing to grade without isolation (a submission could read the hidden checks "
            f"and change other grades); {HOW_TO_GET}; or pass --no-isolation to grade anyway"
        )
    return chosen


def settings_problem() -> str:
    """What is wrong with the sandbox's settings in the environment ("" if nothing).

    Said once, before anything is graded: a wrong `GRADER_SANDBOX_UIDS` or
    `GRADER_SANDBOX_PYTHON` would otherwise fail every check of every file,
    and read as the submission's fault.
    """
    try:
        sandbox_uids()
    except IsolationUnavailable as error:
        return str(error)
    given = os.environ.get("GRADER_SANDBOX_PYTHON", "")
    if given:
        import subprocess

        from grader.sandbox.isolation import view

        try:
            view.layout(view.interpreter())
        except (OSError, ValueError, subprocess.SubprocessError) as error:
            return f"GRADER_SANDBOX_PYTHON={given!r} is not a Python the sandbox can run: {error}"
    return ""


def sandbox_uids() -> range:
    """The uids children run as when the grader is root: `GRADER_SANDBOX_UIDS`, or a default.

    Each child gets one of them at random, so its process limit and its files
    are its own; none of them is a user of the host.
    """
    given = os.environ.get("GRADER_SANDBOX_UIDS", "")
    if given:
        first, _, last = given.partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError:
            raise IsolationUnavailable(
                f"GRADER_SANDBOX_UIDS must be FIRST-LAST (two numbers), not {given!r}"
            ) from None
        if not 0 < low <= high < 2**32 - 1:
            raise IsolationUnavailable(f"GRADER_SANDBOX_UIDS {given!r} is out of range")
        return range(low, high + 1)
    return range(0x70000000, 0x70000000 + 2**20)


__all__ = [
    "HOW_TO_GET",
    "MEANING",
    "Backend",
    "Isolation",
    "IsolationUnavailable",
    "Protection",
    "best",
    "choose",
    "describe",
    "probe",
    "sandbox_uids",
    "settings_problem",
]
