"""uses a bare TaskGroup: the first failure cancels the other jobs (reported as CancelledError)."""

import asyncio


async def run_all(jobs):
    tasks = {}
    try:
        async with asyncio.TaskGroup() as tg:
            for name, job in jobs.items():
                tasks[name] = tg.create_task(job())
    except* Exception:
        pass
    report = {}
    for name, task in tasks.items():
        if task.cancelled():
            report[name] = "error: CancelledError"
        elif task.exception() is not None:
            report[name] = f"error: {type(task.exception()).__name__}"
        else:
            report[name] = "ok"
    return report
