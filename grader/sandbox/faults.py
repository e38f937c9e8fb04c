"""How a submission misbehaved, as the trusted side raises it to a check.

A check turns each into a status (`error` or `timeout`) and a sentence a
student understands; the texts are made here, from what the child or its
keeper reported.
"""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.sandbox.records import Call


class SubmissionFault(Exception):
    """The submission did not behave; `status` is the check status this means."""

    status = "error"


class SubmissionRaised(SubmissionFault):
    """The submission's function raised an exception; `call` is what was seen of the call."""

    def __init__(
        self, name: str, type_name: str, message: str, where: list[str], call: Call | None = None
    ) -> None:
        self.call = call
        self.type_name = type_name
        self.detail = message
        self.where = where
        kind = _clip(type_name)
        place = f" ({_clip(where[-1])})" if where else ""
        text = f"{name}() raised {kind}: {_clip(message)}" if message else f"{name}() raised {kind}"
        super().__init__(text + place)


class Undefined(SubmissionFault):
    """The submission has no function of the name a check calls: a failed check, not an error.

    The check that looks the name up first (`expect_async`, `expect_plain`)
    fails; every other check of the file must say the same, for the same cause.
    """

    status = "failed"


class SubmissionTimeout(SubmissionFault):
    """A call ran past its deadline; the child was killed."""

    status = "timeout"


class SubmissionDied(SubmissionFault):
    """The child ended, or was stopped, while it was serving a check."""


class ImportFailed(SubmissionFault):
    """The submission could not be imported: it raised, exited or hung at import."""


class SandboxFailed(Exception):
    """The sandbox itself could not start a child: a fault of the grader, not the submission."""


def import_failure(message: dict[str, Any], memory_mb: int = 0) -> str:
    """What an `import_failed` message means, for a student (`memory_mb`: the memory limit)."""
    kind = _clip(str(message.get("type", "Exception")))
    detail = _clip(str(message.get("message", "")))
    where = message.get("where") or []
    place = f" ({_clip(str(where[-1]))})" if where else ""
    if kind == "MemoryError" and memory_mb:
        return f"{memory_text(memory_mb, importing=True)}{place}"
    if kind == "SystemExit":
        return f"your program exited while being imported{place}"
    if kind == "EOFError":
        return (
            f"your program tried to read input while being imported{place}; "
            "the grader gives no input"
        )
    if kind in ("SyntaxError", "IndentationError", "TabError"):
        return f"your file has a syntax error: {detail}{place}"
    if kind == "ModuleNotFoundError":
        return (
            f"your file raised ModuleNotFoundError while being imported: {detail}{place}; "
            "the grader runs submissions with the standard library and the packages the "
            "exercise names, nothing else"
        )
    return f"your file raised {kind} while being imported: {detail}{place}"


#: The most of one part of a fault's message (a line of source, an exception's text).
MAX_PART = 300


def _clip(text: str) -> str:
    """`text`, cut to MAX_PART characters: a report line is read, not a file dumped."""
    return text if len(text) <= MAX_PART else f"{text[: MAX_PART - 3]}..."


def memory_text(memory_mb: int, *, importing: bool) -> str:
    """A check stopped for memory: what the limit is, and what it counts."""
    during = "while being imported" if importing else "during the check"
    return (
        f"your program used more than {memory_mb} MB of memory {during} (the limit for all "
        "its processes together), so it was stopped"
    )


def exit_text(code: int | None, *, importing: bool, cpu_seconds: int) -> str:
    """How the child's server process ended (its exit status), for a student."""
    during = "while being imported" if importing else "during the check"
    if code is None or code >= 0:
        tail = f" (exit code {code})" if code else ""
        return f"your program exited {during}{tail}"
    sig = -code
    if sig == signal.SIGXCPU:
        return f"your program used more than {cpu_seconds} s of CPU time {during}"
    if sig == signal.SIGKILL:
        return f"your program was killed {during} (out of memory, or too much CPU time)"
    if sig == signal.SIGSEGV:
        return f"your program crashed {during} (segmentation fault)"
    if sig == signal.SIGSYS:
        return f"your program made a system call the sandbox forbids {during}"
    try:
        name = signal.Signals(sig).name
    except ValueError:
        name = str(sig)
    return f"your program was stopped {during} by signal {name}"
