"""gathers with return_exceptions=True: returns the exception instead of raising it."""

import asyncio


async def fetch_all(fetch, keys):
    return list(await asyncio.gather(*(fetch(key) for key in keys), return_exceptions=True))
