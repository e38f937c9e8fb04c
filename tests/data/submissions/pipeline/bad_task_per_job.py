"""ignores n_workers: starts one task per job, so everything runs at once."""

import asyncio


async def process(source, worker, n_workers):
    tasks = []
    async for job in source:
        tasks.append(asyncio.create_task(worker(job)))
    return list(await asyncio.gather(*tasks))
