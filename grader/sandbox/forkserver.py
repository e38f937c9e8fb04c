"""The trusted side of a zygote: start it inside the isolation, ask it for children.

One `ForkServer` per grading (and per worker process that grades): it starts
a zygote (`grader.sandbox.zygote`) under the chosen backend, and then every
check's child is a fork of it, which costs a fork, not a new interpreter.
Requests and answers are datagrams on a Unix socket pair, with the child's
pipes passed along as file descriptors. A reader thread routes the answers,
so a fork server serves any event loop, and threads too.

If the zygote dies (it should not: no submission can reach it under
isolation), everything waiting on it fails with `SandboxFailed`, and the next
request starts a new one.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import itertools
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from grader.sandbox import boot, wire
from grader.sandbox.faults import SandboxFailed
from grader.sandbox.isolation import Backend, Isolation
from grader.sandbox.isolation import view as views
from grader.sandbox.observation import filter as observation_filter
from grader.sandbox.wire import Op

_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[4]); from grader.sandbox import zygote; zygote.main()"
)
#: Modules every child needs, the child-side ones of the grader first; the zygote imports them
#: once, with the packages an exercise needs.
_PRELOAD = (
    "grader.sandbox.server", "grader.sandbox.isolation.identity",
    "grader.sandbox.isolation.landlock", "grader.sandbox.isolation.seccomp",
    "asyncio", "concurrent.futures", "json", "selectors", "socket", "threading",
)  # fmt: skip
#: ...and with namespaces, what each check's first fork and keeper use to enter and furnish them.
_PRELOAD_NAMESPACES = ("grader.sandbox.isolation.namespaces",)


class ForkServer:
    """Starts children for checks, each a fresh fork of one prepared, isolated interpreter."""

    def __init__(
        self,
        isolation: Isolation,
        packages: tuple[str, ...] = (),
        *,
        diagnose: bool = True,
        observe: bool = True,
    ) -> None:
        self.isolation = isolation
        self.packages = tuple(packages)
        self.diagnose = diagnose
        #: Whether children are observed from outside (off only to measure what that costs).
        self.observe = observe and not observation_filter.unavailable()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._workdir = ""
        self._stderr = bytearray()
        self._spawns: dict[int, Future[int]] = {}
        self._kills: dict[int, Future[None]] = {}
        self._watchers: dict[int, Callable[[int | None], None]] = {}
        self._hello: Future[dict[str, Any]] = Future()
        self._closed = False
        _running.add(self)

    # -- requests ---------------------------------------------------------------

    def spawn(
        self, order: boot.Order, fds: list[int], ended: Callable[[int | None], None]
    ) -> Future[int]:
        """Ask for a child; the future gets its keeper's pid (as the zygote sees it).

        `fds` go along with the request (the caller closes its copies after
        this returns); `ended` is called, from another thread, with the
        keeper's exit status if the child ends before it is killed (None if
        the zygote itself went).
        """
        with self._lock:
            control = self._ensure()
            future: Future[int] = Future()
            self._spawns[order.id] = future
            self._watchers[order.id] = ended
            try:
                wire.send(control, order.to_json(), fds)
            except OSError as error:
                self._spawns.pop(order.id, None)
                self._watchers.pop(order.id, None)
                raise SandboxFailed(f"the sandbox is not answering: {error}") from None
            return future

    def kill(self, child_id: int) -> Future[None]:
        """End a child and everything it started; the future is done when none of it is left."""
        with self._lock:
            if child_id in self._kills:
                return self._kills[child_id]
            future: Future[None] = Future()
            self._kills[child_id] = future
            self._watchers.pop(child_id, None)
            if child_id in self._spawns:
                return future  # its answer comes first: SPAWNED sends the kill, FAILED ends it
            if self._control is None:
                future.set_result(None)  # no zygote: its children went with it
                return future
            try:
                wire.send(self._control, {"op": Op.KILL, "id": child_id})
            except OSError:
                future.set_result(None)
            return future

    def settle(self, timeout: float = 30.0) -> bool:
        """Wait until every child asked to end is gone; whether all were, within `timeout`."""
        with self._lock:
            waiting = [future for future in self._kills.values() if not future.done()]
        _, left = concurrent.futures.wait(waiting, timeout=timeout)
        with self._lock:
            for child_id in [c for c, f in self._kills.items() if f.done()]:
                del self._kills[child_id]
        return not left

    def release(self, child_id: int) -> None:
        """Forget a child that is gone (its kill's answer is no longer needed)."""
        with self._lock:
            future = self._kills.get(child_id)
            if future is not None and future.done():
                del self._kills[child_id]

    def warm(self) -> None:
        """Start the zygote now, so that it is ready by the first check."""
        with self._lock:
            self._ensure()

    @property
    def pid(self) -> int:
        """The process the grader started: the zygote, or the bubblewrap around it (0: none)."""
        process = self._process
        return process.pid if process is not None else 0

    def next_id(self) -> int:
        return next(self._ids)

    @property
    def zygote(self) -> dict[str, Any]:
        """What the zygote said when it came up: its pid, modules it could not import."""
        return self._hello.result(timeout=60)

    def close(self, *, wait: bool = True) -> None:
        """End the zygote and every child; with `wait`, until its process is gone."""
        with self._lock:
            self._closed = True
            process, control = self._process, self._control
            self._process = self._control = None
        if control is not None:
            with contextlib.suppress(OSError):
                control.shutdown(socket.SHUT_RDWR)
            control.close()
        if process is not None and wait:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._workdir:
            shutil.rmtree(self._workdir, ignore_errors=True)

    # -- the zygote -------------------------------------------------------------

    def _ensure(self) -> socket.socket:
        """The control socket of a running zygote, starting one if need be (lock held)."""
        if self._closed:
            raise SandboxFailed("the sandbox was closed")
        if self._control is not None:
            return self._control
        view = views.build(self.packages)
        setup = self._setup(view)
        ours, theirs = wire.socketpair()
        root_path = str(os.path.dirname(view.grader))
        program = [
            view.python, "-I", "-S", "-B", "-c", _BOOT, json.dumps(setup.to_json()),
            # bwrap's --die-with-parent ends a namespaced zygote; any other watches its parent.
            str(theirs.fileno()),
            "0" if self.isolation.backend is Backend.NAMESPACES else str(os.getpid()),
            views.LIB if self.isolation.backend is Backend.NAMESPACES else root_path,
        ]  # fmt: skip
        if self.isolation.backend is Backend.NAMESPACES:
            from grader.sandbox.isolation import namespaces

            command = namespaces.command(view, program, root=os.geteuid() == 0)
        else:
            command = program
        try:
            self._process = subprocess.Popen(
                command, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd="/",
                env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, start_new_session=True,
            )  # fmt: skip
        except OSError as error:
            ours.close()
            raise SandboxFailed(f"the sandbox could not be started: {error}") from None
        finally:
            theirs.close()
        self._control = ours
        self._hello = Future()
        threading.Thread(target=self._read, args=(ours, self._process), daemon=True).start()
        threading.Thread(target=self._drain, args=(self._process,), daemon=True).start()
        return ours

    def _setup(self, view: views.View) -> boot.Setup:
        from grader.sandbox.isolation import seccomp

        backend = self.isolation.backend
        preload = (
            *_PRELOAD, *(_PRELOAD_NAMESPACES if backend is Backend.NAMESPACES else ()),
            *(name.replace("-", "_") for name in self.packages),
        )  # fmt: skip
        program = b""
        if backend is not Backend.NONE and not seccomp.unavailable():
            profile = seccomp.Profile(backend.value)
            program = seccomp.compile_filter(profile)
        observer = observation_filter.compile_program() if self.observe else b""
        if backend is Backend.NAMESPACES:
            return boot.Setup(
                backend, program, paths=(views.LIB, views.SITE), preload=preload,
                diagnose=self.diagnose, observe=observer,
            )  # fmt: skip
        if not self._workdir:
            self._workdir = tempfile.mkdtemp(prefix="grader-children-")
            os.chmod(self._workdir, 0o711)
        root = str(os.path.dirname(view.grader))
        entries = tuple(view.packages.values())
        return boot.Setup(
            backend, program, paths=(root, *view.package_dirs), private=(root,),
            read=(*view.system, *entries), listed=tuple(view.package_dirs),
            workdir=self._workdir, preload=preload, diagnose=self.diagnose, observe=observer,
        )  # fmt: skip

    def _read(self, control: socket.socket, process: subprocess.Popen[bytes]) -> None:
        """Route the zygote's answers until it goes; then fail whatever still waits on it."""
        with contextlib.suppress(OSError, ValueError):
            self._route(control)
        self._gone(control, process)

    def _route(self, control: socket.socket) -> None:
        """Hand each of the zygote's answers to `_on`, until its socket closes."""
        while True:
            message, fds = wire.receive(control)
            for fd in fds:
                os.close(fd)
            if message is None:
                return
            # One answer it cannot read must not stop it reading the next ones.
            with contextlib.suppress(KeyError, TypeError, ValueError):
                self._on(message)

    def _gone(self, control: socket.socket, process: subprocess.Popen[bytes]) -> None:
        """The zygote ended: fail every start, and count every kill as done."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        tail = bytes(self._stderr[-2000:]).decode(errors="replace").strip()
        reason = "the sandbox's zygote ended"
        if tail:
            reason += f": {tail.splitlines()[-1]}"
        with self._lock:
            if self._control is control:
                self._control = None
                self._process = None
            spawns, self._spawns = self._spawns, {}
            kills = [f for f in self._kills.values() if not f.done()]
            watchers, self._watchers = self._watchers, {}
        if not self._hello.done():
            self._hello.set_exception(SandboxFailed(reason))
        for future in spawns.values():
            if not future.done():
                future.set_exception(SandboxFailed(reason))
        for done in kills:
            if not done.done():
                done.set_result(None)  # every child died with the zygote
        for watcher in watchers.values():
            watcher(None)

    def _on(self, message: dict[str, Any]) -> None:
        """One answer of the zygote (on the reader thread); futures are settled outside the lock."""
        op = message["op"]
        if op == Op.HELLO:
            if not self._hello.done():
                self._hello.set_result(message)
            return
        child_id = int(message["id"])
        if op == Op.SPAWNED:
            self._on_spawned(child_id, int(message["pid"]))
        elif op == Op.FAILED:
            self._on_failed(child_id, str(message.get("reason", "no reason given")))
        elif op == Op.ENDED:
            with self._lock:
                watcher = self._watchers.pop(child_id, None)
            if watcher is not None:
                watcher(int(message["code"]))
        elif op == Op.GONE:
            with self._lock:
                gone = self._kills.get(child_id)  # kept: a second kill asks for the same
            if gone is not None and not gone.done():
                gone.set_result(None)

    def _on_spawned(self, child_id: int, pid: int) -> None:
        with self._lock:
            spawned = self._spawns.pop(child_id, None)
            if child_id in self._kills and self._control is not None:
                # Killed while it was being started: now the zygote can do it.
                with contextlib.suppress(OSError):
                    wire.send(self._control, {"op": Op.KILL, "id": child_id})
        if spawned is not None and not spawned.done():  # a start that was given up is done
            spawned.set_result(pid)

    def _on_failed(self, child_id: int, reason: str) -> None:
        with self._lock:
            failed = self._spawns.pop(child_id, None)
            self._watchers.pop(child_id, None)
            pending = self._kills.pop(child_id, None)
        if failed is not None and not failed.done():
            failed.set_exception(SandboxFailed(f"the sandbox could not start a child: {reason}"))
        if pending is not None and not pending.done():
            pending.set_result(None)  # nothing of it ever ran

    def _drain(self, process: subprocess.Popen[bytes]) -> None:
        """Keep the last of what the zygote wrote to stderr, to say why it died."""
        stream = process.stderr
        assert stream is not None
        for chunk in iter(lambda: os.read(stream.fileno(), 4096), b""):
            self._stderr += chunk
            del self._stderr[:-8192]


_running: weakref.WeakSet[ForkServer] = weakref.WeakSet()
_shared: dict[tuple[Backend, tuple[str, ...], bool, bool], ForkServer] = {}
_shared_lock = threading.Lock()


def shared(
    isolation: Isolation,
    packages: tuple[str, ...] = (),
    *,
    diagnose: bool = True,
    observe: bool = True,
) -> ForkServer:
    """This process's fork server for that isolation and those packages, closed at exit.

    One zygote then serves every grading the process runs (the command line,
    a batch's worker), each check still getting a fresh child of it.
    """
    key = (isolation.backend, tuple(packages), diagnose, observe)
    with _shared_lock:
        server = _shared.get(key)
        if server is None or server._closed:
            server = _shared[key] = ForkServer(
                isolation, packages, diagnose=diagnose, observe=observe
            )
        return server


def running() -> list[ForkServer]:
    """The fork servers of this process whose zygote is up."""
    return [server for server in list(_running) if server.pid]


@atexit.register
def _close_shared() -> None:
    # Every child is gone by now (each session settles them); the zygote ends on its own.
    for server in list(_shared.values()):
        server.close(wait=False)
