"""Downloads: reference solution."""

import asyncio


async def download_all(download, urls: list[str], limit: int) -> dict:
    """Download every url with at most `limit` in flight, keeping the slots busy."""
    # One semaphore shared by all downloads: `limit` free slots.
    slots = asyncio.Semaphore(limit)

    async def fetch(url: str) -> tuple[str, object]:
        async with slots:  # wait for a free slot; it is given back when the block ends
            return url, await download(url)

    # Every url gets a coroutine at once, but only `limit` of them get past the
    # semaphore; as soon as one finishes, a waiting one takes its slot.
    pairs = await asyncio.gather(*(fetch(url) for url in urls))
    return dict(pairs)
