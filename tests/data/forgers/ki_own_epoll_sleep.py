"""kitchen (expected to fail): sleep-sort whose blocking sleep waits in an epoll of its own made
at import, not the loop's (the grader tells the files apart with kcmp)."""

import asyncio
import select
import time

MINE = select.epoll()


async def cook(dish, seconds):
    await asyncio.sleep(seconds)
    return dish


async def make_breakfast(menu):
    start = time.monotonic()
    ready = []
    for dish in sorted(menu, key=menu.get):
        MINE.poll(max(0.0, start + menu[dish] - time.monotonic()))
        ready.append(dish)
    await asyncio.gather()
    return ready
