"""Wrong: awaits show(...), but show is a plain function: its None cannot be awaited."""

import asyncio


async def load_page(fetch, parts, show):
    async def fetch_part(part):
        return part, await fetch(part)

    shown = 0
    for arrived in asyncio.as_completed([fetch_part(part) for part in parts]):
        part, content = await arrived
        await show(part, content)
        shown += 1
    return shown
