"""Grading a file on the public checks each time it is saved: the core of `grader watch`.

`watch` hands events (a run began, a report, the file is gone) to a
callable; the command line draws them. Everything stays warm between saves:
this process keeps pytest, the checks' helpers and the grader imported and
runs each grading's session in itself (`grader.grading.session`), and the
sandbox's zygote (`grader.sandbox.forkserver`) stays up, so that a check's
child costs a fork. Better still, the next grading's pytest session starts
as soon as a report is shown: it collects the checks and waits at a gate
(`session.gated`) for the next save. A save then pays neither an
interpreter's start nor pytest's, only the checks.

The file is watched by looking at it (`os.stat`) every hundredth of a
second. A save shows as a new modification time, size or inode, which also
catches editors that write a temporary file and rename it over the old one,
and works on every system and file system, network drives and WSL's view of
Windows folders included, where change notifications may never come. Each
run grades a copy of the file as it was when the run began, so a save in
the middle cannot mix two versions in one report; such a save cuts the run
short after the check in progress, and the new version is graded at once.

Ctrl-C ends the watch wherever it lands. pytest, which runs in this process,
takes a KeyboardInterrupt for its own in places (while a session starts, it
ends the session without a record of it; asyncio's runner turns one into a
cancellation a check may outlive), and a session that ends without saying
so would leave the watch going. So the watch notes the Ctrl-C itself
(`grader.grading.interruption`): it cuts the grading short after the check in progress,
and the watch ends after it, whatever the grading made of it.
"""

from __future__ import annotations

import os
import shutil
import stat as modes
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from grader.course.catalog import Exercise
from grader.errors import GraderError
from grader.grading import interruption, session
from grader.grading.report import Report
from grader.grading.runner import CutShort, derive_seed, grade, unreadable
from grader.sandbox.isolation import Isolation

#: How often the file is looked at, in seconds (a hundred stat calls a second cost
#: about a thousandth of a core).
INTERVAL = 0.01
#: How long a change must hold before it counts as a save: an editor writing the file
#: may show it half-written for a moment (a run of a half-written file is cut short
#: at its first check's end, when the rest of the save shows).
SETTLE = 0.005
#: How long the file must stay away before it is said to be gone: an editor that
#: deletes the old file before writing the new one leaves it missing for a moment.
GONE_AFTER = 0.3


@dataclass(frozen=True)
class Stamp:
    """What the file looks like from outside: a save changes at least one of these."""

    inode: int
    size: int
    modified: int  # in nanoseconds
    changed: int  # the inode's change time, in nanoseconds (a rename or chmod moves it too)


def stamp(path: Path) -> Stamp | None:
    """The file's stamp, or None when there is no regular file at `path` now."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    if not modes.S_ISREG(found.st_mode):  # a folder, a FIFO: nothing to grade
        return None
    return Stamp(found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)


@dataclass(frozen=True)
class Checking:
    """A run began, on the file as saved at `saved` (a `time.monotonic()` moment)."""

    saved: float


@dataclass(frozen=True)
class Checked:
    """A run ended with a report; `saved` is when the save it graded was seen."""

    report: Report
    saved: float
    finished: float  # when the report was ready (`time.monotonic()`)


@dataclass(frozen=True)
class Restarted:
    """A run was cut short by a newer save, which is checked next."""

    saved: float


@dataclass(frozen=True)
class Gone:
    """There is no file at the path any more (deleted, or moved away): waiting for it."""

    path: Path


@dataclass(frozen=True)
class Failed:
    """The grader could not run the checks on this version (said in one line); still watching."""

    message: str
    saved: float


Event = Checking | Checked | Restarted | Gone | Failed


def watch(
    exercise: Exercise,
    path: Path,
    show: Callable[[Event], None],
    *,
    seed: int | None = None,
    isolation: Isolation | None = None,
    label: str | None = None,
    interval: float = INTERVAL,
) -> NoReturn:
    """Grade `path` on the public checks now and after every save, until interrupted.

    Every event goes to `show`. Each report names the file as `label` (the
    path as given, by default). Gradings run in this process, prepared
    before each save, where sessions may (`session.allow()`, as the command
    line calls); elsewhere each save starts a pytest process.
    """
    with (
        interruption.noting() as interrupts,
        tempfile.TemporaryDirectory(prefix="grader-watch-") as scratch,
    ):
        watcher = _Watcher(
            exercise, path, Path(scratch) / path.name, show, seed=seed, isolation=isolation,
            label=label or str(path), interval=interval, interrupts=interrupts,
        )  # fmt: skip
        try:
            watcher.run()
        except Exception:
            # After a Ctrl-C, what breaks is the grading it tore down, half-way
            # through anything (a run of the tests once exited 3 so): the watch
            # ends as it does for any Ctrl-C.
            interrupts.check()
            raise


class _Watcher:
    """The state of one watch: the file, its copy, and the version being graded."""

    def __init__(
        self, exercise: Exercise, path: Path, copy: Path, show: Callable[[Event], None], *,
        seed: int | None, isolation: Isolation | None, label: str, interval: float,
        interrupts: interruption.Interrupts,
    ) -> None:  # fmt: skip
        self.exercise, self.path, self.copy, self.show = exercise, path, copy, show
        self.seed, self.isolation, self.label, self.interval = seed, isolation, label, interval
        self.interrupts = interrupts
        self.seen: Stamp | None = stamp(path)  # the version graded (or to be graded) now
        self.saved = time.monotonic()  # when that version was seen

    def run(self) -> NoReturn:
        self._grade_now()
        while True:
            # In-process sessions only: one in a process of its own is reached by no gate.
            if session.available() and self._preparable():
                self._grade_prepared()
            else:
                self._await_save()
                self._grade_now()

    def _grade_now(self) -> None:
        """Grade the file as it is now; again at once while saves cut the gradings short."""
        while True:
            if not self._take_copy():
                self._await_save()
                continue
            self.show(Checking(self.saved))
            if self._grade():
                return
            self.show(Restarted(self.saved))
            self.seen, self.saved = _settled(self.path), time.monotonic()

    def _grade_prepared(self) -> None:
        """Start the next grading's session now; it waits for the next save to run the checks.

        pytest's start-up and the checks' collection are then paid before the
        save, not after it.
        """
        opened = False

        def gate() -> int | None:
            nonlocal opened
            self.interrupts.check()  # pressed while the session started: it is not wanted
            self._await_save()
            if not self._take_copy() or not self._preparable():
                return None  # graded from the start instead (an unreadable file says why)
            opened = True
            self.show(Checking(self.saved))
            if self.seed is not None:
                return self.seed
            return derive_seed(self.exercise.id, self.copy.read_bytes())

        with session.gated(gate):
            done = self._grade()
        self.interrupts.check()
        if done:
            return
        if opened:
            self.show(Restarted(self.saved))
            self.seen, self.saved = _settled(self.path), time.monotonic()
        self._grade_now()

    def _grade(self) -> bool:
        """Grade the copy and show the report; False when a save cut the grading short.

        A Ctrl-C during the grading ends the watch here, whatever the
        grading made of it (a report, a failure, a cut-short run).
        """
        try:
            with session.cut_short_when(self._unwanted):
                report = grade(
                    self.exercise, self.copy, hidden=False, seed=self.seed, label=self.label,
                    isolation=self.isolation,
                )  # fmt: skip
        except CutShort:
            self.interrupts.check()
            return False
        except GraderError as error:
            self.interrupts.check()
            self.show(Failed(str(error), self.saved))
        else:
            self.interrupts.check()
            self.show(Checked(report, self.saved, time.monotonic()))
        return True

    def _unwanted(self) -> bool:
        """Whether the grading's results are no longer wanted: saved again, or Ctrl-C pressed."""
        return self.interrupts.pressed() or self._changed()

    def _changed(self) -> bool:
        """Whether the file differs from the version being graded (saved again, or gone)."""
        return stamp(self.path) != self.seen

    def _preparable(self) -> bool:
        """Whether the copy can be graded by a prepared session: a readable Python file.

        A notebook is made into a module before its session starts, and a file
        that cannot be read is refused before it: both are graded from the start.
        """
        return self.copy.suffix == ".py" and unreadable(self.copy, self.exercise.id) is None

    def _take_copy(self) -> bool:
        """Copy the file as it is now; False if it is not there (or cannot be read)."""
        return self.seen is not None and _copy(self.path, self.copy)

    def _await_save(self) -> None:
        """Wait until the file differs from the version graded last and is there."""
        while True:
            now = _next_save(self.path, self.seen, self.interval)
            if now is None:
                now = _back_within(self.path, GONE_AFTER, self.interval)
            if now is None:
                self.show(Gone(self.path))
                now = _next_save(self.path, None, self.interval)
            self.seen, self.saved = now, time.monotonic()
            if now is not None:
                return


def _copy(path: Path, copy: Path) -> bool:
    """Copy the file as it is now; False if it went meanwhile (or cannot be read)."""
    try:
        shutil.copyfile(path, copy)
    except OSError:
        return False
    return True


def _next_save(path: Path, last: Stamp | None, interval: float) -> Stamp | None:
    """Wait until the file differs from `last`; its new stamp (None: it is gone)."""
    while stamp(path) == last:
        time.sleep(interval)
    return _settled(path)


def _back_within(path: Path, grace: float, interval: float) -> Stamp | None:
    """The file's stamp if it is there again within `grace` seconds, else None."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        time.sleep(interval)
        if stamp(path) is not None:
            return _settled(path)
    return None


def _settled(path: Path) -> Stamp | None:
    """The file's stamp once it held still for SETTLE seconds (None: gone meanwhile)."""
    now = stamp(path)
    while True:
        time.sleep(SETTLE)
        again = stamp(path)
        if again == now:
            return now
        now = again
