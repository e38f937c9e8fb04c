"""count-sync, reference solution."""

import time


def count(n: int = 30, pauses: dict[int, float] | None = None) -> float:
    """Print 1..n, sleep pauses[k] seconds before k, return the elapsed seconds."""
    pauses = pauses or {}
    start = time.perf_counter()
    for k in range(1, n + 1):
        if k in pauses:
            time.sleep(pauses[k])
        print(k)
    return time.perf_counter() - start


if __name__ == "__main__":
    print(f"took {count(30, {8: 2, 12: 1}):.2f} s")
