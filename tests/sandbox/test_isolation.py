"""Conformance: a hostile submission against every isolation backend this machine offers.

For each backend, a child running tests/data/hostile/probe.py tries every attack
the grader must stop: read and change the course (a hidden check, a
solution, the grader's source), a classmate's file and a report; see other
processes; signal the grader, a stand-in for the batch parent and another
student's child; reach the host's listeners on 127.0.0.1 and on the
machine's other address; outlive the check; fill its scratch folder past its
limit; hold a capability or open an escape hatch of the kernel.

Each attack must fail, and change nothing, unless the backend documents that
it does not protect against it (`Isolation.missing`): then the attack must
succeed, so that what the backend says of itself is checked too.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest

from grader.checks.submission import Submission
from grader.sandbox import Limits, isolation
from grader.sandbox.forkserver import ForkServer
from grader.sandbox.isolation import Backend, Isolation, Protection, landlock
from tests.sandbox.backends import OFFERED, judge, system_python_fits
from tests.support import (
    DATA,
    EXERCISES,
    REPO,
    SOLUTIONS,
    describe,
    happens,
    left_behind,
    leftovers,
)

PROBE = DATA / "hostile" / "probe.py"
LIMITS = Limits(call_timeout=20, import_timeout=20, scratch_mb=8)


@pytest.fixture(params=OFFERED, ids=[str(found.backend) for found, _ in OFFERED])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Isolation]:
    found, environment = request.param
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    yield found


@pytest.fixture
async def attacker(backend: Isolation) -> AsyncIterator[Submission]:
    server = ForkServer(backend)
    student = Submission(PROBE, LIMITS, server)
    try:
        yield student
    finally:
        await student.close()
        server.close()


@dataclass
class Course:
    """Copies of what a batch has on disk, next to the real course and grader."""

    hidden_check: Path
    solution: Path
    grader_source: Path
    classmate: Path
    report: Path
    class_dir: Path
    course_dir: Path


@pytest.fixture
def course(tmp_path: Path) -> Course:
    course_dir = tmp_path / "course"
    shutil.copytree(EXERCISES / "count-async", course_dir / "count-async")
    class_dir = tmp_path / "class" / "bob"
    class_dir.mkdir(parents=True)
    classmate = class_dir / "count-async.py"
    shutil.copyfile(SOLUTIONS / "count-async.py", classmate)
    report = tmp_path / "out" / "bob" / "count-async.json"
    report.parent.mkdir(parents=True)
    report.write_text('{"score": 10}')
    for folder in (tmp_path, course_dir, class_dir.parent, class_dir, report.parent.parent):
        folder.chmod(0o755)  # nothing but the isolation stands in the way
    return Course(
        hidden_check=EXERCISES / "count-async" / "checks" / "test_hidden.py",
        solution=SOLUTIONS / "count-async.py",
        grader_source=REPO / "grader" / "checks" / "timing.py",
        classmate=classmate,
        report=report,
        class_dir=class_dir,
        course_dir=course_dir / "count-async" / "checks",
    )


def fingerprint(paths: list[Path]) -> dict[Path, str]:
    return {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths}


async def test_reading_the_course_the_class_and_the_outputs_fails(
    backend: Isolation, attacker: Submission, course: Course
) -> None:
    targets = [course.hidden_check, course.solution, course.grader_source, course.classmate,
               course.report]  # fmt: skip
    for target in targets:
        result = await attacker.read(str(target))
        got = result.get("got", "")
        if got:
            assert target.read_text(errors="replace").startswith(got[:50])
        judge(backend, Protection.READ, stopped="error" in result, what=f"read {target}")


async def test_writing_outside_the_scratch_folder_fails_and_changes_nothing(
    backend: Isolation, attacker: Submission, course: Course
) -> None:
    real = [course.hidden_check, course.solution, course.grader_source]
    copies = [course.classmate, course.report]
    before = fingerprint(real + copies)
    for target in real:  # opened for writing, never written: the repository stays whole
        result = await attacker.probe_write(str(target))
        judge(backend, Protection.WRITE, stopped="error" in result, what=f"write {target}")
    for target in copies:
        result = await attacker.overwrite(str(target))
        judge(backend, Protection.WRITE, stopped="error" in result, what=f"overwrite {target}")
    for folder in (course.course_dir, course.class_dir):
        result = await attacker.create(str(folder))
        judge(backend, Protection.WRITE, stopped="error" in result, what=f"write into {folder}")
    assert fingerprint(real) == {p: before[p] for p in real}
    if Protection.WRITE not in backend.missing:
        assert fingerprint(copies) == {p: before[p] for p in copies}
        assert not (course.course_dir / "planted.py").exists()
        assert not (course.class_dir / "planted.py").exists()


async def test_no_other_process_is_visible(backend: Isolation, attacker: Submission) -> None:
    result = await attacker.processes()
    seen: dict[str, str] = result.get("got", {})
    foreign = [cmd for cmd in seen.values() if "pytest" in cmd or "bwrap" in cmd]
    stopped = "error" in result or (not foreign and len(seen) <= 3)
    judge(backend, Protection.PROCESSES, stopped=stopped, what=f"see {len(seen)} processes")


def _server_pid(student: Submission) -> int:
    """The host pid of the process that serves `student`'s calls (its keeper's only child)."""
    table: dict[int, tuple[int, bytes]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    parent = int(stat.read().rsplit(b")", 1)[1].split()[1])
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    table[int(entry)] = (parent, cmdline.read())
            except OSError:
                continue
    mark = b"from grader.sandbox import zygote"
    todo = [student.forkserver.pid]
    zygote = 0
    while todo and not zygote:
        pid = todo.pop()
        if mark in table.get(pid, (0, b""))[1]:
            zygote = pid
        todo += [p for p, (parent, _) in table.items() if parent == pid]
    keepers = [p for p, (parent, _) in table.items() if parent == zygote]
    servers = [p for p, (parent, _) in table.items() if parent in keepers]
    assert len(servers) == 1, (zygote, keepers, servers)
    return servers[0]


async def test_signals_reach_no_process_outside(
    backend: Isolation, attacker: Submission, tmp_path: Path
) -> None:
    received: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda number, _: received.append(number))
    mark = tmp_path / "signalled"
    stand_in = subprocess.Popen(  # the batch's parent process, in miniature
        [sys.executable, "-c",
         "import signal, sys, time, pathlib\n"
         f"signal.signal(signal.SIGUSR1, lambda *_: pathlib.Path({str(mark)!r}).write_text('x'))\n"
         "print('ready', flush=True)\ntime.sleep(120)\n"],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    victim_server = ForkServer(backend.__class__(backend.backend, backend.missing))
    victim = Submission(PROBE, LIMITS, victim_server)
    try:
        assert stand_in.stdout is not None and stand_in.stdout.readline() == b"ready\n"
        assert await victim.answer() == "still here"
        victim_child = victim._sandbox
        target = _server_pid(victim)
        outcomes = [
            await attacker.send_signal(os.getpid(), int(signal.SIGUSR1)),
            await attacker.send_signal(stand_in.pid, int(signal.SIGUSR1)),
            await attacker.send_signal(target, int(signal.SIGKILL)),
        ]

        def all_landed() -> bool:
            victim_ended = victim_child is None or victim_child.fault is not None
            return bool(received) and mark.exists() and victim_ended

        # Signals that are not stopped land, and the test goes on once all three did; under
        # a backend that stops them, this is the time they are given to land anyway.
        await happens(all_landed, within=10.0 if Protection.SIGNALS in backend.missing else 0.3)
        trusted_hit = bool(received)
        parent_hit = mark.exists()
        victim_hit = victim_child is None or victim_child.fault is not None
        if not victim_hit:
            victim_hit = (
                await victim.answer() != "still here" or victim._sandbox is not victim_child
            )
        sent = [o for o in outcomes if "got" in o]
        for what, hit in (("the grader", trusted_hit), ("the batch's parent", parent_hit),
                          ("another student's child", victim_hit)):  # fmt: skip
            judge(backend, Protection.SIGNALS, stopped=not hit, what=f"signal {what}")
        if Protection.SIGNALS not in backend.missing:
            assert not sent, outcomes
    finally:
        signal.signal(signal.SIGUSR1, previous)
        stand_in.kill()
        stand_in.wait()
        await victim.close()
        victim_server.close()


def _other_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.255", 9))  # no packet is sent: this only picks a route
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") else address


async def test_no_route_to_the_host_or_beyond(backend: Isolation, attacker: Submission) -> None:
    addresses = ["127.0.0.1"]
    other = _other_address()
    if other is not None:
        addresses.append(other)
    open_network = Protection.NETWORK in backend.missing  # then a connection must arrive
    for address in addresses:
        for how in CONNECTS:
            with socket.socket() as listener:
                listener.bind((address, 0))
                listener.listen()
                listener.setblocking(False)
                tried = await attacker.connect(address, listener.getsockname()[1], how)
                accepted = await _accepted(listener, within=1.0 if open_network else 0.1)
            judge(backend, Protection.NETWORK, stopped=not accepted,
                  what=f"connect to {address} by {how} ({tried})")  # fmt: skip
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((address, 0))
            udp.setblocking(False)
            datagram = await attacker.send_datagram(address, udp.getsockname()[1])
            arrived = await happens(partial(_received, udp), within=10.0 if open_network else 0.1)
        judge(backend, Protection.NETWORK, stopped=not arrived,
              what=f"send a datagram to {address} ({datagram})")  # fmt: skip


def _received(udp: socket.socket) -> bool:
    """Whether a datagram is waiting on `udp` (it is read, so that it is counted once)."""
    try:
        udp.recv(100)
    except BlockingIOError:
        return False
    return True


async def _accepted(listener: socket.socket, *, within: float) -> bool:
    """Whether a connection reached `listener` (a fast-open one may land after its call)."""
    for _ in range(max(1, round(within / 0.05))):
        await asyncio.sleep(0.05)
        try:
            listener.accept()[0].close()
            return True
        except BlockingIOError:
            pass
    return False


#: The ways a child may try to connect: plain TCP, and two that a TCP-only rule could miss.
CONNECTS = ("tcp", "mptcp", "fastopen")


async def test_no_system_v_ipc_object_outlives_the_check(
    backend: Isolation, attacker: Submission
) -> None:
    """Message queues, semaphores and shared memory would be a channel to the next student."""
    key = random.randrange(0x10000, 0x7FFFFFFF)
    made = await attacker.sysv_ipc(key)
    await attacker.close()
    left = {kind: _sysv_ipc_ids(kind, key) for kind in ("msg", "sem", "shm")}
    for kind, ids in left.items():
        flag = {"msg": "-q", "sem": "-s", "shm": "-m"}[kind]
        for found in ids:
            subprocess.run(["ipcrm", flag, str(found)], check=False, capture_output=True)
    judge(backend, Protection.PROCESSES, stopped=not any(left.values()),
          what=f"leave System V IPC objects on the host ({made}, left {left})")  # fmt: skip


def _sysv_ipc_ids(kind: str, key: int) -> list[int]:
    """The ids of the host's System V objects of `kind` (msg, sem, shm) under `key`."""
    try:
        rows = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]
    except OSError:
        return []
    return [int(row.split()[1]) for row in rows if int(row.split()[0]) == key]


async def test_nothing_outlives_the_check(attacker: Submission) -> None:
    assert "left" in (await attacker.outlive(120))["got"]
    assert leftovers(), "the escaped process should be running until the check ends"
    await attacker.close()
    await asyncio.sleep(0)
    assert left_behind() == []


async def test_the_scratch_folder_has_a_limit(backend: Isolation, attacker: Submission) -> None:
    limit = LIMITS.scratch_mb << 20
    result = await attacker.fill(limit, 8 << 20)
    wrote = f"write {result['written'] >> 20} MiB into a {LIMITS.scratch_mb} MiB scratch folder"
    judge(backend, Protection.SCRATCH, stopped=result["written"] <= limit, what=wrote)
    assert await attacker.answer() == "still here"  # the child carries on, told "disk full"


async def test_no_privileges_and_no_escape_hatches(
    backend: Isolation, attacker: Submission
) -> None:
    result = await attacker.privileges()
    status, hatches = result["status"], result["hatches"]
    capabilities = [status.get(k, "") for k in ("CapInh", "CapPrm", "CapEff", "CapAmb")]
    held = any(c.strip("0") for c in capabilities)
    opened = [name for name, answer in hatches.items() if answer == "allowed"]
    root = os.geteuid() == 0
    stopped = (
        not held
        and status.get("NoNewPrivs") == "1"
        and status.get("Seccomp") == "2"
        and not opened
        and (not root or status.get("Uid") != "0")
    )
    judge(backend, Protection.PRIVILEGES, stopped=stopped,
          what=f"keep privileges ({status}) or open {opened}")  # fmt: skip


def test_every_backend_of_this_machine_is_tested() -> None:
    """Namespaces and none are always expected here; Landlock where the kernel has it."""
    names = {str(found.backend) for found, _ in OFFERED}
    assert "none" in names
    if not isinstance(isolation.probe(Backend.NAMESPACES), str):
        assert "namespaces" in names
    if landlock.abi() >= 1 and system_python_fits():
        assert "landlock" in names


ATTACKERS = DATA / "hostile" / "attackers"


def _fingerprint_tree(folder: Path, *, content: bool = True) -> dict[str, str]:
    """Every file under `folder`: its hash (or size and mtime, for large trees)."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        if content:
            found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            stat = path.stat()
            found[str(path)] = f"{stat.st_size}:{stat.st_mtime_ns}"
    return found


#: The uids this test's batch gives its children (as root): no other test uses them.
BATCH_UIDS = range(1881000000, 1881001000)


def _sandbox_uid_processes(uids: range) -> list[int]:
    """Live processes running as one of `uids`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as status:
                    fields = dict(line.split(":", 1) for line in status if ":" in line)
            except OSError:
                continue
            if fields["State"].split()[0] != "Z" and int(fields["Uid"].split()[0]) in uids:
                found.append(int(entry))
    return found


def test_a_class_with_attackers_is_graded_right_and_nothing_else_changes(tmp_path: Path) -> None:
    """An honest student, a stub, and one attacker of each kind, batch-graded together."""
    best = isolation.best()
    if best.backend is Backend.NONE:
        pytest.skip("no isolation on this machine: nothing to defend the class with")
    course = tmp_path / "course"
    shutil.copytree(EXERCISES / "count-async", course / "exercises" / "count-async")
    shutil.copytree(SOLUTIONS, course / "solutions")
    exercises = course / "exercises"
    klass = tmp_path / "class"
    out = tmp_path / "out"
    sources = {
        "honest": SOLUTIONS / "count-async.py",
        "stub": EXERCISES / "count-async" / "stub.py",
        **{f"attacker-{p.stem}": p for p in sorted(ATTACKERS.glob("*.py"))},
    }
    for student, source in sources.items():
        (klass / student).mkdir(parents=True)
        shutil.copyfile(source, klass / student / "count-async.py")
    for folder in (tmp_path, course, klass, *klass.iterdir()):
        folder.chmod(0o755)  # only the isolation stands in the attackers' way
    packages = Path(sys.prefix)  # the installed packages (a virtual environment)
    before = {
        "course": _fingerprint_tree(course),
        "class": _fingerprint_tree(klass),
        "grader": _fingerprint_tree(REPO / "grader"),
        "packages": _fingerprint_tree(packages, content=False),
    }
    listeners = [socket.socket() for _ in range(2)]
    other = _other_address()
    for listener, address in zip(listeners, ["127.0.0.1", other or "127.0.0.1"], strict=True):
        listener.bind((address, 0))
        listener.listen()
        listener.setblocking(False)
    ports = ",".join(str(listener.getsockname()[1]) for listener in listeners)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "grader", "--exercises", str(exercises), "batch", "class",
             "--out", "out", "--workers", "4", "--quiet"],
            capture_output=True, text=True, timeout=600, cwd=tmp_path,
            env={**os.environ, "ATTACK_PORTS": ports,
                 "GRADER_SANDBOX_UIDS": f"{BATCH_UIDS[0]}-{BATCH_UIDS[-1]}"},
        )  # fmt: skip
        connected = 0
        for listener in listeners:
            try:
                listener.accept()[0].close()
                connected += 1
            except BlockingIOError:
                pass
    finally:
        for listener in listeners:
            listener.close()
    assert done.returncode == 0, done.stdout + done.stderr
    grades = {row.split(",")[0]: row.split(",")[1] for row in
              (out / "grades.csv").read_text().splitlines()[1:]}  # fmt: skip
    assert grades["honest"] == "10" and grades["stub"] == "0", grades
    attackers = {s: g for s, g in grades.items() if s.startswith("attacker-")}
    assert len(attackers) == len(list(ATTACKERS.glob("*.py")))
    assert all(float(g) < 10 for g in attackers.values()), attackers
    assert (out / "index.html").is_file(), "an attacker kept the class page from being written"
    report = (out / "honest" / "count-async.json").read_text()
    assert '"score": 10.0' in report and f'"isolation": "{best.backend}"' in report
    after = {
        "course": _fingerprint_tree(course),
        "class": _fingerprint_tree(klass),
        "grader": _fingerprint_tree(REPO / "grader"),
        "packages": _fingerprint_tree(packages, content=False),
    }
    for what in before:
        assert after[what] == before[what], f"the batch's attackers changed the {what}"
    assert connected == 0, "an attacker reached a listener of the host"
    walker = (out / "attacker-disk_walker" / "count-async.json").read_text()
    secret = (EXERCISES / "count-async" / "checks" / "test_hidden.py").read_text().splitlines()
    assert secret[0] not in walker, "a hidden check reached an attacker's feedback"
    left = leftovers()
    assert left == [], describe(left)
    if os.geteuid() == 0:
        assert _sandbox_uid_processes(BATCH_UIDS) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="children change uid only when the grader is root")
async def test_as_root_each_child_runs_as_one_of_the_sandbox_uids(
    backend: Isolation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADER_SANDBOX_UIDS", f"{BATCH_UIDS[0]}-{BATCH_UIDS[-1]}")
    server = ForkServer(backend)
    uids = set()
    try:
        for _ in range(3):
            student = Submission(PROBE, LIMITS, server)
            uids.add(int((await student.privileges())["status"]["Uid"]))
            await student.close()
    finally:
        server.close()
    if backend.backend is Backend.NONE:
        assert uids == {0}  # without isolation the child stays what the grader is
    else:
        assert uids <= set(BATCH_UIDS) and len(uids) > 1, uids  # one of them, drawn per child
