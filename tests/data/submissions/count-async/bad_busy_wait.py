"""No waiting at all: a loop that checks the clock until each number is due."""

import time


async def count(n=30, pauses=None):
    pauses = pauses or {}
    start = time.monotonic()
    order = [k for k in range(1, n + 1) if k not in pauses]
    for k in order:
        print(k)
    due = sorted(pauses, key=lambda k: (pauses[k], k))
    while due:
        if time.monotonic() - start >= pauses[due[0]]:
            k = due.pop(0)
            print(k)
            order.append(k)
    return order
