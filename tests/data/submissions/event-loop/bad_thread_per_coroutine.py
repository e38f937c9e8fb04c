"""Wrong: gives each coroutine a thread of its own with a new loop of its own.

All run in parallel and every loop is closed, but the task is one new loop that
runs them all concurrently.
"""

import asyncio
import threading


def run_in_new_loop(coros):
    results = [None] * len(coros)
    errors = []

    def run(index, coro):
        loop = asyncio.new_event_loop()
        try:
            results[index] = loop.run_until_complete(coro)
        except BaseException as error:
            errors.append(error)
        finally:
            loop.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(coros)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
