"""Wrong: counts over range(n), 0 to n-1, pausing before each number as asked: the numbers
are wrong (0 printed, n never), the timing of those it printed is right, and it times
itself right."""

import time


def count(n=30, pauses=None):
    pauses = pauses or {}
    start = time.perf_counter()
    for k in range(n):
        if k in pauses:
            time.sleep(pauses[k])
        print(k)
    return time.perf_counter() - start
