"""Wrong: each pause waits in select.select([], [], [], t), not in time.sleep
(red team, 10/10)."""

import select
import time


def count(n=30, pauses=None):
    pauses = pauses or {}
    start = time.perf_counter()
    for k in range(1, n + 1):
        if k in pauses:
            select.select([], [], [], pauses[k])
        print(k)
    return time.perf_counter() - start
