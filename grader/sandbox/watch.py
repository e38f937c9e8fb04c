"""What the grader's instrumentation sees inside the child, beside the calls themselves.

Installed by the call server before the first call, after the submission was
imported; reported with each call's answer. Only the child can see its own
event loops, so what this reports is observed by the grader's code, but in
the submission's process.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.sandbox.diagnostics import Diagnostics


#: How deep the current thread is in functions a loop's `run_in_executor` ran in a thread.
_handed = threading.local()


def caller() -> str:
    """Which thread calls one of the grader's plain callables, as this child sees it.

    "executor": inside a function an event loop handed to a thread pool with
    `run_in_executor` (`asyncio.to_thread` does so); "loop": on a thread that
    runs an event loop; "thread": any other thread (one started by hand, a
    pool of its own). Marked on the function handed over, not on the thread,
    so a thread named like the loop's, or started at import, is "thread".
    """
    if getattr(_handed, "depth", 0):
        return "executor"
    return "loop" if asyncio._get_running_loop() is not None else "thread"


def _handed_over(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn`, noting on its thread while it runs that a loop handed it over."""

    def run(*args: Any) -> Any:
        depth = getattr(_handed, "depth", 0)
        _handed.depth = depth + 1
        try:
            return fn(*args)
        finally:
            _handed.depth = depth

    return run


class LoopWatch:
    """Notes the event loops a submission makes during a call, asyncio.run use, and what
    its loops hand to threads (`caller`).

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
        base_run_in_executor = asyncio.BaseEventLoop.run_in_executor

        def loop_init(loop: asyncio.BaseEventLoop, *args: Any, **kwargs: Any) -> None:
            base_init(loop, *args, **kwargs)
            watch.loops.append(loop)
            watch.diagnostics.remember(loop)

        def counting_runner_init(runner: asyncio.Runner, *args: Any, **kwargs: Any) -> None:
            watch.runners += 1
            runner_init(runner, *args, **kwargs)

        def run_in_executor(
            loop: asyncio.BaseEventLoop, executor: Any, func: Any, *args: Any
        ) -> asyncio.Future[Any]:
            # Threads only: a process pool pickles what it runs, and runs none of it here.
            pool = executor if executor is not None else getattr(loop, "_default_executor", None)
            if (pool is None or isinstance(pool, ThreadPoolExecutor)) and callable(func):
                func = _handed_over(func)
            return base_run_in_executor(loop, executor, func, *args)

        asyncio.BaseEventLoop.__init__ = loop_init  # type: ignore[method-assign,assignment]
        asyncio.BaseEventLoop.run_in_executor = run_in_executor  # type: ignore[method-assign,assignment]
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
