"""The engine: a submission runs in a disposable child process, calls cross as JSON.

`Sandbox` (in `handle`) is one running child seen from the trusted side;
`server` runs inside the child; `codec` is how values cross.

Imports here are lazy: the child imports modules of this package too, and
must not load the trusted side's.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.sandbox.codec import Opaque as Opaque
    from grader.sandbox.handle import Call as Call
    from grader.sandbox.handle import ImportFailed as ImportFailed
    from grader.sandbox.handle import Limits as Limits
    from grader.sandbox.handle import Line as Line
    from grader.sandbox.handle import Sandbox as Sandbox
    from grader.sandbox.handle import SubmissionDied as SubmissionDied
    from grader.sandbox.handle import SubmissionFault as SubmissionFault
    from grader.sandbox.handle import SubmissionRaised as SubmissionRaised
    from grader.sandbox.handle import SubmissionTimeout as SubmissionTimeout

_EXPORTS = {
    "Call": "grader.sandbox.handle",
    "ImportFailed": "grader.sandbox.handle",
    "Limits": "grader.sandbox.handle",
    "Line": "grader.sandbox.handle",
    "Opaque": "grader.sandbox.codec",
    "Sandbox": "grader.sandbox.handle",
    "SubmissionDied": "grader.sandbox.handle",
    "SubmissionFault": "grader.sandbox.handle",
    "SubmissionRaised": "grader.sandbox.handle",
    "SubmissionTimeout": "grader.sandbox.handle",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
