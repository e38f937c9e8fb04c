"""The engine: a submission runs in an isolated, disposable child; calls cross as JSON.

The trusted side:
- `handle.Sandbox`: one running child, as the grader holds it, made of
  `spawner` (its pipes, sockets and order to the zygote), `channel` (the
  pipes on the event loop), `router` (what it says, routed by op),
  `output` (what it prints), `callbacks` (the check's callables it calls)
  and `witness` (what the grader observes of it from outside, built on
  `observation` and `load`, and the loop probe);
- `forkserver.ForkServer`: starts a zygote inside the isolation and asks it
  for a fresh child per check;
- `isolation`: the backends (`namespaces`, `landlock`, `none`), what each
  protects, and the view of the machine a child gets;
- `limits`, `faults`, `records`, `awaitables`: what a check configures, what
  it may catch, what it reads, what it may pass in.

Inside the sandbox: `zygote` (forks children), `boot` (a child's set-up up to
the submission's import), `server` (the call server) and `watch` (the
instrumentation). Both sides speak `wire` (message names and framing) and
`codec` (values).

Imports here are lazy: the child imports modules of this package too, and
must not load the trusted side's.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.sandbox.codec import Opaque as Opaque
    from grader.sandbox.faults import ImportFailed as ImportFailed
    from grader.sandbox.faults import SandboxFailed as SandboxFailed
    from grader.sandbox.faults import SubmissionDied as SubmissionDied
    from grader.sandbox.faults import SubmissionFault as SubmissionFault
    from grader.sandbox.faults import SubmissionRaised as SubmissionRaised
    from grader.sandbox.faults import SubmissionTimeout as SubmissionTimeout
    from grader.sandbox.faults import Undefined as Undefined
    from grader.sandbox.handle import Sandbox as Sandbox
    from grader.sandbox.limits import Limits as Limits
    from grader.sandbox.records import Call as Call
    from grader.sandbox.records import Line as Line

_EXPORTS = {
    "Call": "grader.sandbox.records",
    "ImportFailed": "grader.sandbox.faults",
    "Limits": "grader.sandbox.limits",
    "Line": "grader.sandbox.records",
    "Opaque": "grader.sandbox.codec",
    "Sandbox": "grader.sandbox.handle",
    "SandboxFailed": "grader.sandbox.faults",
    "SubmissionDied": "grader.sandbox.faults",
    "SubmissionFault": "grader.sandbox.faults",
    "SubmissionRaised": "grader.sandbox.faults",
    "SubmissionTimeout": "grader.sandbox.faults",
    "Undefined": "grader.sandbox.faults",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
