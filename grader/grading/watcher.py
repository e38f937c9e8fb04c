"""Grading a file on the public checks each time it is saved: the core of `grader watch`.

`watch` is a generator of events (a run began, a report, the file is gone);
the command line draws them. Everything stays warm between saves: this
process keeps pytest, the checks' helpers and the grader imported and runs
each grading's session in itself (`grader.grading.session`), and the
sandbox's zygote (`grader.sandbox.forkserver`) stays up, so that a check's
child costs a fork. A save then pays neither an interpreter's start nor
pytest's imports, only the checks.

The file is watched by looking at it (`os.stat`) every hundredth of a
second. A save shows as a new modification time, size or inode, which also
catches editors that write a temporary file and rename it over the old one,
and works on every system and file system, network drives and WSL's view of
Windows folders included, where change notifications may never come. Each
run grades a copy of the file as it was when the run began, so a save in
the middle cannot mix two versions in one report; such a save cuts the run
short after the check in progress, and the new version is graded at once.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

from grader.course.catalog import Exercise
from grader.errors import GraderError
from grader.grading import session
from grader.grading.report import Report
from grader.grading.runner import CutShort, grade
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
    if not _regular(found.st_mode):
        return None
    return Stamp(found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)


def _regular(mode: int) -> bool:
    import stat as modes

    return modes.S_ISREG(mode)


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
    *,
    seed: int | None = None,
    isolation: Isolation | None = None,
    label: str | None = None,
    interval: float = INTERVAL,
) -> Generator[Event, None, None]:
    """Grade `path` on the public checks now and after every save, forever (close to stop).

    Each report names the file as `label` (the path as given, by default).
    Gradings run in this process (`session.allow()` must have been called,
    as the command line does), one at a time.
    """
    shown = label or str(path)
    with tempfile.TemporaryDirectory(prefix="grader-watch-") as scratch:
        copy = Path(scratch) / path.name
        seen = stamp(path)
        saved = time.monotonic()
        while True:
            if seen is None:
                seen = _back_within(path, GONE_AFTER, interval)
                if seen is None:
                    yield Gone(path)
                    seen = _next_save(path, None, interval)
                    saved = time.monotonic()
                    continue
            if not _copy(path, copy):
                seen = None
                continue
            yield Checking(saved)
            try:
                with session.cut_short_when(_changed(path, seen)):
                    report = grade(
                        exercise, copy, hidden=False, seed=seed, label=shown,
                        isolation=isolation,
                    )  # fmt: skip
            except CutShort:
                yield Restarted(saved)
                seen, saved = _settled(path), time.monotonic()
                continue
            except GraderError as error:
                yield Failed(str(error), saved)
            else:
                yield Checked(report, saved, time.monotonic())
            seen = _next_save(path, seen, interval)
            saved = time.monotonic()


def _changed(path: Path, before: Stamp) -> Callable[[], bool]:
    """Whether the file was saved (or went) since it looked like `before`."""
    return lambda: stamp(path) != before


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
