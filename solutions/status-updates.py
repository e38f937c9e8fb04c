"""Status updates: reference solution."""

import asyncio


async def run_all(jobs: dict) -> dict[str, str]:
    """Run every job concurrently; {name: "ok"} or {name: "error: ExceptionTypeName"}."""
    names = list(jobs)
    # return_exceptions=True: a job that raises gives its exception as its
    # result, and nothing is cancelled; every job runs to its own end.
    outcomes = await asyncio.gather(*(jobs[name]() for name in names), return_exceptions=True)
    return {
        name: f"error: {type(outcome).__name__}" if isinstance(outcome, BaseException) else "ok"
        for name, outcome in zip(names, outcomes, strict=True)
    }
