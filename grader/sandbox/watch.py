"""What the grader's instrumentation sees inside the child, beside the calls themselves.

Installed by the call server before the first call, after the submission was
imported; reported with each call's answer. Only the child can see its own
event loops, so what this reports is observed by the grader's code, but in
the submission's process.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.sandbox.diagnostics import Diagnostics


class LoopWatch:
    """Notes the event loops a submission makes during a call, and asyncio.run use.

    The catalog's `event-loop` exercise asks that the loop is closed and that
    asyncio.run is not used; only the child can see its own loops. The loops
    are held until the call's report is sent: one the submission closed and
    dropped is still counted.
    """

    def __init__(self, diagnostics: Diagnostics) -> None:
        self.loops: list[asyncio.AbstractEventLoop] = []
        self.runners = 0
        self.diagnostics = diagnostics

    def install(self) -> None:
        watch = self
        base_init = asyncio.BaseEventLoop.__init__
        runner_init = asyncio.Runner.__init__

        def loop_init(loop: asyncio.BaseEventLoop, *args: Any, **kwargs: Any) -> None:
            base_init(loop, *args, **kwargs)
            watch.loops.append(loop)
            watch.diagnostics.remember(loop)

        def counting_runner_init(runner: asyncio.Runner, *args: Any, **kwargs: Any) -> None:
            watch.runners += 1
            runner_init(runner, *args, **kwargs)

        asyncio.BaseEventLoop.__init__ = loop_init  # type: ignore[method-assign,assignment]
        asyncio.Runner.__init__ = counting_runner_init  # type: ignore[method-assign,assignment]

    def own_loop(self) -> asyncio.AbstractEventLoop:
        """A loop of the bootstrap's own, left out of the report."""
        loop = asyncio.new_event_loop()
        loop._grader_own = True  # type: ignore[attr-defined]
        return loop

    def reset(self) -> None:
        self.loops.clear()
        self.runners = 0

    def report(self) -> dict[str, Any]:
        theirs = [loop for loop in self.loops if not getattr(loop, "_grader_own", False)]
        self.loops.clear()
        self.diagnostics.unclosed_loops(theirs)
        return {
            "loops": [
                {"closed": loop.is_closed(), "running": loop.is_running()} for loop in theirs
            ],
            "runners": self.runners,
        }
