"""Wrong: f"error: {type(exc)}" gives "error: <class 'ValueError'>", not the type's name."""

import asyncio


async def run_all(jobs):
    names = list(jobs)
    outcomes = await asyncio.gather(*(jobs[name]() for name in names), return_exceptions=True)
    return {
        name: f"error: {type(outcome)}" if isinstance(outcome, BaseException) else "ok"
        for name, outcome in zip(names, outcomes, strict=True)
    }
