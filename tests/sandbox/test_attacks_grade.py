"""Hostile count-async submissions, graded as `grader grade` grades them, under every isolation.

Each file in tests/data/hostile/graded/ tries to earn points without the work, or
to reach a classmate's grade: forged frames on its own message pipe, clocks
slowed inside the child, threads hidden from the child's own views, a flood
of tiny messages, /proc and the file system searched for the course, signals,
ptrace and pidfds against its parents, every descriptor and folder filled.
Each is graded under every isolating backend this machine offers; a forgery
must earn nothing its honest twin does not, and a class graded beside the
attackers must come out as it would alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.sandbox import Limits
from grader.sandbox.codec import decode
from grader.sandbox.handle import MAX_CALLBACKS
from grader.sandbox.isolation import Isolation
from grader.sandbox.router import MAX_MESSAGES, Router
from tests.sandbox.backends import ISOLATING, use
from tests.support import (
    DATA,
    EXERCISES,
    REPO,
    SOLUTIONS,
    describe,
    earns_nothing_more,
    explain,
    grade_file,
    leftovers,
)

GRADED = DATA / "hostile" / "graded"

if not ISOLATING:
    pytest.skip("no isolating backend on this machine", allow_module_level=True)


@pytest.fixture(params=ISOLATING, ids=[str(found.backend) for found, _ in ISOLATING])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Isolation]:
    yield from use(request, monkeypatch)


@pytest.mark.parametrize(
    ("forged", "twin"),
    [("forged_frames", "sequential"), ("time_warp", "sequential"),
     ("hidden_threads", "threads_plain")],
)  # fmt: skip
def test_a_forgery_earns_nothing_its_honest_twin_does_not(
    backend: Isolation, forged: str, twin: str
) -> None:
    claimed = grade_file("count-async", GRADED / f"{forged}.py", isolation=backend, seed=7)
    honest = grade_file("count-async", GRADED / f"{twin}.py", isolation=backend, seed=7)
    assert claimed.score < 10, explain(claimed)
    assert earns_nothing_more(claimed, honest), (
        f"{forged}: {claimed.score}\n{explain(claimed)}\n{twin}: {honest.score}\n{explain(honest)}"
    )


def test_a_flood_of_tiny_messages_costs_the_grader_little(backend: Isolation) -> None:
    """60 MB of 15-byte messages: stopped by count, at a small cost to the grader's CPU.

    Before the cap by count and the framing in one split, one grading of this
    file cost the grader ~20 s of CPU (0.8 s for an honest file), stolen from
    the classmates graded on the same machine.
    """
    before = resource.getrusage(resource.RUSAGE_SELF)
    report = grade_file("count-async", GRADED / "message_flood.py", isolation=backend,
                        limits=Limits(call_timeout=20))  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_SELF)
    spent = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert report.score == 0
    assert all(f"more than {MAX_MESSAGES} messages" in c.message for c in report.checks), explain(
        report
    )
    assert spent < 8, f"the grader spent {spent:.1f} s of CPU on a flood of messages"


def test_a_flood_of_requests_costs_the_grader_little(backend: Isolation) -> None:
    """200 000 calls of `fetch` asked for at once: stopped at MAX_CALLBACKS, cheaply."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    report = grade_file("gather", GRADED / "gather_callback_flood.py", isolation=backend,
                        limits=Limits(call_timeout=20))  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_SELF)
    spent = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert report.score == 0
    assert all(f"more than {MAX_CALLBACKS} times" in c.message for c in report.checks), explain(
        report
    )
    assert spent < 6, f"the grader spent {spent:.1f} s of CPU on a flood of requests"


def test_the_router_reads_nothing_after_a_failure_and_frames_in_one_pass() -> None:
    failures: list[str] = []
    routed: list[str] = []
    router = Router({"hello": lambda message, at: routed.append("hello")},  # type: ignore[dict-item]
                    lambda fault: failures.append(str(fault)))  # fmt: skip
    router.on_bytes(b'{"op":"hello"}\n' * (MAX_MESSAGES + 10), 0.0)
    assert len(routed) == MAX_MESSAGES and len(failures) == 1, (len(routed), failures)
    router.on_bytes(b'{"op":"hello"}\n', 0.0)
    assert len(routed) == MAX_MESSAGES and len(failures) == 1
    broken = Router({"hello": lambda message, at: routed.append("late")},  # type: ignore[dict-item]
                    lambda fault: failures.append(str(fault)))  # fmt: skip
    broken.on_bytes(b'not json\n{"op":"hello"}\n', 0.0)
    assert "late" not in routed and "cannot read" in failures[-1]


def test_a_request_the_grader_cannot_decode_stops_the_child(backend: Isolation) -> None:
    """Arguments that make the decoder raise IndexError are a message it cannot read."""
    report = grade_file("gather", GRADED / "gather_bad_request.py", isolation=backend)
    assert report.score == 0, explain(report)
    assert all("a message it cannot read" in c.message for c in report.checks), explain(report)


def test_the_router_stops_a_child_whose_request_breaks_the_decoder() -> None:
    failures: list[str] = []
    routed: list[str] = []

    def decodes(message: dict[str, object], at: float) -> None:
        decode(message["args"])
        routed.append("decoded")

    router = Router({"callback": decodes}, lambda fault: failures.append(str(fault)))  # type: ignore[dict-item]
    malformed: list[dict[str, object]] = [
        {"$exc": []},
        {"$ref": [1]},
        {"$set": [{"a": 1}]},
        {"$tuple": 5},
    ]
    for bad in malformed:
        line = json.dumps({"op": "callback", "args": bad}).encode() + b"\n"
        Router({"callback": decodes}, lambda fault: failures.append(str(fault))).on_bytes(  # type: ignore[dict-item]
            line, 0.0
        )
    assert len(failures) == 4 and not routed, failures
    router.on_bytes(b'{"op":"callback","args":[1]}\n', 0.0)
    assert routed == ["decoded"]


def _first_lines() -> list[str]:
    """Lines only the course has: the hidden check's first, and the solution's docstring."""
    hidden = (EXERCISES / "count-async" / "checks" / "test_hidden.py").read_text().splitlines()
    return [hidden[0], (SOLUTIONS / "count-async.py").read_text().splitlines()[0]]


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_a_snoop_finds_nothing_of_the_course_and_plants_nothing(backend: Isolation) -> None:
    before = {name: _tree(REPO / name) for name in ("exercises", "solutions", "grader")}
    report = grade_file("count-async", GRADED / "snoop.py", isolation=backend,
                        limits=Limits(call_timeout=20))  # fmt: skip
    text = json.dumps(report.to_dict())
    for line in _first_lines():
        assert line not in text, f"the course's {line!r} reached the snoop's feedback"
    assert "planted" not in "".join(str(p) for p in REPO.rglob("planted.py"))
    assert {name: _tree(REPO / name) for name in before} == before
    assert report.score < 10


def _tmp_hogs() -> set[str]:
    return {str(p) for p in Path("/tmp").glob("hog-*")} | {
        str(p) for p in Path("/dev/shm").glob("hog-*")
    }


def test_a_class_graded_beside_the_attackers_comes_out_right(
    backend: Isolation, tmp_path: Path
) -> None:
    """An honest student and a sequential one beside every graded attacker, two at a time."""
    course = tmp_path / "course"
    shutil.copytree(EXERCISES / "count-async", course / "count-async")
    klass = tmp_path / "class"
    sources = {
        "honest": SOLUTIONS / "count-async.py",
        "honest-too": SOLUTIONS / "count-async.py",
        **{f"attacker-{name}": GRADED / f"{name}.py"
           for name in ("classmate_killer", "resource_hog", "snoop", "message_flood")},
    }  # fmt: skip
    for student, source in sources.items():
        (klass / student).mkdir(parents=True)
        shutil.copyfile(source, klass / student / "count-async.py")
    for folder in (tmp_path, course, klass, *klass.iterdir()):
        folder.chmod(0o755)  # only the isolation stands in the attackers' way
    hogs = _tmp_hogs()
    before = _tree(course) | _tree(klass)
    done = subprocess.run(
        [sys.executable, "-m", "grader", "--exercises", str(course), "batch", "class",
         "--out", "out", "--workers", "2", "--quiet", "--isolation", str(backend.backend)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path, env=dict(os.environ),
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    rows = (tmp_path / "out" / "grades.csv").read_text().splitlines()[1:]
    grades = {row.split(",")[0]: float(row.split(",")[1]) for row in rows}
    assert grades["honest"] == 10 and grades["honest-too"] == 10, grades
    assert all(g < 10 for s, g in grades.items() if s.startswith("attacker-")), grades
    assert len(grades) == len(sources), grades
    assert _tree(course) | _tree(klass) == before, "an attacker changed the course or the class"
    assert _tmp_hogs() == hogs, "an attacker wrote into the host's /tmp or /dev/shm"
    left = leftovers()
    assert left == [], describe(left)


def test_grader_grade_on_the_command_line_is_not_fooled(backend: Isolation) -> None:
    """`grader grade --format json` itself, on the forgery of frames: the score a file earns."""
    done = subprocess.run(
        [sys.executable, "-m", "grader", "grade", "count-async",
         str(GRADED / "forged_frames.py"), "--format", "json", "--isolation",
         str(backend.backend), "--seed", "7"],
        capture_output=True, text=True, timeout=300, env=dict(os.environ),
    )  # fmt: skip
    report = json.loads(done.stdout)
    assert report["isolation"] == str(backend.backend)
    assert report["score"] < 10, report
