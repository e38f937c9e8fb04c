"""Wrong: loops over range(n), 0 to n-1, and prints i + 1: each pause comes one number
late (after k is printed, not before), and the pause on n is never taken."""

import time


def count(n=30, pauses=None):
    pauses = pauses or {}
    start = time.perf_counter()
    for i in range(n):
        if i in pauses:
            time.sleep(pauses[i])
        print(i + 1)
    return time.perf_counter() - start
