"""shows every part as it arrives but returns nothing instead of the number shown."""

import asyncio


async def load_page(fetch, parts, show):
    async def fetch_part(part):
        return part, await fetch(part)

    for arrived in asyncio.as_completed([fetch_part(part) for part in parts]):
        part, content = await arrived
        show(part, content)
