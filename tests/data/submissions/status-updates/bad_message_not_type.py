"""reports the exception's message instead of its type name."""

import asyncio


async def run_all(jobs):
    outcomes = await asyncio.gather(*(job() for job in jobs.values()), return_exceptions=True)
    return {
        name: f"error: {outcome}" if isinstance(outcome, Exception) else "ok"
        for name, outcome in zip(jobs, outcomes, strict=True)
    }
