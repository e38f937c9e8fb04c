"""Wrong: takes the pause before 1, prints 1 and stops, timing itself right: the pauses
before the numbers it never printed cannot be timed, so the pause check is lost too."""

import time


def count(n=30, pauses=None):
    pauses = pauses or {}
    start = time.perf_counter()
    time.sleep(pauses.get(1, 0))
    print(1)
    return time.perf_counter() - start
