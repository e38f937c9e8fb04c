"""uses blocking urllib inside the coroutines: it freezes the loop, requests run in turn."""

import asyncio
import urllib.error
import urllib.request


async def status_of(url):
    try:
        with urllib.request.urlopen(url) as response:
            return url, response.status
    except urllib.error.HTTPError as error:
        return url, error.code


async def fetch_statuses(urls):
    return dict(await asyncio.gather(*(status_of(url) for url in urls)))
