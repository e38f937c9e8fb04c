"""What a missed upper time bound means, given the load measured meanwhile.

Load only ever adds time, so a check that misses an upper bound may be the
machine's doing, and never one that misses a lower bound. Rather than guess,
the grader measures what load cost each attempt (`grader.sandbox.load`: the
seconds the threads the check's times depend on were ready to run and could
not) and judges the miss by it:

- a quiet attempt (they hardly waited), or a miss larger than load can
  explain (`EXPLAINS` times what they waited): the submission's; it fails at
  once, without a retry. The CPU time the submission itself used meanwhile
  is taken off what they waited first: spinning threads or processes make
  the very load they would be forgiven for;
- a miss load can explain: the check runs again, with the very same draws;
- still explained by load on its last attempt: `inconclusive`. The machine
  was too busy to time it; the check is graded again, never failed for it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping


class Decision(enum.StrEnum):
    FAIL = "fail"
    RETRY = "retry"
    INCONCLUSIVE = "inconclusive"


#: Load explains a miss of at most this many times the seconds the threads waited for a CPU:
#: a wait delays what follows it too (a reply read late is answered late).
EXPLAINS = 2.0
#: An attempt whose threads waited less than this for a CPU ran on a quiet machine.
QUIET = 0.01
#: A child that used this many seconds of CPU in an attempt's calls made load of its own, and
#: is told so: an asyncio submission uses about 0.02 s a check, quiet or loaded.
SELF_MADE = 0.25


def decide(
    bounds: Mapping[str, float | None] | None, waited: float, *, made: float = 0.0, last: bool
) -> Decision:
    """Retry, fail or give up as inconclusive, for a miss with `bounds` after `waited` s of load.

    `made`: the CPU time the submission itself used meanwhile, which excuses nothing.
    """
    waited -= made
    if waited < QUIET:
        return Decision.FAIL
    excess = overrun(bounds)
    if excess is not None and excess > EXPLAINS * waited:
        return Decision.FAIL
    return Decision.INCONCLUSIVE if last else Decision.RETRY


def overrun(bounds: Mapping[str, float | None] | None) -> float | None:
    """By how much the measure went over its upper bound, if the failure says both."""
    if not bounds:
        return None
    measured, at_most = bounds.get("measured"), bounds.get("at_most")
    if measured is None or at_most is None:
        return None
    return measured - at_most
