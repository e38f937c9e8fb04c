"""plain gather without return_exceptions: the first failure makes run_all raise."""

import asyncio


async def run_all(jobs):
    await asyncio.gather(*(job() for job in jobs.values()))
    return {name: "ok" for name in jobs}
