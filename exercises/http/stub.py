"""HTTP: many HTTP requests, one session. See http.md.

Run it by hand with `python -P http.py`: without -P, a file named http.py
hides Python's own `http` module, which aiohttp needs.
"""

import asyncio
import time

import aiohttp  # noqa: F401  (you will need it)


async def fetch_statuses(urls: list[str]) -> dict[str, int]:
    """GET every url concurrently through one aiohttp.ClientSession; return {url: status}."""
    raise NotImplementedError("fetch_statuses: one ClientSession, all requests at once")


if __name__ == "__main__":
    urls = ["https://example.com/", "https://example.com/no-such-page", "https://python.org/"]
    start = time.perf_counter()
    print(asyncio.run(fetch_statuses(urls)))
    print(f"took {time.perf_counter() - start:.2f} s")
