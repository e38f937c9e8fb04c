"""`grader watch`: the public checks on every save, in a terminal (a pseudo-terminal here)."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.grading.observations import Diagnostic, DiagnosticKind, Span, SpanKind, Timeline
from grader.grading.report import CheckResult, CheckStatus, Report, Visibility
from grader.outputs.compact import calls_time, render_compact
from tests.support import REPO, SOLUTIONS, describe, left_behind

SOLUTION = (SOLUTIONS / "count-async.py").read_text()
#: The solution with its pause never awaited: fast, wrong, and named at its line.
UNAWAITED = SOLUTION.replace(
    "await asyncio.sleep(pauses.get(k, 0))", "asyncio.sleep(pauses.get(k, 0))"
)
#: Deadline for what a screen should come to show: generous, a loaded machine is slow.
PATIENCE = 180.0
#: A report's score line. What the solution scores is test_verify's business; on an
#: overloaded machine one of its timing checks may be judged otherwise. These tests
#: assert what watch shows, and which version it graded.
SCORED = re.compile(r"^score \d+/9 on the public checks\r?$", re.M)
#: How long the graded version's calls took, as the screen says.
CALLS = re.compile(r"([0-9.]+) s of it in your code's calls")
_CLEAR = "\x1b[H\x1b[2J"


class Watching:
    """`grader watch` on a pseudo-terminal of its own, as a student's shell runs it."""

    def __init__(self, file: Path, *options: str) -> None:
        # Named as a student would, from its folder: the screen says "watching count-async.py".
        command = [sys.executable, "-m", "grader", "watch", "count-async", file.name, *options]
        pid, fd = pty.fork()
        if pid == 0:  # the child: a session of its own, the terminal its controlling one
            try:
                os.chdir(file.parent)
                os.execv(sys.executable, command)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.output = ""
        self._looked = 0  # where the screens not yet looked at begin in `output`

    def screen(self) -> str:
        """What the terminal shows now: everything since it was last cleared."""
        return self.output.rsplit(_CLEAR, 1)[-1]

    def _showing(self, needles: tuple[str, ...]) -> str | None:
        """The first screen drawn since the last one found that shows all `needles`, if any.

        Each screen counts, not only the last: on a busy machine this side may
        read a short-lived screen ("saved again") together with the next one.
        """
        start = self._looked
        while start < len(self.output):
            end = self.output.find(_CLEAR, start + 1)
            end = len(self.output) if end < 0 else end
            drawn = self.output[start:end]
            if all(needle in drawn for needle in needles):
                self._looked = end
                return drawn.removeprefix(_CLEAR)
            start = end
        return None

    def until(self, *needles: str) -> str:
        """Read until a screen shows every one of `needles`; that screen."""
        deadline = time.monotonic() + PATIENCE
        while (shown := self._showing(needles)) is None:
            left = deadline - time.monotonic()
            assert left > 0, f"the screen never showed {needles}:\n{self.screen()}"
            ready, _, _ = select.select([self.fd], [], [], min(left, 1.0))
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # the terminal closed: the command ended
                    chunk = b""
                assert chunk, f"grader watch ended before showing {needles}:\n{self.output}"
                self.output += chunk.decode(errors="replace")
        return shown

    def interrupt(self) -> int:
        """Press Ctrl-C; the command's exit status once it ended."""
        os.write(self.fd, b"\x03")
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            with_status = os.waitpid(self.pid, os.WNOHANG)
            if with_status[0]:
                self._drain()
                return os.waitstatus_to_exitcode(with_status[1])
            self._drain()
            time.sleep(0.05)
        raise AssertionError(f"Ctrl-C did not end grader watch:\n{self.output}")

    def _drain(self) -> None:
        while select.select([self.fd], [], [], 0)[0]:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk.decode(errors="replace")

    def kill(self) -> None:
        """End it whatever state it is in (a failing test's clean-up)."""
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


def save(path: Path, text: str) -> None:
    """Save as many editors do: write a temporary file beside it, then rename it over it."""
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text)
    os.replace(temporary, path)


@pytest.fixture
def watched(tmp_path: Path) -> Path:
    path = tmp_path / "count-async.py"
    path.write_text(SOLUTION)
    return path


def test_a_save_that_breaks_it_shows_the_failure_and_its_line_then_ctrl_c_ends_all(
    watched: Path,
) -> None:
    watch = Watching(watched)
    try:
        first = watch.until("(check 1,", "watching count-async.py")
        assert SCORED.search(first) and "never awaited" not in first
        save(watched, UNAWAITED)
        broken = watch.until("(check 2,", "watching count-async.py")
        lines = UNAWAITED.splitlines()
        line = next(n for n, text in enumerate(lines, 1) if "asyncio.sleep(pauses" in text)
        assert re.search(r"^  FAIL ", broken, re.M), broken
        assert re.search(rf"line {line}: .*asyncio.sleep.* never awaited", broken), broken
        assert broken.count(f"line {line}:") == 1, "a mistake is named once, not per check"
        save(watched, SOLUTION)  # fixed again
        fixed = watch.until("(check 3,", "watching count-async.py")
        assert SCORED.search(fixed) and "never awaited" not in fixed
        code = watch.interrupt()
        assert code == 0, f"exit {code} after Ctrl-C:\n{watch.output}"
    finally:
        watch.kill()
    assert "stopped watching" in watch.output
    left = left_behind()
    assert not left, f"Ctrl-C left processes running: {describe(left)}"


def test_a_save_during_a_run_cuts_it_short_and_ctrl_c_mid_run_leaves_nothing(
    watched: Path,
) -> None:
    # Each call of this version takes two seconds: a run of it is surely still going
    # when the screen says it checks, and the save (or Ctrl-C) lands in it.
    slow = SOLUTION.replace(
        "    printed: list[int] = []", "    await asyncio.sleep(2)\n    printed: list[int] = []"
    )
    watched.write_text(slow)
    watch = Watching(watched)
    try:
        watch.until("checking the save of")
        save(watched, SOLUTION)
        watch.until("saved again: checking the new version")
        report = watch.until("(check 1,", "watching count-async.py")
        assert SCORED.search(report), report
        calls = CALLS.search(report)
        assert calls and float(calls.group(1)) < 10, report  # not the slow version's 5 x 2 s
        save(watched, slow)
        watch.until("checking the save of")
        code = watch.interrupt()
        assert code == 0, f"exit {code} after Ctrl-C:\n{watch.output}"
    finally:
        watch.kill()
    assert "(check 2," not in watch.output  # the slow version never got a report
    assert "stopped watching" in watch.output
    left = left_behind()
    assert not left, f"Ctrl-C during a run left processes running: {describe(left)}"


def test_a_syntax_error_and_a_file_that_goes_are_said_plainly(watched: Path) -> None:
    watch = Watching(watched)
    try:
        watch.until("(check 1,", "watching count-async.py")
        save(watched, "import asyncio\n\nasync def count(n:\n    pass\n")
        broken = watch.until("(check 2,", "watching count-async.py")
        assert "could not be run: your file has a syntax error" in broken, broken
        assert "line 3" in broken
        watched.unlink()
        gone = watch.until("is gone")
        assert "count-async.py is gone (deleted or moved away): waiting for it" in gone
        save(watched, SOLUTION)
        back = watch.until("(check 3,", "watching count-async.py")
        assert SCORED.search(back) and "could not be run" not in back
        code = watch.interrupt()
        assert code == 0, f"exit {code} after Ctrl-C:\n{watch.output}"
    finally:
        watch.kill()


def test_watch_refuses_a_missing_file_in_one_line(tmp_path: Path) -> None:
    from tests.support import one_line_error, run

    assert "no file at" in one_line_error(run("watch", "count-async", str(tmp_path / "nope.py")))


def test_the_compact_view_names_a_mistake_once_and_cuts_the_timeline() -> None:
    blocked = Diagnostic(DiagnosticKind.BLOCKED_LOOP, "line 7: `time.sleep(1)` blocked", 7)
    spans = [Span(str(k), SpanKind.OUTPUT, k / 10, k / 10) for k in range(30)]
    spans.insert(0, Span("count()", SpanKind.CALL, 0.0, 1.5))
    checks = [
        CheckResult(
            f"check {n}",
            CheckStatus.FAILED,
            0,
            2,
            Visibility.PUBLIC,
            message=f"failed {n}",
            diagnostics=[blocked],
            timeline=Timeline(spans),
        )
        for n in range(2)
    ]
    report = Report("count-async", "count-async.py", 4, checks=checks, public_only=True)
    lines = render_compact(report, width=100)
    text = "\n".join(lines)
    assert text.count("line 7: `time.sleep(1)` blocked") == 1
    assert "failed 0" in text and "failed 1" in text
    assert "... and 23 more" in text  # eight rows of the 31, once: one timeline only
    assert text.count("time (s)") == 1
    assert calls_time(report) == pytest.approx(3.0)


GATED = """
import json, sys, time
from pathlib import Path
from grader.course import catalog
from grader.grading import runner, session

session.allow()
exercise = catalog.find("count-async", Path(sys.argv[1]))
path, solution = Path(sys.argv[2]), Path(sys.argv[3]).read_text()

def gate():
    time.sleep(1.0)  # the student takes a while to save
    path.write_text(solution)
    return 12345

began = time.monotonic()
with session.gated(gate):
    report = runner.grade(exercise, path, hidden=False)
wall = time.monotonic() - began
try:
    with session.gated(lambda: None):
        runner.grade(exercise, path, hidden=False)
    declined = "graded"
except runner.CutShort:
    declined = "cut short"
print(json.dumps([report.score, report.max_score, report.seed, report.duration, wall, declined]))
"""


def test_a_prepared_session_waits_at_its_gate_then_grades_the_new_version(tmp_path: Path) -> None:
    from tests.support import EXERCISES

    path = tmp_path / "count-async.py"
    path.write_text((EXERCISES / "count-async" / "stub.py").read_text())  # what it starts with
    done = subprocess.run(
        [sys.executable, "-c", GATED, str(EXERCISES), str(path), str(SOLUTIONS / "count-async.py")],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    score, most, seed, duration, wall, declined = json.loads(done.stdout.splitlines()[-1])
    assert score == most == 9  # the version the gate let in, not the stub it started with
    assert seed == 12345  # drawn with the gate's seed
    assert duration <= wall - 1.0  # counted from the gate's opening, not the wait before it
    assert declined == "cut short"  # a gate that says no: no report of the old version


def test_outside_a_terminal_each_report_is_printed_in_turn(watched: Path) -> None:
    command = [sys.executable, "-m", "grader", "watch", "count-async", watched.name]
    process = subprocess.Popen(
        command, cwd=watched.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:  # a pipe: printed as it comes, never redrawn
            lines.append(line)
            if line.startswith("watching count-async.py"):
                break
        process.send_signal(signal.SIGINT)
        rest, errors = process.communicate(timeout=PATIENCE)
    finally:
        process.kill()
        process.wait()
    printed = "".join(lines) + rest
    assert process.returncode == 0, errors
    assert _CLEAR not in printed and "\x1b[" not in printed
    assert "count-async: count-async.py  (check 1," in printed
    assert SCORED.search(printed.replace("\r", ""))
    assert "stopped watching" in errors


def test_the_screen_says_what_happens_now() -> None:
    from grader.grading import watcher
    from grader.outputs.compact import Screen

    screen = Screen("count-async", "count-async.py", width=100)
    report = Report("count-async", "count-async.py", 9, public_only=True)
    shown = screen.draw(watcher.Checked(report, saved=10.0, finished=11.5))
    assert shown.startswith("count-async: count-async.py  (check 1, saved at ")
    assert "feedback 1.50 s after the save" in shown
    checking = screen.draw(watcher.Checking(12.0))
    assert "score 0/9 on the public checks" in checking  # the last report stays meanwhile
    assert checking.endswith("...") and not screen.lasting(watcher.Checking(12.0))
    assert screen.draw(watcher.Restarted(13.0)).endswith("saved again: checking the new version...")
    gone = screen.draw(watcher.Gone(Path("count-async.py")))
    assert "score" not in gone and gone.endswith("waiting for it to come back")
    failed = screen.draw(watcher.Failed("the checks of count-async could not be run: x", 14.0))
    assert "could not check this version: the checks of count-async could not be run" in failed
    assert screen.lasting(watcher.Gone(Path("count-async.py")))


PREPARED = """
import json, sys
from pathlib import Path
from grader.course import catalog
from grader.grading import session, watcher

session.allow()
exercise = catalog.find("count-async", Path(sys.argv[1]))
path, fixed = Path(sys.argv[2]), Path(sys.argv[3]).read_text()
seen = []

class Enough(Exception):
    pass

def show(event):
    # Inside a session already: the checks were prepared before the save.
    seen.append([type(event).__name__, not session.available()])
    if isinstance(event, watcher.Checked):
        if len([s for s in seen if s[0] == "Checked"]) == 2:
            raise Enough
        temporary = path.with_name(".swp")
        temporary.write_text(fixed)
        temporary.replace(path)

try:
    watcher.watch(exercise, path, show)
except Enough:
    pass
print(json.dumps(seen))
"""


def test_a_save_after_the_first_is_checked_by_a_session_prepared_before_it(
    watched: Path,
) -> None:
    fixed = watched.with_name("fixed.py")
    fixed.write_text(SOLUTION + "\n# saved again\n")
    done = subprocess.run(
        [sys.executable, "-c", PREPARED, str(REPO / "exercises"), str(watched), str(fixed)],
        capture_output=True, text=True, timeout=PATIENCE,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen == [
        ["Checking", False],  # the first run: started when the watch began
        ["Checked", False],
        ["Checking", True],  # the second: its session was up and waiting for the save
        ["Checked", False],
    ], seen


INTERRUPTED_AT_START = """
import json, os, signal, sys
from pathlib import Path
from grader.course import catalog
from grader.grading import session, watcher
from grader.sandbox import forkserver

session.allow()
exercise = catalog.find("count-async", Path(sys.argv[1]))
path = Path(sys.argv[2])
seen = []
armed = False
warm = forkserver.ForkServer.warm

def pressed_while_starting(server):
    # Ctrl-C while the next save's session starts (pytest_configure): a moment where pytest
    # catches the KeyboardInterrupt and ends the session without a word of it.
    global armed
    if armed and not session.available():
        armed = False
        os.kill(os.getpid(), signal.SIGINT)
    warm(server)

forkserver.ForkServer.warm = pressed_while_starting

class Carried(Exception):
    pass

def show(event):
    global armed
    seen.append(type(event).__name__)
    if isinstance(event, watcher.Checked):
        armed = True  # the next session is the prepared one
    elif isinstance(event, watcher.Failed):
        raise Carried  # the watch went on after the Ctrl-C

try:
    watcher.watch(exercise, path, show)
except KeyboardInterrupt:
    seen.append("ended")
except Carried:
    seen.append("carried on")
print(json.dumps(seen))
"""


def test_ctrl_c_while_the_next_session_starts_ends_the_watch(watched: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_AT_START, str(REPO / "exercises"), str(watched)],
        capture_output=True, text=True, timeout=PATIENCE,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen == ["Checking", "Checked", "ended"], seen


BROKEN_BY_CTRL_C = """
import json, os, signal, sys
from pathlib import Path
from grader.course import catalog
from grader.grading import watcher

signal.signal(signal.SIGINT, signal.default_int_handler)  # whatever the shell left it as
exercise = catalog.find("count-async", Path(sys.argv[1]))
press = sys.argv[3] == "press"

def torn_down(*args, **kwargs):
    # A grading that Ctrl-C tore down half-way and that failed with an error of its own.
    try:
        if press:
            os.kill(os.getpid(), signal.SIGINT)
    except KeyboardInterrupt:
        pass
    raise RuntimeError("torn down half-way")

watcher.grade = torn_down
try:
    watcher.watch(exercise, Path(sys.argv[2]), lambda event: None)
except KeyboardInterrupt:
    print(json.dumps("ended"))
except RuntimeError as error:
    print(json.dumps(str(error)))
"""


@pytest.mark.parametrize(("press", "ending"), [("press", "ended"), ("no", "torn down half-way")])
def test_an_error_after_ctrl_c_ends_the_watch_and_one_without_it_is_not_hidden(
    watched: Path, press: str, ending: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", BROKEN_BY_CTRL_C, str(REPO / "exercises"), str(watched), press],
        capture_output=True, text=True, timeout=PATIENCE,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == ending
