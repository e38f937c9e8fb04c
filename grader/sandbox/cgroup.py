"""Control groups: one per check, bounding the memory, processes and CPU share of all of it.

Per-process limits (`setrlimit`) bound each process, not the check: 64
processes of 512 MB each are 32 GB. A control group bounds their sum, as
isolate and nsjail do. The grader makes one group per check, under the group
it runs in itself (so the machine's own limits on the grader still hold),
in cgroup v2 where it delegates the memory and pids controllers to the
grader, else in cgroup v1's memory, pids and cpu hierarchies.

The child joins before any of its processes exists: the grader opens each
group's `cgroup.procs` and hands the descriptors over with the check's other
pipes; the zygote's fork writes `0` (itself) to each, and every process of
the check descends from it. The kernel checks the write against the opener's
credentials, so the child needs no right of its own on /sys/fs/cgroup.

Where no group can be made (not root, no controllers, no cgroupfs), the
per-process limits alone apply, and `locate` says why: reports name which
applied (`"resources"`, docs/cli.md).
"""

from __future__ import annotations

import atexit
import contextlib
import enum
import errno
import functools
import itertools
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from grader.sandbox.limits import Limits

#: Each check's CPU share against the grader's own processes (cgroup v1 shares, v2 weight):
#: half, so the trusted side's clock and listener run first when the machine is full.
CPU_SHARES, CPU_WEIGHT = 512, 50
#: The folder of this grader's groups, under the group it runs in.
PARENT = "grader"


class Version(enum.StrEnum):
    V2 = "cgroup v2"
    V1 = "cgroup v1"


@dataclass(frozen=True)
class Hierarchy:
    """Where this process makes its check groups: one folder per controller (one for v2)."""

    version: Version
    bases: dict[str, Path]  # controller -> the folder the check groups go in

    def folders(self) -> list[Path]:
        return sorted(set(self.bases.values()))


@dataclass
class Group:
    """One check's control group: its folders, and what the kernel counted in it."""

    version: Version
    folders: list[Path]
    memory: Path  # the folder holding the memory controller's files
    usage: Path | None = None  # the file counting its processes' CPU time, where there is one

    def joiners(self) -> list[int]:
        """Descriptors of each folder's `cgroup.procs`, for the child to write itself to."""
        fds: list[int] = []
        try:
            for folder in self.folders:
                fds.append(os.open(folder / "cgroup.procs", os.O_WRONLY | os.O_CLOEXEC))
        except OSError:
            for fd in fds:
                os.close(fd)
            raise
        return fds

    def processes(self) -> int:
        """How many processes are in the group now."""
        with contextlib.suppress(OSError):
            return len((self.memory / "cgroup.procs").read_bytes().split())
        return 0

    def oom_kills(self) -> int:
        """How many of its processes the kernel killed for going over the memory limit."""
        name = "memory.events" if self.version is Version.V2 else "memory.oom_control"
        with contextlib.suppress(OSError, ValueError):
            for line in (self.memory / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        return 0

    def cpu_seconds(self) -> float | None:
        """CPU time its processes have used so far, those that ended included; None: unknown."""
        if self.usage is None:
            return None
        with contextlib.suppress(OSError, ValueError):
            if self.version is Version.V1:
                return int(self.usage.read_text()) / 1e9  # cpuacct.usage: nanoseconds
            for line in self.usage.read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "usage_usec":
                    return int(value) / 1e6
        return None

    def remove(self) -> None:
        """Remove the group once nothing is left in it; retried later if something still is."""
        left = [folder for folder in self.folders if not _rmdir(folder)]
        if left:
            with _lock:
                _leftover.extend(left)


def create(limits: Limits) -> Group | str:
    """A new group for one check, with `limits`; or why there is none (per-process limits)."""
    where = locate()
    if isinstance(where, str):
        return where
    _sweep()
    name = f"{os.getpid()}-{next(_names)}"
    folders = [base / name for base in where.folders()]
    made: list[Path] = []
    try:
        for folder in folders:
            folder.mkdir()
            made.append(folder)
        memory = where.bases["memory"] / name
        _limit(where.version, memory, where.bases, name, limits)
    except OSError as error:
        for folder in made:
            _rmdir(folder)
        return f"its control group could not be set up ({error.strerror or error})"
    return Group(where.version, folders, memory, _usage(where, name))


def _usage(where: Hierarchy, name: str) -> Path | None:
    """The file that counts the group's CPU time: v2's cpu.stat, v1's cpuacct.usage."""
    if where.version is Version.V2:
        return where.bases["memory"] / name / "cpu.stat"
    if "cpuacct" in where.bases:
        return where.bases["cpuacct"] / name / "cpuacct.usage"
    return None


def _limit(
    version: Version, memory: Path, bases: dict[str, Path], name: str, limits: Limits
) -> None:
    size = str(limits.memory_mb * 1024 * 1024)
    if version is Version.V2:
        (memory / "memory.max").write_text(size)
        _write_if_there(memory / "memory.swap.max", "0")
        (memory / "pids.max").write_text(str(limits.processes))
        _write_if_there(memory / "cpu.weight", str(CPU_WEIGHT))
        return
    (memory / "memory.limit_in_bytes").write_text(size)
    _write_if_there(memory / "memory.memsw.limit_in_bytes", size)  # no way round it by swap
    (bases["pids"] / name / "pids.max").write_text(str(limits.processes))
    if "cpu" in bases:
        (bases["cpu"] / name / "cpu.shares").write_text(str(CPU_SHARES))


def _write_if_there(path: Path, value: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.write_text(value)


@functools.cache
def locate() -> Hierarchy | str:
    """Where this process can make check groups, or why it cannot (said once, then kept)."""
    if not Path("/proc/self/cgroup").exists():
        return "no control groups on this system"
    if os.geteuid() != 0:
        return "control groups need the grader to run as root"
    mounts = _mounts()
    own = _own_groups()
    reasons = []
    for find in (_v2, _v1):
        found = find(mounts, own)
        if isinstance(found, Hierarchy):
            return found
        reasons.append(found)
    return "; ".join(reasons)


def _mounts() -> list[tuple[str, str, set[str]]]:
    """Each cgroup mount: its type, where it is mounted, and its options."""
    found = []
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) >= 4 and parts[2] in ("cgroup", "cgroup2"):
                found.append((parts[2], parts[1], set(parts[3].split(","))))
    return found


def _own_groups() -> dict[str, str]:
    """The group this process is in, by controller ("" for the v2 hierarchy)."""
    own = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            own[controller] = path
    return own


def _v2(mounts: list[tuple[str, str, set[str]]], own: dict[str, str]) -> Hierarchy | str:
    where = next((point for kind, point, _ in mounts if kind == "cgroup2"), None)
    if where is None or "" not in own:
        return "cgroup v2 is not mounted"
    root = Path(where)
    # Under the grader's own group where it hands controllers on; else beside it, at the
    # root (a systemd session's group has processes of its own, so it hands nothing on).
    for home in dict.fromkeys((root / own[""].lstrip("/"), root)):
        base = _v2_base(home)
        if base is not None:
            return Hierarchy(Version.V2, dict.fromkeys(("memory", "pids", "cpu"), base))
    return "cgroup v2 does not hand the memory and pids controllers to the grader"


def _v2_base(home: Path) -> Path | None:
    """`home`/grader, with the memory, pids (and cpu) controllers for the groups in it."""
    try:
        available = set((home / "cgroup.controllers").read_text().split())
        if not {"memory", "pids"} <= available:
            return None
        base = home / PARENT
        for folder in (home, base):
            folder.mkdir(exist_ok=True)
            enabled = set((folder / "cgroup.subtree_control").read_text().split())
            for controller in ("memory", "pids", "cpu"):
                if controller in available and controller not in enabled:
                    try:
                        (folder / "cgroup.subtree_control").write_text(f"+{controller}")
                    except OSError:
                        if controller != "cpu":  # a CPU share is a nicety; the rest is not
                            raise
    except OSError:
        return None
    return base


def _v1(mounts: list[tuple[str, str, set[str]]], own: dict[str, str]) -> Hierarchy | str:
    bases = {}
    # cpu and cpuacct are niceties (a share; the CPU time the load measure discounts).
    for controller in ("memory", "pids", "cpu", "cpuacct"):
        points = (point for kind, point, opts in mounts if kind == "cgroup" and controller in opts)
        where = next(points, None)
        if where is None:
            continue
        home = Path(where) / own.get(controller, "/").lstrip("/")
        if not home.is_dir():
            home = Path(where)  # a namespace whose root is this process's own group
        base = home / PARENT
        try:
            base.mkdir(exist_ok=True)
        except OSError:
            continue
        bases[controller] = base
    if not {"memory", "pids"} <= set(bases):
        return "cgroup v1 has no memory and pids hierarchies the grader may use"
    return Hierarchy(Version.V1, bases)


def _rmdir(folder: Path) -> bool:
    try:
        folder.rmdir()
    except FileNotFoundError:
        return True
    except OSError as error:
        return error.errno not in (errno.EBUSY, errno.ENOTEMPTY)
    return True


def _sweep() -> None:
    """Remove groups left behind: this process's that emptied since, and dead graders'."""
    with _lock:
        left, _leftover[:] = list(_leftover), []
    for folder in left:
        if not _rmdir(folder):
            with _lock:
                _leftover.append(folder)
    if not _swept.acquire(blocking=False):
        return  # once per process: another grader that died left its groups here
    where = locate()
    if isinstance(where, Hierarchy):
        for base in where.folders():
            for folder in base.iterdir() if base.is_dir() else ():
                owner = folder.name.partition("-")[0]
                if folder.is_dir() and owner.isdigit() and not _alive(int(owner)):
                    _rmdir(folder)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_leftovers() -> None:
    with _lock:
        left = list(_leftover)
    for folder in left:
        _rmdir(folder)


_names = itertools.count(1)
_lock = threading.Lock()
_swept = threading.Lock()
_leftover: list[Path] = []
atexit.register(_remove_leftovers)
