"""fetches concurrently but shows nothing until every part has arrived."""

import asyncio


async def load_page(fetch, parts, show):
    contents = await asyncio.gather(*(fetch(part) for part in parts))
    for part, content in zip(parts, contents, strict=True):
        show(part, content)
    return len(parts)
