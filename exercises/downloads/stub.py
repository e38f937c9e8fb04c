"""Downloads: at most `limit` at a time. See downloads.md."""

import asyncio
import time


async def download_all(download, urls: list[str], limit: int) -> dict:
    """Download every url with at most `limit` in flight, keeping the slots busy."""
    raise NotImplementedError("download_all: at most `limit` downloads at once, slots kept busy")


if __name__ == "__main__":
    in_flight = 0

    async def download(url):
        global in_flight
        in_flight += 1
        print(f"start {url} ({in_flight} in flight)")
        await asyncio.sleep(0.1)
        in_flight -= 1
        return f"<contents of {url}>"

    start = time.perf_counter()
    urls = [f"https://example.com/{i}" for i in range(5)]
    print(asyncio.run(download_all(download, urls, 2)))
    print(f"took {time.perf_counter() - start:.2f} s (about 0.3 s when it works)")
