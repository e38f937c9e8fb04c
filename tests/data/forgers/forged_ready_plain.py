"""count-async as a plain function (time.sleep, one number after another): forged_ready.py
without its forged READY."""

import time


def count(n=30, pauses=None):
    pauses = pauses or {}
    for k in sorted(range(1, n + 1), key=lambda k: (pauses.get(k, 0), k)):
        time.sleep(pauses.get(k, 0))
        print(k)
    return sorted(range(1, n + 1), key=lambda k: (pauses.get(k, 0), k))
