"""Wrong: asyncio.wait(FIRST_EXCEPTION), then cancels the jobs still running: one failure
stops the others."""

import asyncio


async def run_all(jobs):
    tasks = {name: asyncio.create_task(job()) for name, job in jobs.items()}
    _, pending = await asyncio.wait(tasks.values(), return_when=asyncio.FIRST_EXCEPTION)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    report = {}
    for name, task in tasks.items():
        if task.cancelled():
            report[name] = "error: CancelledError"
        elif task.exception() is not None:
            report[name] = f"error: {type(task.exception()).__name__}"
        else:
            report[name] = "ok"
    return report
