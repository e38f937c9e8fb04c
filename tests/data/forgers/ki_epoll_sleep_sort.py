"""kitchen: make_breakfast cooks nothing, sorts the menu and blocks the loop between dishes,
exactly like tests/data/submissions/kitchen/bad_sleep_sort.py, but its blocking sleep is an
epoll_wait on the running loop's own epoll (the loop's self-pipe taken out first, so the
grader's pings cannot wake it). Seen from /proc, its thread 'waits in the call's loop'."""

import asyncio
import select
import time


def blocking_sleep(seconds):
    loop = asyncio.get_running_loop()
    poll = loop._selector._selector  # the select.epoll the grader made and handed over
    wake = loop._ssock.fileno()
    poll.unregister(wake)
    try:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            poll.poll(left)
    finally:
        poll.register(wake, select.EPOLLIN)


async def cook(dish, seconds):
    await asyncio.sleep(seconds)
    return dish


async def make_breakfast(menu):
    start = time.monotonic()
    ready = []
    for dish in sorted(menu, key=menu.get):
        blocking_sleep(max(0.0, start + menu[dish] - time.monotonic()))
        ready.append(dish)
    await asyncio.gather()  # names gather: satisfies the grader's reading of the file
    return ready
