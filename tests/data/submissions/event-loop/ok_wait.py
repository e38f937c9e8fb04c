import asyncio


def run_in_new_loop(coros):
    loop = asyncio.new_event_loop()
    try:
        tasks = [loop.create_task(coro) for coro in coros]
        if not tasks:
            return []
        done, pending = loop.run_until_complete(
            asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        )
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.wait(pending))
        for task in tasks:
            if task in done and task.exception() is not None:
                raise task.exception()
        return [task.result() for task in tasks]
    finally:
        loop.close()
