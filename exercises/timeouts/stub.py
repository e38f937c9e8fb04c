"""Timeouts: give up on the slow ones. See timeouts.md."""

import asyncio
import time


async def fetch_with_timeout(fetch, keys: list, timeout: float) -> dict:
    """Fetch every key concurrently; a fetch not done within `timeout` is cancelled -> None."""
    raise NotImplementedError("fetch_with_timeout: cancel the slow fetches, map them to None")


if __name__ == "__main__":
    delays = {"a": 0.1, "b": 2.0, "c": 0.2}

    async def fetch(key):
        try:
            await asyncio.sleep(delays[key])
        except asyncio.CancelledError:
            print(f"fetch({key!r}) was cancelled")
            raise
        return key.upper()

    start = time.perf_counter()
    print(asyncio.run(fetch_with_timeout(fetch, list(delays), 0.3)))
    print(f"took {time.perf_counter() - start:.2f} s (about 0.3 s when it works)")
