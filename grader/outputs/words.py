"""Wording the views share: small enough to import from any of them without a cycle."""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from grader.grading.report import CheckStatus
from grader.sandbox import isolation

if TYPE_CHECKING:
    from grader.grading.observations import Diagnostic
    from grader.grading.report import Report


def kind_of(path: Path) -> str | None:
    """What `path` is when it is there but no regular file (`a folder`, `a FIFO`); else None.

    None too when nothing is there: the caller says "no file at" then.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    kinds = [
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (a named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
    ]
    return next((name for test, name in kinds if test(mode)), None)


def plural(count: int, noun: str, many: str | None = None) -> str:
    """`1 submission`, `2 submissions`: a count and its noun, in agreement."""
    return f"{count} {noun if count == 1 else many or noun + 's'}"


def located(diagnostic: Diagnostic) -> str:
    """The diagnostic's sentence, `line 6: ` before it unless it names its line already."""
    message = diagnostic.message
    if diagnostic.line is not None and f"line {diagnostic.line}" not in message:
        message = f"line {diagnostic.line}: {message}"
    return message


def inconclusive_of(report: Report) -> str | None:
    """What a report with checks the machine was too busy to time says to do; else None."""
    count = sum(1 for check in report.checks if check.status is CheckStatus.INCONCLUSIVE)
    if not count:
        return None
    which = "1 check was" if count == 1 else f"{count} checks were"
    return (
        f"inconclusive: {which} not timed, the machine was too busy; their points are not "
        "lost, they are not known yet: grade again when the machine is quieter"
    )


def isolation_of(report: Report) -> str:
    """How the report's submission was isolated and limited, in words (`isolation.describe`)."""
    said = isolation.describe(report.isolation, report.isolation_missing)
    limits = report.resources
    if limits is None:
        return said
    amounts = f"{limits.memory_mb} MB of memory and {limits.processes} processes"
    if limits.why is None:
        return f"{said}; {amounts} per check ({limits.applied})"
    return f"{said}; {amounts} per process, not per check ({limits.why})"


#: What each facet of the grader's observation is, in the words a report uses.
FACETS = {
    "threads-and-processes": "threads, processes",
    "event-loops": "event loops",
    "loop-thread": "the loop's thread",
}


def observation_of(report: Report) -> str | None:
    """What the grader observed of the submission from outside its process, in words.

    None for a report that recorded nothing of it (made before it was observed).
    """
    if report.observation_missing is None:
        return None
    missing = {}
    for entry in report.observation_missing:
        facet, _, why = entry.partition(": ")
        missing[facet] = why
    seen = [words for facet, words in FACETS.items() if facet not in missing]
    reasons = sorted(set(missing.values()))
    said = ", ".join(seen) if seen else "nothing"
    return f"{said} (not the rest: {'; '.join(reasons)})" if reasons else said


def shown(name: str) -> str:
    """`name` as it may be printed: undecodable bytes and control characters escaped.

    Control characters, line separators and the bidirectional overrides can
    move the cursor or reorder a line; joiners (as in Persian names) stay.
    """
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(repr(c)[1:-1] if _controls(c) else c for c in text)


def _controls(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in _BIDI


_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
