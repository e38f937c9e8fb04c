"""dave: count-sync, broken: a syntax error (a missing colon)."""

import time


def count(n=30, pauses=None)
    for k in range(1, n + 1):
        time.sleep((pauses or {}).get(k, 0))
        print(k)
