import asyncio


def run_in_new_loop(coros):
    loop = asyncio.new_event_loop()
    try:
        # every task is scheduled now, and they all run whenever the loop runs:
        # while we wait for the first one, the others make progress too
        tasks = [loop.create_task(coro) for coro in coros]
        return [loop.run_until_complete(task) for task in tasks]
    finally:
        loop.close()
