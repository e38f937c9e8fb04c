"""Wrong: catches OSError around the whole gather and assumes one write failed."""

import asyncio


async def save_all(write, lines):
    try:
        await asyncio.gather(*(asyncio.to_thread(write, line) for line in lines))
    except OSError:
        return len(lines) - 1
    return len(lines)
