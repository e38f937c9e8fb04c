import asyncio


async def load_page(fetch, parts, show):
    part_of = {asyncio.create_task(fetch(part)): part for part in parts}
    pending = set(part_of)
    shown = 0
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            show(part_of[task], task.result())
            shown += 1
    return shown
