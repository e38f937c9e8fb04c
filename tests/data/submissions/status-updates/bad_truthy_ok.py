"""Wrong: reports "ok" only for a job that returned something truthy."""

import asyncio


async def run_all(jobs):
    names = list(jobs)
    outcomes = await asyncio.gather(*(jobs[name]() for name in names), return_exceptions=True)
    report = {}
    for name, outcome in zip(names, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            report[name] = f"error: {type(outcome).__name__}"
        else:
            report[name] = "ok" if outcome else "error: nothing returned"
    return report
