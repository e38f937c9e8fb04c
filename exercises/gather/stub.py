"""Gather: run them all, keep the order. See gather.md."""

import asyncio
import time


async def fetch_all(fetch, keys: list) -> list:
    """Call `await fetch(key)` for every key, all at once; return the results in key order."""
    raise NotImplementedError("fetch_all: start every fetch at once, keep the order of keys")


if __name__ == "__main__":

    async def fetch(key):
        await asyncio.sleep({"a": 0.3, "b": 0.1, "c": 0.2}[key])
        return key.upper()

    start = time.perf_counter()
    print(asyncio.run(fetch_all(fetch, ["a", "b", "c"])))  # ['A', 'B', 'C']
    print(f"took {time.perf_counter() - start:.2f} s (about 0.3 s when it works)")
