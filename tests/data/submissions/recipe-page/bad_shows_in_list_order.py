"""Wrong: fetches every part at once, but shows them in the order of `parts`, not as they arrive."""

import asyncio


async def load_page(fetch, parts, show):
    tasks = [asyncio.create_task(fetch(part)) for part in parts]
    for part, task in zip(parts, tasks, strict=True):
        show(part, await task)
    return len(parts)
