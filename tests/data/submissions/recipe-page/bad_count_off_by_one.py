"""Wrong, off by one: returns the index of the last part shown, not how many were shown."""

import asyncio


async def load_page(fetch, parts, show):
    async def fetch_part(part):
        return part, await fetch(part)

    count = 0
    for count, arrived in enumerate(asyncio.as_completed([fetch_part(p) for p in parts])):  # noqa: B007
        part, content = await arrived
        show(part, content)
    return count
