import asyncio


async def load_page(fetch, parts, show):
    shown = 0

    async def load(part):
        nonlocal shown
        content = await fetch(part)
        show(part, content)
        shown += 1

    async with asyncio.TaskGroup() as tg:
        for part in parts:
            tg.create_task(load(part))
    return shown
