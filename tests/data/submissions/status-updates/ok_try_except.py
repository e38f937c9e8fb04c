import asyncio


async def run_all(jobs):
    async def run(job):
        try:
            await job()
        except Exception as exc:
            return f"error: {type(exc).__name__}"
        return "ok"

    statuses = await asyncio.gather(*(run(job) for job in jobs.values()))
    return dict(zip(jobs, statuses, strict=True))
