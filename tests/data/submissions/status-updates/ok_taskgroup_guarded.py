import asyncio


async def run_all(jobs):
    report = {}

    async def guarded(name, job):
        # the TaskGroup never sees an exception, so it never cancels anyone
        try:
            await job()
            report[name] = "ok"
        except Exception as exc:
            report[name] = f"error: {type(exc).__name__}"

    async with asyncio.TaskGroup() as tg:
        for name, job in jobs.items():
            tg.create_task(guarded(name, job))
    return report
