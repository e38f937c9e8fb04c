import asyncio


async def save_all(write, lines):
    written = 0

    async def save(line):
        nonlocal written
        try:
            await asyncio.to_thread(write, line)
        except OSError:
            return
        written += 1

    async with asyncio.TaskGroup() as tg:
        for line in lines:
            tg.create_task(save(line))
    return written
