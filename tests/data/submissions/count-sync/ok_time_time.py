"""Correct: times itself with time.time."""

import time


def count(n=30, pauses=None):
    start = time.time()
    for k in range(1, n + 1):
        time.sleep((pauses or {}).get(k, 0))
        print(k)
    return time.time() - start
