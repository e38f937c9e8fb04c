import asyncio


async def run_all(jobs):
    if not jobs:
        return {}
    tasks = {name: asyncio.create_task(job()) for name, job in jobs.items()}
    await asyncio.wait(tasks.values())
    report = {}
    for name, task in tasks.items():
        exc = task.exception()
        report[name] = "ok" if exc is None else "error: " + type(exc).__name__
    return report
