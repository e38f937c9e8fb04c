"""count-sync: count 1 to n, sleeping before some numbers, and time it."""

import time  # noqa: F401  (you will need it)


def count(n: int = 30, pauses: dict[int, float] | None = None) -> float:
    """Print 1..n, sleep pauses[k] seconds before k, return the elapsed seconds."""
    raise NotImplementedError("write count() here")


if __name__ == "__main__":
    print(f"took {count(30, {8: 2, 12: 1}):.2f} s")
