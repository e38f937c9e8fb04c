"""alice: count-sync, right."""

import time


def count(n: int = 30, pauses: dict[int, float] | None = None) -> float:
    pauses = pauses or {}
    start = time.perf_counter()
    for k in range(1, n + 1):
        if k in pauses:
            time.sleep(pauses[k])
        print(k)
    return time.perf_counter() - start
