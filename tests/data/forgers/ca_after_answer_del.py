"""count-async: no concurrency at all. It returns the order it will print in (sorted by pause),
then, once the grader's server has sent the answer and dropped the returned list, the list's
__del__ prints each number with time.sleep, one after another, on the loop's thread.
No grader module is touched."""

import asyncio
import time


class Later(list):
    def __del__(self):
        start = self.start
        for k, pause in self.plan:
            delay = start + pause - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            print(k, flush=True)
        time.sleep(0.01)  # still at work when the last line lands: the call lasts until then


async def count(n=30, pauses=None):
    pauses = pauses or {}
    plan = sorted(((k, pauses.get(k, 0)) for k in range(1, n + 1)), key=lambda kp: kp[1])
    out = Later(k for k, _ in plan)
    out.start = time.monotonic()
    out.plan = plan
    await asyncio.gather(
        asyncio.sleep(0.03)
    )  # enough looks inside the call that the gap after it is not 'coarse'
    return out
