"""HTTP: reference solution."""

import asyncio

import aiohttp


async def fetch_statuses(urls: list[str]) -> dict[str, int]:
    """GET every url concurrently through one aiohttp.ClientSession; return {url: status}."""
    # One session for all requests: it pools and reuses connections. The
    # `async with` closes it (and its connections) when we are done.
    async with aiohttp.ClientSession() as session:

        async def status_of(url: str) -> tuple[str, int]:
            # Leaving the block releases the connection; we never read the body.
            async with session.get(url) as response:
                return url, response.status  # 404 and 500 are plain results here

        pairs = await asyncio.gather(*(status_of(url) for url in urls))
    return dict(pairs)
