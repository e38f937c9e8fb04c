"""Counts correctly but returns a guess instead of measuring: no time at all."""

import time


def count(n=30, pauses=None):
    for k in range(1, n + 1):
        time.sleep((pauses or {}).get(k, 0))
        print(k)
    return 0.0
