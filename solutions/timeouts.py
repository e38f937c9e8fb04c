"""Timeouts: reference solution."""

import asyncio


async def fetch_with_timeout(fetch, keys: list, timeout: float) -> dict:
    """Fetch every key concurrently; a fetch not done within `timeout` is cancelled -> None."""

    async def fetch_or_none(key):
        try:
            # wait_for cancels the fetch when time is up, waits until it has
            # really stopped, then raises TimeoutError.
            return await asyncio.wait_for(fetch(key), timeout)
        except TimeoutError:  # asyncio.TimeoutError is the built-in one since 3.11
            return None

    # Every fetch has its own timeout, and they all run at the same time.
    results = await asyncio.gather(*(fetch_or_none(key) for key in keys))
    return dict(zip(keys, results, strict=True))
