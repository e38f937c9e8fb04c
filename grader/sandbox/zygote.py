"""The zygote: one prepared interpreter, inside the isolation, that forks a fresh child per check.

Started by `grader.sandbox.forkserver` (under bubblewrap for the namespaces
backend), it imports the child-side modules and the packages an exercise
needs once, then serves requests on its control socket: `Op.SPAWN` forks a
new child (`grader.sandbox.boot`) with the pipes that came along, `Op.KILL`
ends one with everything it started and answers `Op.GONE` when nothing of it
is left. A child whose keeper ends on its own is announced with `Op.ENDED`.

The zygote never runs submission code. It adopts every orphan of a child
that has no namespace of its own (it is a subreaper) and kills each one it
finds that is not a child's keeper; with namespaces, a check's processes
all die with its keeper (PID 1 of their namespace).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import traceback
from dataclasses import dataclass, replace

from grader.sandbox import boot, wire
from grader.sandbox.isolation import Backend
from grader.sandbox.wire import Op

#: How often a kill in progress looks again for orphans that reached the zygote.
_POLL = 0.005


@dataclass
class Child:
    """One check's child, by its keeper."""

    id: int
    pid: int
    uid: int | None
    folder: str = ""
    status: int | None = None  # the keeper's exit status, once reaped
    killing: bool = False


class Zygote:
    """Serves spawn and kill requests on the control socket until the grader hangs up."""

    def __init__(self, setup: boot.Setup, control: socket.socket, parent: int = 0) -> None:
        self.setup = setup
        self.control = control
        self.parent = parent  # the grader, watched where no parent-death signal exists
        self.children: dict[int, Child] = {}
        self.keepers: dict[int, Child] = {}
        self.wakeup_r, self.wakeup_w = os.pipe()

    def run(self) -> None:
        boot.prctl(boot.PR_SET_CHILD_SUBREAPER, 1)
        os.set_blocking(self.wakeup_w, False)
        signal.set_wakeup_fd(self.wakeup_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        missing = preload(self.setup.preload)
        wire.send(self.control, {"op": Op.HELLO, "pid": os.getpid(), "missing": missing})
        linux = sys.platform.startswith("linux")
        while True:
            timeout = _POLL if any(c.killing for c in self.children.values()) else None
            if timeout is None and not linux and self.parent:
                timeout = 1.0  # a datagram socket says nothing when its peer goes
            waiting: list[socket.socket | int] = [self.control, self.wakeup_r]
            ready, _, _ = select.select(waiting, [], [], timeout)
            if not linux and self.parent and os.getppid() != self.parent:
                self.shutdown()
                return
            if self.wakeup_r in ready:
                with contextlib.suppress(BlockingIOError):
                    os.read(self.wakeup_r, 4096)
            if self.control in ready:
                message, fds = wire.receive(self.control)
                if message is None:
                    self.shutdown()
                    return
                self.handle(message, fds)
            self.reap()

    def handle(self, message: dict[str, object], fds: list[int]) -> None:
        op = message.get("op")
        if op == Op.SPAWN:
            self.spawn(boot.Order.from_json(dict(message)), fds)
        elif op == Op.KILL:
            for fd in fds:
                os.close(fd)
            child = self.children.get(int(str(message["id"])))
            if child is not None:
                self.kill(child)
            else:  # gone already, or never started: nothing of it is left
                wire.send(self.control, {"op": Op.GONE, "id": message["id"]})
        else:
            for fd in fds:
                os.close(fd)

    def spawn(self, order: boot.Order, fds: list[int]) -> None:
        folder = ""
        try:
            if self.setup.backend is not Backend.NAMESPACES:
                folder = tempfile.mkdtemp(prefix=f"check-{order.id}-", dir=self.setup.workdir)
                os.chmod(folder, 0o711)
                order = replace(order, folder=folder)
            report_r, report_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                try:
                    boot.begin(self.setup, order, fds, report_w)
                finally:
                    os._exit(1)
            os.close(report_w)
            answer = wire.read_all(report_r).decode(errors="replace")
            os.close(report_r)
            if self.setup.backend is Backend.NAMESPACES or not answer.isdigit():
                os.waitpid(pid, 0)  # the fork that entered the namespaces, or one that failed
        finally:
            for fd in fds:
                os.close(fd)
        if not answer.isdigit():
            if folder:
                shutil.rmtree(folder, ignore_errors=True)
            reason = answer.removeprefix("error: ") or "the child's first fork failed"
            wire.send(self.control, {"op": Op.FAILED, "id": order.id, "reason": reason})
            return
        child = Child(order.id, int(answer), order.uid, folder)
        self.children[child.id] = child
        self.keepers[child.pid] = child
        wire.send(self.control, {"op": Op.SPAWNED, "id": child.id, "pid": child.pid})

    def kill(self, child: Child) -> None:
        child.killing = True
        if child.status is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                if self.setup.backend is not Backend.NAMESPACES:
                    os.killpg(child.pid, signal.SIGKILL)  # the keeper's group: the server too
                os.kill(child.pid, signal.SIGKILL)  # PID 1 of the check: the kernel does the rest

    def reap(self) -> None:
        """Reap what ended, kill orphans, and answer kills that are complete."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            child = self.keepers.pop(pid, None)
            if child is not None:
                child.status = os.waitstatus_to_exitcode(status)
                if not child.killing:
                    wire.send(self.control, {"op": Op.ENDED, "id": child.id, "code": child.status})
        orphans = [pid for pid in _children() if pid not in self.keepers]
        for pid in orphans:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        for child in [c for c in self.children.values() if c.killing and c.status is not None]:
            # With namespaces the kernel ended the check with its keeper; without, its
            # orphans come here, and as root, anything still running as its uid is its.
            alone = self.setup.backend is not Backend.NAMESPACES
            if orphans or (alone and child.uid is not None and _kill_uid(child.uid)):
                continue  # not gone until nothing of it is left
            if child.folder:
                shutil.rmtree(child.folder, ignore_errors=True)
            del self.children[child.id]
            wire.send(self.control, {"op": Op.GONE, "id": child.id})

    def shutdown(self) -> None:
        """The grader has gone: end every child, then the zygote itself."""
        for child in list(self.children.values()):
            self.kill(child)
        for _ in range(400):
            self.reap_quietly()
            if not self.children:
                break
            select.select([], [], [], _POLL)
        os._exit(0)

    def reap_quietly(self) -> None:
        with contextlib.suppress(OSError):
            self.reap()


def preload(modules: tuple[str, ...]) -> list[str]:
    """Import what every child would import anyway; the names that could not be imported."""
    missing = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:
            missing.append(name)
    return missing


def _children() -> list[int]:
    """This process's live children, from /proc."""
    found: list[int] = []
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/children", encoding="ascii") as listing:
                found += [int(pid) for pid in listing.read().split()]
        except OSError:
            continue
    return found


def _kill_uid(uid: int) -> bool:
    """SIGKILL every process running as `uid` (a child's own, as root); whether any was found."""
    found = False
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            if fields["State"].split()[0] == "Z" or int(fields["Uid"].split()[0]) != uid:
                continue  # a zombie is dead already: its parent reaps it
            found = True
            os.kill(int(entry), signal.SIGKILL)
        except (OSError, ValueError, IndexError, KeyError):
            continue
    return found


def main() -> None:
    """Entry point: `python -I -S -B -c ... '<setup as JSON>' <control fd> <parent pid> <root>`.

    The program given to -c (`forkserver._BOOT`) puts `<root>`, the folder that
    holds the `grader` package, on sys.path before it imports this module.
    """
    try:
        setup = boot.Setup.from_json(json.loads(sys.argv[1]))
        control = socket.socket(fileno=int(sys.argv[2]))
        parent = int(sys.argv[3])
        if parent and sys.platform.startswith("linux"):
            boot.prctl(boot.PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != parent:  # the grader died before the line above
                os._exit(2)
        for path in reversed(setup.paths):
            if path not in sys.path:
                sys.path.insert(0, path)
        if setup.workdir:
            os.makedirs(setup.workdir, mode=0o711, exist_ok=True)
    except Exception:
        traceback.print_exc()
        os._exit(2)
    Zygote(setup, control, parent).run()
