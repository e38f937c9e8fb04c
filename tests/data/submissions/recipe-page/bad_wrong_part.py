"""uses as_completed but labels the i-th arrival with parts[i]: content shown under wrong part."""

import asyncio


async def load_page(fetch, parts, show):
    shown = 0
    for i, arrived in enumerate(asyncio.as_completed([fetch(part) for part in parts])):
        show(parts[i], await arrived)
        shown += 1
    return shown
